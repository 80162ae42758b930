"""The demo data hold training records: a course organised by the province with a session, its
attendance sheet and three people who passed, and a leader missing the Quy chế training on purpose."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ir_app.models import Organisation
from ir_app.models.training import TrainingAttendance, TrainingCourse
from ir_app.seed.demo import load
from ir_app.services.training.coverage import commune_coverage, configured_rules

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:holidays.*")


def test_demo_training_records_and_a_gap_on_purpose(app, session, clock):
    load(session, "demo12345", clock.now(), app.extensions["ir_law"])
    session.commit()
    load(session, "demo12345", clock.now(), app.extensions["ir_law"])   # idempotent
    session.commit()
    assert session.scalar(select(func.count()).select_from(TrainingCourse)) == 1
    course = session.scalar(select(TrainingCourse))
    assert course.organiser_kind == "province" and course.sessions[0].attendance_sheet.sha256
    named = session.scalar(select(TrainingAttendance).where(TrainingAttendance.user_id.is_(None)))
    assert (named.person_name, named.position) == ("Nguyễn Văn Bình", "Trưởng thôn Đông")
    vinh_lai = session.scalar(select(Organisation).where(Organisation.slug == "vinh-lai"))
    found = commune_coverage(session, vinh_lai.id, configured_rules(), clock.now().date())
    states = {(row.person.name, item.requirement.id): item.state for row in found.rows for item in row.standings}
    leader = next(row.person.name for row in found.rows if "approver" in row.person.roles)
    assert states[(leader, "leader-security-policy")] == "missing"
    assert states[("Nguyễn Văn Bình", "staff-awareness")] == "met"
    assert 0 < found.percent < 100
