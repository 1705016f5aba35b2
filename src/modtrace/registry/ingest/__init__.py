"""Importers from real sources into the register; each is idempotent and resumable."""
