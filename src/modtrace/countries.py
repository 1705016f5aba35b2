"""Country codes: ISO 3166-1, alpha-2 or alpha-3, as a requester's country or a jurisdiction.

One country list for the whole project: pycountry's ISO 3166-1 data, as the facts' vocabulary
(:mod:`modtrace.facts.vocab`) uses, plus the EU's own code ``EL`` for Greece.
"""

from __future__ import annotations

from modtrace.facts.vocab import COUNTRY_ALIASES


def is_country(code: str) -> bool:
    """Whether ``code`` (any case) is an ISO 3166-1 alpha-2 or alpha-3 code (or ``EL``)."""
    import pycountry  # noqa: PLC0415 - its data loads lazily; only requests with a country need it

    upper = code.strip().upper()
    if upper in COUNTRY_ALIASES:
        return True
    if len(upper) == 2:
        return pycountry.countries.get(alpha_2=upper) is not None
    return len(upper) == 3 and pycountry.countries.get(alpha_3=upper) is not None
