"""Country codes: ISO 3166-1, alpha-2 or alpha-3, as a requester's country or a jurisdiction."""

from __future__ import annotations

from iso3166 import countries_by_alpha2, countries_by_alpha3


def is_country(code: str) -> bool:
    """Whether ``code`` (any case) is an ISO 3166-1 alpha-2 or alpha-3 code."""
    upper = code.strip().upper()
    return upper in countries_by_alpha2 or upper in countries_by_alpha3
