"""Load legal regimes (level_dossiers/regimes/*.yaml) into domain ``Regime`` objects.

Two passes, as for the requirement catalogue: the JSON Schema catches shape errors with a
precise JSON path, then ``build_regime`` checks rules against declared fields and per-level
coverage. Also gives the Vietnamese days off the working-day functions need (datafiles.holidays).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, best_match

from ir_app.datafiles.holidays import calendar_for
from ir_app.datafiles.yamlio import load_yaml
from ir_app.domain.regimes import Regime, RegimeError, build_regime

# The schema sits next to the regime files, so an admin's edited copy travels with its schema.
SCHEMA_NAME = "schema.json"
# The libyaml loader when present: same safe subset of YAML, several times faster.


def load_regime(path: Path | str, schema_path: Path | str | None = None) -> Regime:
    """Read, validate and build the regime at ``path``; raise ``RegimeError`` if unusable."""
    path = Path(path)
    source = str(path)
    raw = _read_yaml(path, source)
    schema_file = Path(schema_path) if schema_path else path.with_name(SCHEMA_NAME)
    _validate(raw, schema_file, source)
    return build_regime(raw, source)


def load_regimes(directory: Path | str) -> dict[str, Regime]:
    """Every ``*.yaml`` regime in ``directory`` by id; exactly one default, ids unique."""
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RegimeError(str(directory), "$", "không có tệp chế độ (*.yaml) nào")
    regimes: dict[str, Regime] = {}
    for path in files:
        regime = load_regime(path)
        if regime.id in regimes:
            raise RegimeError(str(path), "$.id", f"mã chế độ '{regime.id}' đã có trong "
                                                 f"{regimes[regime.id].source}")
        regimes[regime.id] = regime
    _check_together(directory, regimes)
    return regimes


def _check_together(directory: Path, regimes: dict[str, Regime]) -> None:
    defaults = [r.id for r in regimes.values() if r.is_default]
    if len(defaults) != 1:
        found = ", ".join(defaults) or "không có"
        raise RegimeError(str(directory), "$.is_default",
                          f"phải có đúng một chế độ mặc định (is_default: true); hiện có: {found}")
    # The level-check input (DESIGN.md §5) is one contract: every regime accepts the same keys.
    first = next(iter(regimes.values()))
    for regime in regimes.values():
        if set(regime.field_names) != set(first.field_names):
            diff = sorted(set(regime.field_names) ^ set(first.field_names))
            raise RegimeError(regime.source, "$.input_fields",
                              f"phải khai báo cùng các trường như {first.source}; "
                              f"khác nhau ở: {', '.join(diff)}")


def vn_holidays(years: Iterable[int], folder: Path | str | None = None) -> set[date]:
    """Vietnamese days off (Tết included) for ``years``: the ``holidays`` package corrected by the
    Government's schedule in ``folder``/holidays.yaml (ir_app.datafiles.holidays)."""
    return set(calendar_for(years, folder).holidays)


def vn_weekend_workdays(years: Iterable[int], folder: Path | str | None = None) -> set[date]:
    """Saturdays/Sundays declared working days (swapped for a bridge holiday) in ``years``."""
    return set(calendar_for(years, folder).extra_workdays)


def _read_yaml(path: Path, source: str) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return load_yaml(handle)
    except OSError as exc:
        raise RegimeError(source, "$", f"không đọc được tệp: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise RegimeError(source, "$", f"YAML không hợp lệ: {exc}") from exc


def _validate(raw: Any, schema_path: Path, source: str) -> None:
    try:
        validator = _validator(schema_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, SchemaError) as exc:
        raise RegimeError(str(schema_path), "$", f"lược đồ không dùng được: {exc}") from exc
    error = best_match(validator.iter_errors(_as_json(raw)))
    if error is not None:
        raise RegimeError(source, error.json_path, f"sai lược đồ: {error.message}")


@lru_cache(maxsize=8)
def _validator(schema_text: str) -> Draft202012Validator:
    """Checking the schema itself is slow; do it once per distinct schema text."""
    schema = json.loads(schema_text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _as_json(value: Any) -> Any:
    """YAML turns unquoted dates into date objects and allows integer keys; JSON has neither."""
    if isinstance(value, dict):
        return {str(key): _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
