"""The reviewed YAML tables shipped with the package, read as ``yaml.safe_load`` reads them.

libyaml's parser (``yaml.CSafeLoader``) builds the same values with the same safe
constructors as the pure-Python loader, several times faster; PyYAML without libyaml falls
back to ``yaml.SafeLoader``. Input documents from users go through
:mod:`modtrace.documents`, which also refuses duplicate keys and impossible dates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


def read_yaml(path: Path) -> Any:
    """The YAML file at ``path`` (UTF-8), as ``yaml.safe_load`` would read it."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
