"""Fixtures of the page tests (defined in ``browser.py``, shared with the test modules)."""

from web.browser import browser, site

__all__ = ["browser", "site"]
