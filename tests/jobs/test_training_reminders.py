"""Training reminders through the real outbox and the real jobs: a person whose requirement expires
within 30 days, or is missing, is reminded together with the commune's officer — exactly once per
requirement period, however often the scheduler sweeps; a new training starts a new period."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from ir_app.models import Notification, Role
from ir_app.models.training import TrainingAttendance, TrainingCourse, TrainingSession
from tests.ops_support import hanoi, run_all

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:holidays.*")
CREATED = datetime(2026, 1, 10, tzinfo=timezone.utc)


def _keys(session, user) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(Notification.dedup_key).where(
        Notification.dedup_key.like("training:%"), Notification.user_id == user.id).order_by(Notification.id)))


def _trained(session, commune, user, held_on: date, topic: str = "incident-response") -> None:
    course = TrainingCourse(commune_id=commune.id, title=f"Tập huấn {held_on:%Y}", topics=[topic], created_at=CREATED)
    item = TrainingSession(course=course, commune_id=commune.id, held_on=held_on, created_at=CREATED)
    item.attendees.append(TrainingAttendance(commune_id=commune.id, person_key=f"user:{user.id}", user_id=user.id,
                                             person_name=user.name, passed=True, recorded_at=CREATED))
    session.add(course)
    session.commit()


def test_expiring_and_missing_training_is_reminded_once_per_period(app, session, commune, make_user,
                                                                    other_commune):
    officer = make_user(Role.OFFICER, organisation=commune, name="Trần Văn Hùng")
    staff = make_user(Role.STAFF, organisation=commune, name="Lê Thị Mai")
    elsewhere = make_user(Role.OFFICER, organisation=other_commune)
    _trained(session, commune, officer, date(2026, 1, 10))
    _trained(session, other_commune, elsewhere, date(2026, 11, 1))
    c = commune.id
    staff_2026 = f"training:{c}:staff-awareness:user:{staff.id}:2026-01-01:due-30d"
    officer_2027 = f"training:{c}:officer-incident-response:user:{officer.id}:2027-01-10:due-30d"

    for day, hour in ((1, 9), (1, 15), (2, 9)):        # the staff member was never trained: once
        run_all(app, hanoi(2026, 12, day, hour, 0))
    assert _keys(session, staff) == [staff_2026]
    assert _keys(session, officer) == [staff_2026]      # the officer is told too; their own is still valid
    assert _keys(session, elsewhere) == []               # another commune's officer hears nothing

    run_all(app, hanoi(2026, 12, 11, 9, 0))             # 30 days before the officer's training expires
    run_all(app, hanoi(2026, 12, 20, 9, 0))
    assert _keys(session, officer) == [staff_2026, officer_2027]
    assert _keys(session, staff) == [staff_2026]
    subject = session.scalar(select(Notification.subject).where(Notification.dedup_key == officer_2027).limit(1))
    assert subject == "Tập huấn «Ứng cứu sự cố an ninh mạng» của Trần Văn Hùng hết hạn ngày 10/01/2027"

    run_all(app, hanoi(2027, 1, 11, 9, 0))              # expired: the same period, no second reminder
    staff_2027 = f"training:{c}:staff-awareness:user:{staff.id}:2027-01-01:due-30d"
    assert _keys(session, officer) == [staff_2026, officer_2027, staff_2027]  # a new year for the untrained one
    assert _keys(session, staff) == [staff_2026, staff_2027]

    _trained(session, commune, officer, date(2027, 1, 15))   # retrained: nothing until the next expiry
    run_all(app, hanoi(2027, 6, 1, 9, 0))
    assert officer_2027 == _keys(session, officer)[1] and len(_keys(session, officer)) == 3
    run_all(app, hanoi(2027, 12, 16, 9, 0))
    assert _keys(session, officer)[-1] == f"training:{c}:officer-incident-response:user:{officer.id}:2028-01-15:due-30d"


def test_missing_training_is_in_my_work(app, session, commune, make_user, make_web):
    officer = make_user(Role.OFFICER, organisation=commune, name="Trần Văn Hùng")
    staff = make_user(Role.STAFF, organisation=commune, name="Lê Thị Mai")
    page = make_web(staff).get("/work").get_data(as_text=True)
    assert "Lê Thị Mai chưa tập huấn «Nhận diện lừa đảo" in page and "/training/coverage" in page
    officer_page = make_web(officer).get("/work").get_data(as_text=True)
    assert "Lê Thị Mai chưa tập huấn" in officer_page and "Trần Văn Hùng chưa tập huấn" in officer_page
