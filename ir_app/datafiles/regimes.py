"""Load legal regimes (level_dossiers/regimes/*.yaml) into domain ``Regime`` objects.

Two passes, as for the requirement catalogue: the JSON Schema catches shape errors with a
precise JSON path, then ``build_regime`` checks rules against declared fields and per-level
coverage. Also gives the Vietnamese days off the working-day functions need (datafiles.holidays).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ir_app.datafiles.holidays import calendar_for
from ir_app.datafiles.loader import REGIME, load_document
from ir_app.domain.regimes import Regime, RegimeError, build_regime

# The schema sits next to the regime files, so an admin's edited copy travels with its schema.
SCHEMA_NAME = REGIME.schema


def load_regime(path: Path | str, schema_path: Path | str | None = None) -> Regime:
    """Read, validate and build the regime at ``path``; raise ``RegimeError`` if unusable."""
    path = Path(path)
    document = load_document(path, Path(schema_path) if schema_path else REGIME, RegimeError)
    return build_regime(document.raw, document.source)


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
