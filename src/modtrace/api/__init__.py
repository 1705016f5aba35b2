"""The web service: a JSON API (FastAPI) and server-rendered pages over the same register."""
