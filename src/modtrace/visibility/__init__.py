"""Who may see and do what: one layer the JSON API and the pages both import.

- :mod:`.access`: filings (who reads which, which fields).
- :mod:`.ownership`: whose a model is, from the register, never from the caller's documents.
- :mod:`.recall`: recall lists trimmed to what the caller may read.
"""
