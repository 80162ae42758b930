"""The Vietnamese working calendar: the ``holidays`` package corrected by a local data file.

The package computes the statutory holidays (Bộ luật Lao động 2019 Đ112) but cannot know the days the
Prime Minister fixes each year for Tết and Quốc khánh (Đ112.3), nor the Saturdays swapped for bridge
days. ``level_dossiers/holidays.yaml`` records them by year, each year marked announced or assumed.
Standard library only: the caller passes the package's days in.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

STATUSES = ("announced", "assumed")


class HolidayFileError(ValueError):
    """A broken holidays file: names the file, the JSON path and the reason."""

    def __init__(self, source: object, where: str, reason: str):
        self.source, self.where, self.reason = str(source), where, reason
        super().__init__(f"{source}: {where}: {reason}")


@dataclass(frozen=True)
class DayOff:
    day: date
    name: str


@dataclass(frozen=True)
class YearSchedule:
    """The Government's schedule for one year, as far as it differs from or pins the package."""

    year: int
    status: str                       # announced | assumed
    source: str
    days_off: tuple[DayOff, ...] = ()
    working_days: tuple[DayOff, ...] = ()   # weekend days worked in exchange for a bridge day
    not_days_off: tuple[DayOff, ...] = ()   # days the package marks as holidays that are not
    note: str = ""


@dataclass(frozen=True)
class HolidayOverrides:
    id: str
    years: tuple[YearSchedule, ...]
    note: str = ""

    def year(self, year: int) -> YearSchedule | None:
        return next((item for item in self.years if item.year == year), None)


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[date]
    extra_workdays: frozenset[date]


def merge_calendar(package_holidays: Iterable[date], package_workdays: Iterable[date],
                   overrides: HolidayOverrides, years: Iterable[int]) -> WorkingCalendar:
    """The package's days for ``years``, with each listed year's schedule applied on top."""
    wanted = set(years)
    holidays = {day for day in package_holidays if day.year in wanted}
    workdays = {day for day in package_workdays if day.year in wanted}
    for schedule in overrides.years:
        if schedule.year not in wanted:
            continue
        holidays |= {item.day for item in schedule.days_off}
        holidays -= {item.day for item in schedule.not_days_off}
        workdays |= {item.day for item in schedule.working_days}
        holidays -= {item.day for item in schedule.working_days}
    return WorkingCalendar(frozenset(holidays), frozenset(workdays))


# --------------------------------------------------------------------------- building from data

def build_overrides(raw: Any, source: object) -> HolidayOverrides:
    """Check what the schema cannot: real dates, in their year, listed once, weekends where swapped."""
    if not isinstance(raw, Mapping):
        raise HolidayFileError(source, "$", "phải là một đối tượng")
    years: list[YearSchedule] = []
    for index, item in enumerate(raw.get("years") or ()):
        where = f"$.years[{index}]"
        year = item["year"]
        if any(existing.year == year for existing in years):
            raise HolidayFileError(source, f"{where}.year", f"năm {year} bị khai báo hai lần")
        lists = {key: _days(item.get(key) or (), year, f"{where}.{key}", source)
                 for key in ("days_off", "working_days", "not_days_off")}
        for day in lists["working_days"]:
            if day.day.weekday() < 5:
                raise HolidayFileError(source, f"{where}.working_days",
                                       f"{day.day:%d/%m/%Y} không phải thứ Bảy, Chủ nhật: chỉ ngày nghỉ "
                                       "hằng tuần mới cần ghi là ngày làm việc bù")
        both = {d.day for d in lists["days_off"]} & {d.day for d in lists["not_days_off"] + lists["working_days"]}
        if both:
            raise HolidayFileError(source, where, f"ngày {min(both):%d/%m/%Y} vừa nghỉ vừa đi làm")
        if item["status"] not in STATUSES:
            raise HolidayFileError(source, f"{where}.status", f"phải là một trong: {', '.join(STATUSES)}")
        years.append(YearSchedule(year=year, status=item["status"], source=item["source"],
                                  days_off=tuple(lists["days_off"]), working_days=tuple(lists["working_days"]),
                                  not_days_off=tuple(lists["not_days_off"]), note=item.get("note", "")))
    return HolidayOverrides(id=str(raw.get("id", "")), years=tuple(sorted(years, key=lambda y: y.year)),
                            note=str(raw.get("note", "")))


def _days(items: Iterable[Mapping[str, Any]], year: int, where: str, source: object) -> list[DayOff]:
    result: list[DayOff] = []
    for index, item in enumerate(items):
        value = item["date"]
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise HolidayFileError(source, f"{where}[{index}].date", f"'{value}' không phải ngày có thật") from None
        if day.year != year:
            raise HolidayFileError(source, f"{where}[{index}].date", f"{day:%d/%m/%Y} không thuộc năm {year}")
        if any(existing.day == day for existing in result):
            raise HolidayFileError(source, f"{where}[{index}].date", f"{day:%d/%m/%Y} bị lặp")
        result.append(DayOff(day, str(item.get("name", ""))))
    return result
