"""Backup schedules, overdue plans, restore tests and the 3-2-1 rule (pure, exact dates)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from ir_app.domain.dates import add_months
from ir_app.domain.backups import (
    CronSpec,
    Destination,
    ScheduleError,
    backup_health,
    format_size,
    parse_size,
    restore_test_due_on,
    restore_test_overdue,
    rule_321_warnings,
    schedule_spec,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
GRACE = timedelta(hours=12)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


def test_daily_weekly_monthly_become_cron():
    assert schedule_spec("daily", "22:00").next_at_or_after(datetime(2026, 11, 26, 23, 0)) == datetime(2026, 11, 27, 22, 0)
    friday = schedule_spec("weekly", "17:30", weekday=4)
    assert friday.next_at_or_after(datetime(2026, 11, 26, 8, 0)) == datetime(2026, 11, 27, 17, 30)
    monthly = schedule_spec("monthly", "01:00", day_of_month=1)
    assert monthly.next_at_or_after(datetime(2026, 11, 26)) == datetime(2026, 12, 1, 1, 0)
    assert monthly.previous_before(datetime(2026, 12, 1, 1, 0)) == datetime(2026, 11, 1, 1, 0)


@pytest.mark.parametrize("rule, start, expected", [
    ("30 22 * * 1-5", datetime(2026, 11, 27, 23, 0), datetime(2026, 11, 30, 22, 30)),   # Fri → Mon
    ("0 */6 * * *", datetime(2026, 11, 26, 7, 0), datetime(2026, 11, 26, 12, 0)),
    ("0 3 1,15 * *", datetime(2026, 11, 16), datetime(2026, 12, 1, 3, 0)),
    ("0 2 * * sun", datetime(2026, 11, 26), datetime(2026, 11, 29, 2, 0)),
    ("0 2 * * 7", datetime(2026, 11, 26), datetime(2026, 11, 29, 2, 0)),
    ("0 0 29 2 *", datetime(2026, 3, 1), datetime(2028, 2, 29, 0, 0)),
    # Both day fields restricted: either one fires, as in cron.
    ("0 1 1 * 1", datetime(2026, 11, 26), datetime(2026, 11, 30, 1, 0)),
])
def test_cron_rules(rule, start, expected):
    assert CronSpec.parse(rule).next_at_or_after(start) == expected


@pytest.mark.parametrize("rule", ["", "* * * *", "61 * * * *", "0 24 * * *", "0 0 31 2 *", "0 0 * * 8",
                                  "x * * * *", "5-1 * * * *", "*/0 * * * *"])
def test_bad_cron_rules_are_explained(rule):
    with pytest.raises(ScheduleError) as error:
        CronSpec.parse(rule)
    assert str(error.value)


def test_bad_simple_schedules():
    with pytest.raises(ScheduleError, match="HH:MM"):
        schedule_spec("daily", "25:00")
    with pytest.raises(ScheduleError, match="thứ"):
        schedule_spec("weekly", "22:00")
    with pytest.raises(ScheduleError, match="1 đến 28"):
        schedule_spec("monthly", "22:00", day_of_month=31)


def test_daily_plan_without_runs_is_overdue_after_first_time_plus_grace():
    spec = schedule_spec("daily", "22:00")
    started = local(2026, 11, 20, 9, 0)
    before_grace = backup_health(spec, HANOI, started, None, local(2026, 11, 21, 9, 59), GRACE)
    assert before_grace.expected_at == local(2026, 11, 20, 22, 0) and not before_grace.is_overdue
    after_grace = backup_health(spec, HANOI, started, None, local(2026, 11, 21, 10, 0), GRACE)
    assert after_grace.is_overdue and after_grace.overdue_since == local(2026, 11, 20, 22, 0)


def test_a_good_run_covers_its_nearest_expected_time():
    spec = schedule_spec("daily", "22:00")
    started = local(2026, 11, 1)
    now = local(2026, 11, 26, 9, 0)
    # Ran a little early last night: it counts for 25/11 22:00, so the next one is due tonight.
    early = backup_health(spec, HANOI, started, local(2026, 11, 25, 21, 40).astimezone(timezone.utc), now, GRACE)
    assert not early.is_overdue and early.expected_at == local(2026, 11, 26, 22, 0)
    # Late but within grace: still counts for 25/11.
    late = backup_health(spec, HANOI, started, local(2026, 11, 26, 3, 0), now, GRACE)
    assert not late.is_overdue
    # The last good run was the night before: 25/11 22:00 was missed, and grace has passed.
    missed = backup_health(spec, HANOI, started, local(2026, 11, 24, 22, 5), now + timedelta(hours=2), GRACE)
    assert missed.is_overdue and missed.overdue_since == local(2026, 11, 25, 22, 0)


def test_weekly_plan_and_grace():
    spec = schedule_spec("weekly", "17:00", weekday=4)  # Fridays
    started = local(2026, 10, 1)
    last = local(2026, 11, 13, 17, 5)
    health = backup_health(spec, HANOI, started, last, local(2026, 11, 21, 4, 59), GRACE)
    assert health.expected_at == local(2026, 11, 20, 17, 0) and not health.is_overdue
    assert backup_health(spec, HANOI, started, last, local(2026, 11, 21, 5, 0), GRACE).is_overdue


def test_restore_tests():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)
    due = restore_test_due_on(None, date(2026, 5, 1))
    assert due == date(2026, 11, 1)
    assert restore_test_overdue(due, date(2026, 11, 2)) and not restore_test_overdue(due, date(2026, 11, 1))
    assert restore_test_due_on(date(2026, 10, 10), date(2026, 1, 1), 3) == date(2027, 1, 10)


def test_321_rule():
    on_site = Destination("on_site", "NAS phòng máy chủ")
    assert len(rule_321_warnings([on_site])) == 2
    warnings = rule_321_warnings([on_site, Destination("on_site", "Ổ cứng thứ hai")])
    assert any("ngoài trụ sở" in w for w in warnings)
    assert rule_321_warnings([on_site, Destination("offline", "Ổ cứng rời trong tủ sắt")]) == []
    assert rule_321_warnings([on_site, Destination("cloud", "Lưu trữ đám mây")]) == []
    only_away = rule_321_warnings([Destination("off_site", "Trụ sở Công an xã")])
    assert len(only_away) == 1 and "3 bản" in only_away[0]


def test_sizes():
    assert parse_size("1,5 GB") == int(1.5 * 1024**3)
    assert parse_size("700MB") == 700 * 1024**2
    assert parse_size("123456") == 123456
    assert format_size(int(1.5 * 1024**3)) == "1,5 GB" and format_size(None) == "" and format_size(10) == "10 B"
    for bad in ("", "abc", "1.5 XB", "-3"):
        with pytest.raises(ValueError):
            parse_size(bad)
