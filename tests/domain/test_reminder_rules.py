"""Reminder thresholds, retry back-off and digest times (pure, exact dates)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ir_app.domain.reminders import (
    AT_DUE,
    HOURS,
    OVERDUE,
    WORKING_DAYS,
    annual_report_year,
    before,
    latest_reached,
    next_digest_at,
    reminder_horizon,
    retry_delay,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# 01/01/2027 is a holiday (Tết Dương lịch).
HOLIDAYS = {date(2027, 1, 1)}
STEP = (before(3, WORKING_DAYS), before(1, WORKING_DAYS), OVERDUE)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


def test_working_day_thresholds_skip_weekends_and_holidays():
    due = date(2027, 1, 5)  # Tuesday; Fri 01/01 is a holiday
    assert latest_reached(STEP, due, at(2026, 12, 29, 9), HANOI, HOLIDAYS) is None       # 4 wd left
    assert latest_reached(STEP, due, at(2026, 12, 30, 9), HANOI, HOLIDAYS).code == "due-3wd"
    assert latest_reached(STEP, due, at(2027, 1, 2, 9), HANOI, HOLIDAYS).code == "due-3wd"  # Sat: Mon+Tue left
    assert latest_reached(STEP, due, at(2027, 1, 4, 9), HANOI, HOLIDAYS).code == "due-1wd"
    assert latest_reached(STEP, due, at(2027, 1, 5, 23, 59), HANOI, HOLIDAYS).code == "due-1wd"
    assert latest_reached(STEP, due, at(2027, 1, 6, 0, 0), HANOI, HOLIDAYS) == OVERDUE


def test_only_the_latest_threshold_is_reported_after_a_long_pause():
    review = (before(30), before(7), before(1), OVERDUE)
    assert latest_reached(review, date(2027, 3, 1), at(2027, 2, 27, 8), HANOI, HOLIDAYS).code == "due-7d"
    assert latest_reached(review, date(2027, 3, 1), at(2027, 6, 1, 8), HANOI, HOLIDAYS).code == "overdue"


def test_hour_thresholds_on_instants():
    clocks = (before(12, HOURS), before(2, HOURS), OVERDUE)
    due = at(2026, 11, 27, 14, 0)
    assert latest_reached(clocks, due, at(2026, 11, 27, 1, 59), HANOI, HOLIDAYS) is None
    assert latest_reached(clocks, due, at(2026, 11, 27, 2, 0), HANOI, HOLIDAYS).code == "due-12h"
    assert latest_reached(clocks, due, at(2026, 11, 27, 12, 30), HANOI, HOLIDAYS).code == "due-2h"
    assert latest_reached(clocks, due, at(2026, 11, 27, 14, 1), HANOI, HOLIDAYS).code == "overdue"
    assert latest_reached((AT_DUE,), due, due, HANOI, HOLIDAYS).code == "due-0h"
    assert AT_DUE.phrase == "Đến hạn" and OVERDUE.phrase == "Quá hạn"
    assert before(3, WORKING_DAYS).phrase == "Còn 3 ngày làm việc"


def test_retry_back_off_grows_and_is_capped():
    delays = [retry_delay(n) for n in range(1, 12)]
    assert delays[:4] == [timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert delays == sorted(delays) and delays[-1] == timedelta(hours=6)


def test_digest_is_next_7am_local():
    assert next_digest_at(at(2026, 11, 26, 6, 59), HANOI) == at(2026, 11, 26, 7, 0)
    assert next_digest_at(at(2026, 11, 26, 7, 0), HANOI) == at(2026, 11, 27, 7, 0)


def test_annual_report_year():
    assert annual_report_year(date(2026, 12, 24)) == 2026
    assert annual_report_year(date(2026, 12, 25)) == 2027


# Tết 2027: nine days off in a row (Saturday 06/02 to Sunday 14/02).
TET = {date(2027, 2, 6) + timedelta(days=n) for n in range(9)}


def test_nothing_due_after_the_reminder_horizon_is_reached_yet():
    """The sweep leaves out deadlines due after the horizon: none of them may have a reached threshold,
    on any day of a winter with Tết, for day, working-day and hour thresholds alike."""
    series = (STEP, (before(30), before(7), before(1), OVERDUE), (before(3), OVERDUE), (before(12, HOURS), OVERDUE),
              (AT_DUE,), (before(0),))
    for offset in range(120):
        today = date(2026, 12, 15) + timedelta(days=offset)
        now = at(today.year, today.month, today.day, 23, 59)
        for thresholds in series:
            horizon = reminder_horizon(thresholds, today)
            for later in range(1, 40):
                due = horizon + timedelta(days=later)
                assert latest_reached(thresholds, due, now, HANOI, HOLIDAYS | TET) is None, (today, thresholds, due)
            # … and the horizon is not far off: thresholds reached at it or before still go.
            assert horizon - today <= timedelta(days=2 * 30 + 14 + 1)
