"""Backup due dates as pure rules: expected run times, overdue plans, restore tests, 3-2-1.

A plan's schedule is written in the commune's local wall-clock time (cán bộ think "22:00 every
day", not UTC). Every frequency — daily, weekly, monthly, or a cron-like rule — becomes one
`CronSpec`, so a single engine finds expected run times.

When is a plan overdue? Each expected time owns the half period before it: a successful run
counts toward the expected time it is closest to (a backup started a little early still counts).
A plan is overdue when the first expected time not covered by a successful run, plus the grace
period, has passed. A new plan is never overdue for times before it started.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Iterable

from ir_app.domain.dates import add_months


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    CRON = "cron"


class Method(StrEnum):
    FULL = "full"
    INCREMENTAL = "incremental"
    IMAGE = "image"
    EXPORT = "export"


class DestinationKind(StrEnum):
    ON_SITE = "on_site"
    OFF_SITE = "off_site"
    OFFLINE = "offline"
    CLOUD = "cloud"


class RunResult(StrEnum):
    OK = "ok"
    FAILED = "failed"
    PARTIAL = "partial"


class ScheduleError(ValueError):
    """A schedule that cannot be used; the message is shown to the user as is (Vietnamese)."""


# Search horizon for the next/previous expected time: a valid rule fires at least once in
# this span (the rarest legal rule, 29 February, fires every four years).
_HORIZON_DAYS = 366 * 8 + 2
_FIELDS = (("phút", 0, 59), ("giờ", 0, 23), ("ngày trong tháng", 1, 31), ("tháng", 1, 12),
           ("thứ trong tuần", 0, 7))
_WEEKDAY_NAMES = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}


@dataclass(frozen=True)
class CronSpec:
    """Five cron fields (minute hour day-of-month month day-of-week), in local time.

    Weekdays use cron numbering (0 or 7 = Sunday, 1 = Monday). As in cron, when both the day of
    month and the day of week are restricted, a day matching either one fires.
    """

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]          # Python numbering: Monday = 0
    any_day: bool = True
    any_weekday: bool = True

    @classmethod
    def parse(cls, text: str) -> CronSpec:
        return _parse_cron(text)

    def matches_day(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        by_day, by_weekday = day.day in self.days, day.weekday() in self.weekdays
        if self.any_day or self.any_weekday:
            return by_day and by_weekday
        return by_day or by_weekday

    def times_of_day(self) -> tuple[time, ...]:
        return self._times

    @cached_property
    def _times(self) -> tuple[time, ...]:  # a tuple: specs are shared through schedule_spec's cache
        return tuple(time(hour, minute) for hour in sorted(self.hours) for minute in sorted(self.minutes))

    def next_at_or_after(self, moment: datetime) -> datetime:
        """The first expected time >= moment (naive local datetimes)."""
        moment = moment.replace(second=0, microsecond=0) + (timedelta(minutes=1) if moment.second or
                                                             moment.microsecond else timedelta())
        day = moment.date()
        for _ in range(_HORIZON_DAYS):
            if self.matches_day(day):
                for at in self.times_of_day():
                    candidate = datetime.combine(day, at)
                    if candidate >= moment:
                        return candidate
            day += timedelta(days=1)
        raise ScheduleError("Quy tắc lịch không bao giờ xảy ra (ví dụ ngày 31 tháng 2).")

    def next_after(self, moment: datetime) -> datetime:
        return self.next_at_or_after(moment.replace(second=0, microsecond=0) + timedelta(minutes=1))

    def previous_before(self, moment: datetime) -> datetime:
        """The last expected time < moment (naive local datetimes)."""
        day = moment.date()
        for _ in range(_HORIZON_DAYS):
            if self.matches_day(day):
                for at in reversed(self.times_of_day()):
                    candidate = datetime.combine(day, at)
                    if candidate < moment:
                        return candidate
            day -= timedelta(days=1)
        raise ScheduleError("Quy tắc lịch không bao giờ xảy ra (ví dụ ngày 31 tháng 2).")

    def _check_fires(self) -> None:
        self.next_at_or_after(datetime(2000, 1, 1))


@lru_cache(maxsize=1024)
def _parse_cron(text: str) -> CronSpec:
    """Parsed once per distinct rule (the spec is immutable): the overview of a province computes
    the health of hundreds of plans that share a handful of schedules."""
    parts = text.split()
    if len(parts) != 5:
        raise ScheduleError("Quy tắc lịch phải có đúng 5 trường: phút giờ ngày tháng thứ "
                            "(ví dụ «30 22 * * 1-5» là 22:30 từ thứ Hai đến thứ Sáu).")
    values = [_parse_field(part, *spec) for part, spec in zip(parts, _FIELDS)]
    weekdays = frozenset((value - 1) % 7 for value in values[4])  # cron 1=Mon → Python 0
    spec = CronSpec(frozenset(values[0]), frozenset(values[1]), frozenset(values[2]),
                    frozenset(values[3]), weekdays, any_day=parts[2] == "*", any_weekday=parts[4] == "*")
    spec._check_fires()
    return spec


def _parse_field(text: str, name: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for item in text.lower().split(","):
        match = re.fullmatch(r"(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/(\d+))?", item)
        if not match:
            raise ScheduleError(f"Trường {name} «{text}» không hợp lệ.")
        span, step = match.group(1), int(match.group(2) or 1)
        if step < 1:
            raise ScheduleError(f"Bước nhảy trong trường {name} phải lớn hơn 0.")
        if span == "*":
            start, end = low, high
        else:
            bounds = [_number(bound, name, low, high) for bound in span.split("-")]
            start, end = bounds[0], bounds[-1]
            if match.group(2) and len(bounds) == 1:
                end = high  # "5/15" means from 5 every 15, as in cron
        if start > end:
            raise ScheduleError(f"Khoảng «{span}» trong trường {name} bị ngược.")
        values.update(range(start, end + 1, step))
    return values


def _number(text: str, name: str, low: int, high: int) -> int:
    if name == "thứ trong tuần" and text in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES[text]
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise ScheduleError(f"Giá trị «{text}» trong trường {name} phải từ {low} đến {high}.")
    return int(text)


def parse_time_of_day(text: str) -> time:
    match = re.fullmatch(r"(\d{1,2})[:h](\d{2})", (text or "").strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ScheduleError("Giờ sao lưu phải theo dạng HH:MM, ví dụ 22:00.")
    return time(int(match.group(1)), int(match.group(2)))


@lru_cache(maxsize=4096)  # pure; a province overview asks for hundreds of plans on every load
def schedule_spec(frequency: str, time_of_day: str = "22:00", weekday: int | None = None,
                  day_of_month: int | None = None, cron: str = "") -> CronSpec:
    """The cron form of a plan's schedule. Weekday: 0 = Monday … 6 = Sunday."""
    if frequency == Frequency.CRON:
        return CronSpec.parse(cron)
    at = parse_time_of_day(time_of_day)
    if frequency == Frequency.DAILY:
        return CronSpec.parse(f"{at.minute} {at.hour} * * *")
    if frequency == Frequency.WEEKLY:
        if weekday is None or not 0 <= weekday <= 6:
            raise ScheduleError("Sao lưu hằng tuần: chọn thứ trong tuần.")
        return CronSpec.parse(f"{at.minute} {at.hour} * * {(weekday + 1) % 7}")
    if frequency == Frequency.MONTHLY:
        if day_of_month is None or not 1 <= day_of_month <= 28:
            raise ScheduleError("Sao lưu hằng tháng: chọn ngày từ 1 đến 28 (có trong mọi tháng).")
        return CronSpec.parse(f"{at.minute} {at.hour} {day_of_month} * *")
    raise ScheduleError(f"Tần suất «{frequency}» không hợp lệ.")


