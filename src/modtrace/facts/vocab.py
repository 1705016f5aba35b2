"""Controlled vocabularies for facts a person types by hand: modalities and jurisdictions.

A regime compares these values with lists in its data file, so a spelling that means the same
thing must arrive as the same word: ``Text``, ``code`` and ``TEXT`` are all ``text`` (the
Commission's GPAI guidelines, §2.1 and fn 2, count code as text); ``de``, ``Germany`` and ``DEU``
are all ``DE``; the EU's own ``EL`` is Greece (``GR``). A value that matches nothing is refused
with a message that names what would be accepted; it is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

MODALITIES: Final[dict[str, tuple[str, ...]]] = {
    "text": ("text", "code", "source-code", "language", "natural-language", "txt"),
    "audio": ("audio", "speech", "voice", "music", "sound"),
    "image": ("image", "images", "picture", "pictures"),
    "video": ("video", "videos"),
    "protein": ("protein", "proteins", "protein-sequence", "amino-acids"),
    "molecule": ("molecule", "molecules", "chemistry", "chemical"),
    "dna": ("dna", "rna", "genome", "genomic", "nucleotide"),
    "tabular": ("tabular", "table", "tables"),
    "time-series": ("time-series", "timeseries"),
    "action": ("action", "actions", "robotics", "control"),
    "3d": ("3d", "mesh", "point-cloud"),
    "embedding": ("embedding", "embeddings", "vector"),
    "label": ("label", "labels", "classification"),
}
"""Canonical output modality -> the spellings read as it (lower case, hyphenated)."""

_MODALITY_ALIASES: Final = {
    alias: name for name, aliases in MODALITIES.items() for alias in aliases
}

UNION: Final = "EU"
"""A modifier may say only that it is established in the Union."""

COUNTRY_ALIASES: Final = {"EL": "GR", "UK": "GB"}
"""Codes in official use that ISO 3166-1 spells differently: the EU's EL (Greece) and UK."""


def _key(value: str) -> str:
    return re.sub(r"[\s_]+", "-", value.strip().lower())


def normalise_modality(value: str) -> str:
    """The canonical modality for a spelling; raises ``ValueError`` naming the vocabulary."""
    key = _key(value).removeprefix("text-to-")
    if key in _MODALITY_ALIASES:
        return _MODALITY_ALIASES[key]
    known = ", ".join(MODALITIES)
    raise ValueError(f"unknown modality {value!r}; use one of {known} (code counts as text)")


def normalise_modalities(values: list[str]) -> list[str]:
    """Each modality normalised, duplicates dropped, order kept."""
    return list(dict.fromkeys(normalise_modality(v) for v in values))


def normalise_jurisdiction(value: str, countries: Mapping[str, str] | None = None) -> str:
    """An ISO 3166-1 alpha-2 code (upper case) or ``EU``, from a code or name in any case.

    ``countries`` (lower-case text -> code, as ``pycountry``'s lookup finds it: see
    :func:`modtrace.facts.lean.country_table`) answers before ``pycountry`` is loaded."""
    text = value.strip()
    upper = text.upper()
    if upper == UNION or _key(text) in ("european-union", "union"):
        return UNION
    if upper in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[upper]
    if countries and (code := countries.get(text.lower())) is not None:
        return code
    import pycountry  # noqa: PLC0415 - its data loads lazily; only facts with a country need it

    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    raise ValueError(
        f"unknown country {value!r}; use an ISO 3166-1 alpha-2 code (e.g. DE, US, GR or EL), "
        "a country name, or EU"
    )
