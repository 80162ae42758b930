"""The working calendar: the holidays package pinned by level_dossiers/holidays.yaml, and Tết 2027
(mùng 1 Tết Đinh Mùi is Saturday 06/02/2027) kept out of the decree's working-day deadlines
(NĐ 331/2026 Đ23.2, Đ23.3, Đ24.2; Bộ luật Lao động 2019 Đ112)."""
from __future__ import annotations

import shutil
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from ir_app.config import bundled_root
from ir_app.datafiles.holidays import calendar_for, load_overrides
from ir_app.domain.clock import FixedClock
from ir_app.domain.holidays import HolidayFileError, build_overrides, merge_calendar
from ir_app.domain.reminders import WORKING_DAYS, before, is_reached
from ir_app.domain.workdays import add_working_days
from ir_app.services.due.base import DueContext

FOLDER = bundled_root() / "level_dossiers"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TET_2027_DAYS_OFF = [date(2027, 2, day) for day in (4, 5, 8, 9, 10)]


def test_the_shipped_file_pins_tet_2027_and_says_it_is_assumed_until_announced():
    overrides = load_overrides(FOLDER / "holidays.yaml")
    year = overrides.year(2027)
    assert year.status == "assumed" and "Đ112.3" in year.source and "2024" in year.note
    assert [item.day for item in year.days_off] == TET_2027_DAYS_OFF
    assert overrides.year(2026).status == "announced"


def test_tet_2027_is_not_counted_in_working_day_deadlines_nd331_d23_2_d24_2():
    calendar = calendar_for([2027])
    assert set(TET_2027_DAYS_OFF) <= calendar.holidays
    # Validity check (Đ23.2, 5 working days) from Tue 02/02/2027: 03, 11, 12, 15, 16 February.
    assert add_working_days(date(2027, 2, 2), 5, calendar.holidays) == date(2027, 2, 16)
    # Approval (Đ24.2, 7 working days) from Wed 03/02/2027 ends on Fri 19/02/2027.
    assert add_working_days(date(2027, 2, 3), 7, calendar.holidays) == date(2027, 2, 19)


def test_the_file_keeps_tet_even_when_the_package_forgets_it():
    overrides = load_overrides(FOLDER / "holidays.yaml")
    calendar = merge_calendar([], [], overrides, [2027])
    assert set(TET_2027_DAYS_OFF) <= calendar.holidays


def test_an_announced_swap_makes_a_saturday_a_working_day_and_drops_a_wrong_package_day():
    overrides = build_overrides({"id": "x", "note": "x", "years": [{
        "year": 2027, "status": "announced", "source": "Thông báo giả định cho kiểm thử", "note": "x",
        "days_off": [{"date": "2027-02-11", "name": "Nghỉ thêm, làm bù thứ Bảy 20/02"}],
        "working_days": [{"date": "2027-02-20", "name": "Làm bù cho 11/02"}],
        "not_days_off": [{"date": "2027-02-10", "name": "Gói ghi nghỉ nhưng công chức đi làm"}]}]}, "test")
    calendar = merge_calendar(TET_2027_DAYS_OFF, [], overrides, [2027])
    assert date(2027, 2, 11) in calendar.holidays and date(2027, 2, 10) not in calendar.holidays
    assert calendar.extra_workdays == {date(2027, 2, 20)}
    assert add_working_days(date(2027, 2, 9), 2, calendar.holidays,
                            extra_workdays=calendar.extra_workdays) == date(2027, 2, 12)


SWAP_ON_A_WEEKDAY = '  - year: 2027\n    working_days: [{date: "2027-02-11", name: "Thứ Năm"}]\n'


@pytest.mark.parametrize(("old", "new", "where"), [
    ("  - year: 2027\n", SWAP_ON_A_WEEKDAY, "working_days"),  # only a weekend day can be swapped
    ('- {date: "2027-02-10"', '- {date: "2028-02-10"', "days_off"),  # a day outside its year
    ("status: assumed", "status: maybe", "status"),  # the schema names the JSON path
])
def test_a_broken_holiday_file_names_the_field(tmp_path, old, new, where):
    folder = tmp_path / "level_dossiers"
    folder.mkdir()
    shutil.copy(FOLDER / "holidays.schema.json", folder)
    text = (FOLDER / "holidays.yaml").read_text(encoding="utf-8")
    (folder / "holidays.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(HolidayFileError, match=rf"holidays.yaml: \$\.years\[1\]\.{where}"):
        load_overrides(folder / "holidays.yaml")


def test_reminders_skip_tet_2027_when_counting_working_days_before_a_due_date():
    """A dossier step due Tue 16/02/2027: the "3 working days before" reminder waits for Thu 11/02,
    the first working day after Tết, instead of firing during the holiday (controlled clock)."""
    clock = FixedClock(datetime(2027, 2, 3, 2, 0, tzinfo=timezone.utc))  # Wed 03/02/2027, 09:00 in Hanoi
    due, threshold = date(2027, 2, 16), before(3, WORKING_DAYS)
    fired = []
    while clock.now() < datetime(2027, 2, 17, tzinfo=timezone.utc):
        context = DueContext(session=None, now=clock.now(), zone=HANOI)
        if is_reached(threshold, due, clock.now(), HANOI, context.holidays, context.extra_workdays):
            fired.append(clock.now().astimezone(HANOI).date())
        clock.advance(days=1)
    assert fired[0] == date(2027, 2, 11)
    assert not set(fired) & set(TET_2027_DAYS_OFF)


def test_an_admin_copy_without_a_holiday_file_falls_back_to_the_bundled_one(tmp_path):
    assert set(TET_2027_DAYS_OFF) <= calendar_for([2027], tmp_path).holidays
