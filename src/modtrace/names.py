"""Names compared the way people write them: accents, transliterations and punctuation folded."""

from __future__ import annotations

import unicodedata


def fold(name: str) -> str:
    """Lower case, accents removed, punctuation as spaces: ``Müller-Łódź`` -> ``muller lodz``."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L"))
    ascii_ = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in ascii_.lower()).split())
