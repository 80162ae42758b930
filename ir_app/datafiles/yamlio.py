"""One way to read the law and response data files: safe (plain data only) and fast (libyaml)."""
from __future__ import annotations

from typing import IO, Any

import yaml

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: str | bytes | IO[str]) -> Any:
    return yaml.load(source, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader: no Python objects
