"""What no model id in imported data may hold."""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""A control character. No Hub id, relation type or base holds one, and a NUL cannot even be
stored in PostgreSQL, so rows that carry one are reported and skipped on every backend alike."""
