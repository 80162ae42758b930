"""When to remind about a deadline, and how hard to retry an e-mail: pure rules.

A deadline carries thresholds listed from the earliest to the latest, e.g. 30 days, 7 days,
1 day before, then overdue. At any moment only the latest threshold already reached is sent:
a server that was off for a week sends "overdue", not four reminders at once. Each
(deadline, threshold) pair gets its own deduplication key, so a threshold is sent exactly once.
"""
from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from ir_app.domain.workdays import working_days_between

WORKING_DAYS = "wd"
DAYS = "d"
HOURS = "h"
_UNIT_WORDS = {WORKING_DAYS: "ngày làm việc", DAYS: "ngày", HOURS: "giờ"}


@dataclass(frozen=True)
class Threshold:
    """`amount` units before the deadline; amount None means "after the deadline" (overdue)."""

    amount: int | None
    unit: str = DAYS

    @property
    def code(self) -> str:
        """The stable suffix of a reminder key: due-3wd, due-30d, due-2h, due-0h, overdue."""
        return "overdue" if self.amount is None else f"due-{self.amount}{self.unit}"

    @property
    def phrase(self) -> str:
        if self.amount is None:
            return "Quá hạn"
        if self.amount == 0:
            return "Đến hạn"
        return f"Còn {self.amount} {_UNIT_WORDS[self.unit]}"


def before(amount: int, unit: str = DAYS) -> Threshold:
    return Threshold(amount, unit)


OVERDUE = Threshold(None)
AT_DUE = Threshold(0, HOURS)


# Working days ahead become at most this many more calendar days (weekends, Tết's week off).
WORKING_DAYS_SLACK = 14


def reminder_horizon(thresholds: Sequence[Threshold], today: date) -> date:
    """The latest due date whose earliest threshold may be reached today (generously: a day more for
    the zone, weekends and holidays for working days). A deadline due after it needs no reminder yet."""
    lead = 0
    for threshold in thresholds:
        if threshold.amount is None:
            continue
        days = {DAYS: threshold.amount, WORKING_DAYS: 2 * threshold.amount + WORKING_DAYS_SLACK,
                HOURS: -(-threshold.amount // 24)}[threshold.unit]
        lead = max(lead, days)
    return today + timedelta(days=lead + 1)


def is_reached(threshold: Threshold, due: date | datetime, now: datetime, zone: tzinfo,
               holidays: Container[date], extra_workdays: Container[date] = frozenset()) -> bool:
    """Has `now` (aware) reached the threshold of a deadline?

    A date deadline means "by the end of that day, local time": it is overdue from the next day.
    A datetime deadline (aware) is an instant: overdue once it has passed.
    """
    today = now.astimezone(zone).date()
    if isinstance(due, datetime):
        if threshold.amount is None:
            return now > due
        if threshold.unit == HOURS:
            return due - now <= timedelta(hours=threshold.amount)
        if threshold.unit == DAYS:
            return due - now <= timedelta(days=threshold.amount)
        due_day = due.astimezone(zone).date()
    else:
        if threshold.amount is None:
            return today > due
        if threshold.unit == HOURS:
            end_of_day = datetime.combine(due + timedelta(days=1), time(0), zone)
            return end_of_day - now <= timedelta(hours=threshold.amount)
        if threshold.unit == DAYS:
            return (due - today).days <= threshold.amount
        due_day = due
    return working_days_between(today, due_day, holidays, extra_workdays=extra_workdays) <= threshold.amount


def latest_reached(thresholds: Sequence[Threshold], due: date | datetime, now: datetime, zone: tzinfo,
                   holidays: Container[date], extra_workdays: Container[date] = frozenset()
                   ) -> Threshold | None:
    """The last threshold (in the listed order) that `now` has reached, or None."""
    reached = None
    for threshold in thresholds:
        if is_reached(threshold, due, now, zone, holidays, extra_workdays):
            reached = threshold
    return reached


# --- Dates set by law ------------------------------------------------------------------------

# NĐ 331/2026 Đ35–36 (Mẫu 08): units report to the owner before 20/12; the owner reports to
# Bộ Công an before 25/12. "Before" the 20th means the 19th is the last day.
ANNUAL_REPORT_UNITS = (12, 19)
ANNUAL_REPORT_OWNER = (12, 24)
# Luật 116/2025 Đ45.1; NĐ 331 Đ39: systems under investment on 01/7/2026 finish appraisal and
# approval under NĐ 85 by 01/01/2027; systems already classified meet the new requirements by
# 01/7/2027.
TRANSITION_UNDER_INVESTMENT = date(2027, 1, 1)
TRANSITION_CLASSIFIED = date(2027, 7, 1)


def annual_report_year(today: date) -> int:
    """The reporting year whose deadlines are still ahead (or just passed) on `today`."""
    month, day = ANNUAL_REPORT_OWNER
    return today.year if today <= date(today.year, month, day) else today.year + 1


# --- E-mail delivery ---------------------------------------------------------------------------

RETRY_BASE = timedelta(minutes=2)
RETRY_CAP = timedelta(hours=6)
DIGEST_AT = time(7, 0)


def retry_delay(attempts: int, base: timedelta = RETRY_BASE, cap: timedelta = RETRY_CAP) -> timedelta:
    """Exponential back-off after the `attempts`-th failure: 2, 4, 8 … minutes, at most 6 hours."""
    return min(cap, base * (2 ** max(0, attempts - 1)))


def next_digest_at(now: datetime, zone: tzinfo, at: time = DIGEST_AT) -> datetime:
    """The next daily digest time (local `at`) strictly after `now`, as an aware datetime."""
    local = now.astimezone(zone)
    candidate = datetime.combine(local.date(), at, zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, zone)
    return candidate
