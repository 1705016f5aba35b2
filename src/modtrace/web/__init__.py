"""Server-rendered pages: a self-assessment wizard, a regulator dashboard, the public register."""
