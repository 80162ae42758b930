"""The working calendar: the ``holidays`` package (country VN) plus level_dossiers/holidays.yaml.

The file is checked against its JSON Schema first (the error names the JSON path), then by
``ir_app.domain.holidays.build_overrides``. The calendar of a few years is built once per folder.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import holidays as holidays_lib

from ir_app.datafiles.loader import HOLIDAYS, load_document
from ir_app.domain.holidays import HolidayFileError, HolidayOverrides, WorkingCalendar, build_overrides, merge_calendar

COUNTRY = "VN"
FILE_NAME = HOLIDAYS.pattern
SCHEMA_NAME = HOLIDAYS.schema


def default_folder() -> Path:
    from ir_app.config import bundled_root  # late: config reads the environment

    return bundled_root() / "level_dossiers"


def load_overrides(path: Path | str) -> HolidayOverrides:
    """Read and check a holidays file; raise ``HolidayFileError`` naming the file and the field."""
    path = Path(path)
    raw = load_document(path, HOLIDAYS, _file_error).raw
    return build_overrides(raw, path)


def _file_error(source: str, where: str, reason: str) -> HolidayFileError:
    return HolidayFileError(Path(source), where, reason)


def calendar_for(years: Iterable[int], folder: Path | str | None = None) -> WorkingCalendar:
    """Days off and swapped working days for ``years``; the folder's holidays.yaml, else the bundled one."""
    folder = Path(folder) if folder is not None else default_folder()
    path = folder / FILE_NAME
    if not path.is_file():
        path = default_folder() / FILE_NAME
    stat = path.stat()
    return _calendar(tuple(sorted(set(years))), str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _calendar(years: tuple[int, ...], path: str, mtime_ns: int, size: int) -> WorkingCalendar:
    """Cached per file state, so an edited file is read again."""
    package = holidays_lib.country_holidays(COUNTRY, years=list(years))
    return merge_calendar(package.keys(), getattr(package, "weekend_workdays", ()), load_overrides(path), years)
