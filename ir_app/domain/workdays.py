"""Deadline arithmetic in working days (ngày làm việc) and calendar days.

Holidays are passed in (the caller builds them with the ``holidays`` package, country VN),
so these functions stay pure and tests use exact, known dates. Saturdays and Sundays are days
off unless listed in ``extra_workdays`` (Vietnam sometimes swaps a Saturday for a bridge day).
A deadline "within N days from D" does not count D itself.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta
from typing import Protocol

_NO_DAYS: frozenset[date] = frozenset()
_ONE_DAY = timedelta(days=1)


class DeadlineLike(Protocol):
    days: int | None
    unit: str  # working_days | calendar_days


def is_working_day(day: date, holidays: Container[date],
                   extra_workdays: Container[date] = _NO_DAYS) -> bool:
    if day in holidays:
        return False
    return day.weekday() < 5 or day in extra_workdays


def add_working_days(start: date, n: int, holidays: Container[date], *,
                     extra_workdays: Container[date] = _NO_DAYS) -> date:
    """The day on which the ``n``-th working day after ``start`` falls (``start`` not counted)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    day = start
    while n:
        day += _ONE_DAY
        if is_working_day(day, holidays, extra_workdays):
            n -= 1
    return day


def working_days_between(a: date, b: date, holidays: Container[date], *,
                         extra_workdays: Container[date] = _NO_DAYS) -> int:
    """Working days in (a, b]; negative when ``b`` is before ``a``.

    The inverse of ``add_working_days``: ``working_days_between(a, add_working_days(a, n)) == n``.
    """
    if b < a:
        return -working_days_between(b, a, holidays, extra_workdays=extra_workdays)
    count, day = 0, a
    while day < b:
        day += _ONE_DAY
        count += is_working_day(day, holidays, extra_workdays)
    return count


def next_working_day(day: date, holidays: Container[date], *,
                     extra_workdays: Container[date] = _NO_DAYS) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day, holidays, extra_workdays):
        day += _ONE_DAY
    return day


def due_date(start: date, deadline: DeadlineLike, holidays: Container[date], *,
             extra_workdays: Container[date] = _NO_DAYS,
             roll_forward: bool = True) -> date | None:
    """Last day of ``deadline`` counted from ``start``; None when the text sets no limit.

    Calendar-day limits that end on a day off move to the next working day (the general rule
    of the Civil Code 2015, Đ148); ``roll_forward=False`` keeps the bare date.
    """
    if deadline.days is None:
        return None
    if deadline.unit == "working_days":
        return add_working_days(start, deadline.days, holidays, extra_workdays=extra_workdays)
    if deadline.unit != "calendar_days":
        raise ValueError(f"unknown deadline unit {deadline.unit!r}")
    end = start + timedelta(days=deadline.days)
    return next_working_day(end, holidays, extra_workdays=extra_workdays) if roll_forward else end
