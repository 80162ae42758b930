"""Working-day arithmetic with real Vietnamese public holidays passed in as a set."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ir_app.domain.regimes import Deadline
from ir_app.domain.workdays import (
    add_working_days,
    due_date,
    is_working_day,
    next_working_day,
    working_days_between,
)

# Public holidays 2026–2027 as the `holidays` package lists them for VN (Tết by the lunar calendar).
VN_HOLIDAYS = {
    date(2026, 1, 1),
    date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 2, 19), date(2026, 2, 20),
    date(2026, 4, 26), date(2026, 4, 27),  # Giỗ Tổ Hùng Vương on a Sunday, observed Monday
    date(2026, 4, 30), date(2026, 5, 1),
    date(2026, 8, 31),  # bridge day, worked back on Saturday 22/8/2026
    date(2026, 9, 1), date(2026, 9, 2),
    date(2026, 11, 24),
    date(2027, 1, 1),
    date(2027, 2, 4), date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8),
    date(2027, 2, 9), date(2027, 2, 10),  # Tết Đinh Mùi: mùng 1 is Saturday 6/2/2027
    date(2027, 4, 16),
    date(2027, 4, 30), date(2027, 5, 1), date(2027, 5, 3),  # 1/5 on a Saturday, observed Monday
    date(2027, 9, 2), date(2027, 9, 3),
    date(2027, 11, 24),
}
SWAPPED_SATURDAY = date(2026, 8, 22)


def test_start_day_is_not_counted_and_zero_days_is_the_start():
    assert add_working_days(date(2026, 12, 1), 0, VN_HOLIDAYS) == date(2026, 12, 1)
    assert add_working_days(date(2026, 12, 1), 1, VN_HOLIDAYS) == date(2026, 12, 2)


def test_weekends_are_skipped():
    # Friday + 1 working day = Monday; Friday + 5 = next Friday.
    assert add_working_days(date(2026, 12, 4), 1, VN_HOLIDAYS) == date(2026, 12, 7)
    assert add_working_days(date(2026, 12, 4), 5, VN_HOLIDAYS) == date(2026, 12, 11)


def test_validity_check_across_tet_2027():
    # Received Wednesday 3/2/2027: Tết runs 4–10/2, so 5 working days end on 17/2.
    assert add_working_days(date(2027, 2, 3), 5, VN_HOLIDAYS) == date(2027, 2, 17)


def test_level3_appraisal_of_15_working_days_across_tet():
    assert add_working_days(date(2027, 1, 27), 15, VN_HOLIDAYS) == date(2027, 2, 24)


def test_start_on_a_holiday():
    assert add_working_days(date(2027, 2, 6), 1, VN_HOLIDAYS) == date(2027, 2, 11)


def test_reunification_and_labour_day_2027():
    # Thursday 29/4: 30/4 (Fri), 1/5 (Sat) and the observed Monday 3/5 are off.
    assert add_working_days(date(2027, 4, 29), 1, VN_HOLIDAYS) == date(2027, 5, 4)


def test_national_day():
    assert add_working_days(date(2027, 9, 1), 1, VN_HOLIDAYS) == date(2027, 9, 6)
    # 2026: Monday 31/8 is a bridge day, 1–2/9 are the holiday.
    assert add_working_days(date(2026, 8, 28), 1, VN_HOLIDAYS) == date(2026, 9, 3)


def test_swapped_saturday_counts_when_declared():
    assert add_working_days(date(2026, 8, 21), 1, VN_HOLIDAYS) == date(2026, 8, 24)
    assert add_working_days(date(2026, 8, 21), 1, VN_HOLIDAYS,
                            extra_workdays={SWAPPED_SATURDAY}) == SWAPPED_SATURDAY
    assert is_working_day(SWAPPED_SATURDAY, VN_HOLIDAYS, {SWAPPED_SATURDAY})
    assert not is_working_day(date(2027, 2, 8), VN_HOLIDAYS, {date(2027, 2, 8)})


def test_without_holidays_only_weekends_are_skipped():
    assert add_working_days(date(2027, 2, 3), 5, set()) == date(2027, 2, 10)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_bad_day_counts_are_refused(bad):
    with pytest.raises(ValueError):
        add_working_days(date(2027, 1, 4), bad, VN_HOLIDAYS)


def test_working_days_between_is_the_inverse_of_add():
    start = date(2026, 12, 20)
    for offset in range(0, 80, 3):
        a = start + timedelta(days=offset)
        for n in (0, 1, 5, 7, 15, 25):
            b = add_working_days(a, n, VN_HOLIDAYS)
            assert working_days_between(a, b, VN_HOLIDAYS) == n


def test_working_days_between_counts_the_end_not_the_start():
    assert working_days_between(date(2027, 2, 3), date(2027, 2, 3), VN_HOLIDAYS) == 0
    assert working_days_between(date(2027, 2, 3), date(2027, 2, 12), VN_HOLIDAYS) == 2
    assert working_days_between(date(2027, 2, 12), date(2027, 2, 3), VN_HOLIDAYS) == -2


def test_next_working_day():
    assert next_working_day(date(2027, 2, 11), VN_HOLIDAYS) == date(2027, 2, 11)
    assert next_working_day(date(2027, 2, 4), VN_HOLIDAYS) == date(2027, 2, 11)


def deadline(days, unit):
    return Deadline(key="appraisal", level=3, days=days, unit=unit, article="Đ23.3.a")


def test_due_date_in_working_days():
    assert due_date(date(2027, 1, 27), deadline(15, "working_days"), VN_HOLIDAYS) == \
        date(2027, 2, 24)


def test_due_date_in_calendar_days_moves_off_a_holiday():
    # NĐ 85 Đ16.2.a: 15 days from Friday 22/1/2027 is Saturday 6/2, mùng 1 Tết.
    limit = deadline(15, "calendar_days")
    assert due_date(date(2027, 1, 22), limit, VN_HOLIDAYS) == date(2027, 2, 11)
    assert due_date(date(2027, 1, 22), limit, VN_HOLIDAYS, roll_forward=False) == date(2027, 2, 6)
    assert due_date(date(2027, 1, 4), limit, VN_HOLIDAYS) == date(2027, 1, 19)


def test_due_date_without_a_statutory_limit_is_none():
    assert due_date(date(2027, 1, 4), deadline(None, "working_days"), VN_HOLIDAYS) is None


def test_due_date_refuses_an_unknown_unit():
    with pytest.raises(ValueError):
        due_date(date(2027, 1, 4), deadline(5, "weeks"), VN_HOLIDAYS)
