"""The one way every law and response data file is read: bytes → SHA-256 → YAML (safe subset) →
JSON Schema (errors carry a JSON path) → a domain build that checks meaning in Vietnamese.

Each data family keeps its own error class (regimes, catalogue, playbooks, measures…); they all take
``(source, where, reason)``, so the loader raises through the factory it is given.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError, best_match

# The libyaml loader when present: same safe subset of YAML, several times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ErrorFactory = Callable[[str, str, str], Exception]


@dataclass(frozen=True)
class DataDocument:
    source: str
    raw: Any          # as YAML gave it (dates, integer keys kept)
    sha256: str       # of the file's bytes: what a dossier or an incident pins

    @property
    def json(self) -> Any:
        """The same data as JSON sees it (string keys, ISO dates): what schemas and some builders read."""
        return as_json(self.raw)


def load_yaml(source: str | bytes | IO[str]) -> Any:
    return yaml.load(source, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader: no Python objects


def read_document(path: Path | str, error: ErrorFactory) -> DataDocument:
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(source, "$", f"không đọc được tệp: {exc.strerror or exc}") from exc
    try:
        raw = load_yaml(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise error(source, "$", "tệp không phải văn bản UTF-8") from exc
    except yaml.YAMLError as exc:
        raise error(source, "$", f"YAML có cú pháp không hợp lệ: {exc}") from exc
    return DataDocument(source, raw, hashlib.sha256(data).hexdigest())


def load_document(path: Path | str, schema_path: Path | str, error: ErrorFactory) -> DataDocument:
    """Read the file and check it against its schema; the first (best) schema error is raised."""
    document = read_document(path, error)
    first = best_match(schema_errors(document.json, schema_path, error))
    if first is not None:
        raise error(document.source, first.json_path, f"sai lược đồ: {first.message}")
    return document


def schema_errors(instance: Any, schema_path: Path | str, error: ErrorFactory) -> list[ValidationError]:
    """Every schema error of ``instance`` (JSON-shaped), in document order."""
    validator = load_validator(schema_path, error)
    return sorted(validator.iter_errors(instance), key=lambda e: [str(part) for part in e.absolute_path])


def load_validator(schema_path: Path | str, error: ErrorFactory) -> Draft202012Validator:
    try:
        return _validator(Path(schema_path).read_text(encoding="utf-8"))
    except (OSError, ValueError, SchemaError) as exc:
        raise error(str(schema_path), "$", f"lược đồ không dùng được: {exc}") from exc


@lru_cache(maxsize=32)
def _validator(schema_text: str) -> Draft202012Validator:
    """Checking the schema itself is slow; do it once per distinct schema text."""
    schema = json.loads(schema_text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def as_json(value: Any) -> Any:
    """YAML turns unquoted dates into date objects and allows integer keys; JSON has neither."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