@dataclass(frozen=True)
class BackupHealth:
    expected_at: datetime           # aware: the first expected time not yet covered by a good run
    due_by: datetime                # expected_at + grace: after this the plan is overdue
    is_overdue: bool
    last_ok_at: datetime | None

    @property
    def overdue_since(self) -> datetime | None:
        return self.expected_at if self.is_overdue else None


def backup_health(spec: CronSpec, zone: tzinfo, starts_at: datetime, last_ok_at: datetime | None,
                  now: datetime, grace: timedelta) -> BackupHealth:
    """Where a plan stands at `now` (all datetimes aware; the schedule is read in `zone`)."""
    expected = expected_at(spec, zone, starts_at, last_ok_at)
    due_by = expected + grace
    return BackupHealth(expected, due_by, now >= due_by, last_ok_at)


def expected_at(spec: CronSpec, zone: tzinfo, starts_at: datetime, last_ok_at: datetime | None) -> datetime:
    """The first expected time no good run covers (aware). It does not depend on the clock: with
    the grace added it is the instant from which the plan is overdue, until the next good run."""
    return _local(first_uncovered(spec, _naive(starts_at, zone),
                                  _naive(last_ok_at, zone) if last_ok_at else None), zone)


@lru_cache(maxsize=16384)  # pure; depends only on the schedule and the last good run
def first_uncovered(spec: CronSpec, starts: datetime, last_ok: datetime | None) -> datetime:
    """The first expected time >= starts that no good run covers (naive local datetimes)."""
    slot = spec.next_at_or_after(starts if last_ok is None else max(starts, last_ok))
    if last_ok is not None and window_start(spec, slot) <= last_ok:
        slot = spec.next_after(slot)
    return slot


