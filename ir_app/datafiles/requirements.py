"""Load a requirement catalogue (level_dossiers/requirements/*.yaml) into a domain ``Catalogue``.

Two passes: the JSON Schema catches shape errors with a precise JSON path, then
``build_catalogue`` checks references, uniqueness and the declared per-level counts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ir_app.datafiles.yamlio import load_yaml
from ir_app.domain.requirements import Catalogue, CatalogueError, build_catalogue

# The schema sits next to the catalogues, so an admin's edited copy travels with its schema.
SCHEMA_NAME = "schema.json"


def load_catalogue(path: Path, schema_path: Path | None = None) -> Catalogue:
    """Read, validate and build the catalogue at ``path``; raise ``CatalogueError`` if unusable."""
    path = Path(path)
    source = str(path)
    raw = _read_yaml(path)
    _validate(raw, Path(schema_path) if schema_path else path.with_name(SCHEMA_NAME), source)
    return build_catalogue(raw, source)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return load_yaml(handle)
    except yaml.YAMLError as exc:
        raise CatalogueError(str(path), "$", f"YAML không hợp lệ: {exc}") from exc


def _validate(raw: Any, schema_path: Path, source: str) -> None:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    error = best_match(Draft202012Validator(schema).iter_errors(_as_json(raw)))
    if error is not None:
        raise CatalogueError(source, error.json_path, f"sai lược đồ: {error.message}")


def _as_json(value: Any) -> Any:
    """YAML allows integer mapping keys ({1: "5.1.1.1"}); JSON Schema only knows string keys."""
    if isinstance(value, dict):
        return {str(key): _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    return value