def window_start(spec: CronSpec, slot: datetime) -> datetime:
    """Runs from here on count toward `slot`: the half period before it belongs to it."""
    previous = spec.previous_before(slot)
    return slot - (slot - previous) / 2


def _naive(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _local(moment: datetime, zone: tzinfo) -> datetime:
    return moment.replace(tzinfo=zone)


# --- Restore tests -------------------------------------------------------------------------

DEFAULT_RESTORE_TEST_MONTHS = 6




def restore_test_due_on(last_ok_test_on: date | None, plan_started_on: date,
                        interval_months: int = DEFAULT_RESTORE_TEST_MONTHS) -> date:
    """A restore test is due `interval_months` after the last good one (or after the plan began)."""
    return add_months(last_ok_test_on or plan_started_on, interval_months)


def restore_test_overdue(due_on: date, today: date) -> bool:
    return today > due_on


# --- The 3-2-1 rule ----------------------------------------------------------------------------

AWAY_KINDS = frozenset({DestinationKind.OFF_SITE, DestinationKind.OFFLINE, DestinationKind.CLOUD})


@dataclass(frozen=True)
class Destination:
    kind: str
    description: str


def has_away_copy(destinations: Iterable[Destination]) -> bool:
    """A copy that survives a fire or ransomware at the office: off-site, offline or cloud."""
    return any(destination.kind in AWAY_KINDS for destination in destinations)


def rule_321_warnings(destinations: Iterable[Destination]) -> list[str]:
    """3 copies (the data itself + 2 backups) on 2 kinds of place, 1 away from the office.

    A cloud copy counts as away from the office; so does an offline copy (a disk in a safe).
    """
    destinations = list(destinations)
    kinds = {destination.kind for destination in destinations}
    warnings = []
    if not has_away_copy(destinations):
        warnings.append("Không có bản sao ngoài trụ sở hoặc ngoại tuyến: một sự cố tại trụ sở (cháy, "
                        "mã độc tống tiền) có thể làm mất cả dữ liệu lẫn bản sao.")
    copies = 1 + len(kinds)
    if copies < 3:
        warnings.append(f"Mới có {copies} bản (kể cả dữ liệu gốc); quy tắc 3-2-1 cần ít nhất 3 bản "
                        "trên 2 loại nơi lưu khác nhau.")
    return warnings


# --- Sizes -------------------------------------------------------------------------------------

MAX_SIZE = 2**53  # 8 PiB: far above any commune backup, far below the 64-bit column limit
_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3,
          "t": 1024**4, "tb": 1024**4}


def parse_size(text: str) -> int:
    """'1.5 GB', '700MB', '123456' → bytes (1 KB = 1024 bytes)."""
    match = re.fullmatch(r"\s*(\d{1,20}(?:[.,]\d{1,6})?)\s*([a-zA-Z]{0,2})\s*", text or "")
    unit = match.group(2).lower() if match else None
    if not match or unit not in _UNITS:
        raise ValueError("Dung lượng phải là một số, có thể kèm đơn vị KB, MB, GB, TB (ví dụ 1,5 GB).")
    size = int(float(match.group(1).replace(",", ".")) * _UNITS[unit])
    if size > MAX_SIZE:
        raise ValueError("Dung lượng quá lớn.")
    return size


def format_size(size: int | None) -> str:
    if size is None:
        return ""
    for unit, factor in (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".", ",")
    return f"{size} B"
