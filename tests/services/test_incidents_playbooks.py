"""Playbooks become tasks: every shipped playbook applies cleanly, pinned to its file; a second
playbook can follow; tasks are worked, never deleted."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from incident_support import PLAYBOOKS_DIR, actor, classify, data, quick_report, record_report
from sqlalchemy import func, select

from ir_app.models import IncidentTask, Role, User
from ir_app.services.errors import ServiceError, ValidationFailed
from ir_app.services.incidents.tasks import apply_playbook, missing_tasks, proposed_playbooks, update_task


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


@pytest.mark.parametrize("playbook_id", sorted(data().playbooks))
def test_every_shipped_playbook_applies_cleanly(session, officer, commune, clock, playbook_id):
    playbook = data().playbooks[playbook_id]
    incident = quick_report(session, officer, commune, clock.now(), category=playbook.categories[0])
    assert playbook in proposed_playbooks(incident, data())
    pinned = apply_playbook(session, actor(officer), incident, playbook_id, clock.now(), data())
    session.commit()
    digest = hashlib.sha256((PLAYBOOKS_DIR / f"{playbook_id}.yaml").read_bytes()).hexdigest()
    assert (pinned.playbook_version, pinned.playbook_sha256) == (playbook.version, digest)
    assert [task.step_id for task in incident.tasks] == [step.id for step in playbook.steps]
    for task, step in zip(incident.tasks, playbook.steps):
        assert (task.phase, task.role, task.is_required, task.clock_rule_id) == (
            step.phase, step.role, step.required, step.clock)
        if step.due and step.due.after == "detection":
            assert task.due_at == incident.detected_at + step.due.within
    assert playbook not in proposed_playbooks(incident, data())


def test_a_second_playbook_later_and_never_the_same_twice(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="ransomware")
    apply_playbook(session, actor(officer), incident, "ransomware", clock.now(), data())
    session.commit()
    first_count = len(incident.tasks)
    with pytest.raises(ServiceError) as refused:
        apply_playbook(session, actor(officer), incident, "ransomware", clock.now(), data())
    assert "đã được áp dụng" in str(refused.value)
    classify(session, officer, incident, clock.now(), category="data_breach")
    assert [playbook.id for playbook in proposed_playbooks(incident, data())] == ["citizen-data-leak"]
    apply_playbook(session, actor(officer), incident, "citizen-data-leak", clock.now(), data())
    session.commit()
    positions = [task.position for task in incident.tasks]
    assert positions == sorted(positions) and len(positions) > first_count
    assert [pinned.playbook_id for pinned in incident.playbooks] == ["ransomware", "citizen-data-leak"]
    with pytest.raises(ValidationFailed):
        apply_playbook(session, actor(officer), incident, "khong-co", clock.now(), data())


def test_tasks_are_done_not_applicable_with_a_reason_or_reopened_never_deleted(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="ransomware")
    apply_playbook(session, actor(officer), incident, "ransomware", clock.now(), data())
    session.commit()
    count = len(incident.tasks)
    task = incident.tasks[0]
    with pytest.raises(ValidationFailed) as refused:
        update_task(session, actor(officer), task, "not_applicable", {"na_reason": ""}, clock.now())
    assert refused.value.errors == {"na_reason": "Bắt buộc nhập."}
    update_task(session, actor(officer), task, "not_applicable", {"na_reason": "Máy không có dữ liệu"},
                clock.now(), expected_version=task.version)
    with pytest.raises(ServiceError):
        update_task(session, actor(officer), task, "done", {}, clock.now())
    update_task(session, actor(officer), task, "reopen", {}, clock.now())
    update_task(session, actor(officer), task, "done", {"note": "Đã chụp màn hình"}, clock.now())
    session.commit()
    assert (task.done_at, task.done_by_id, task.done_note) == (clock.now(), officer.id, "Đã chụp màn hình")
    assert session.scalar(select(func.count(IncidentTask.id))) == count


def test_assigning_a_task_with_a_deadline(session, officer, make_user, commune, other_commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="ransomware")
    apply_playbook(session, actor(officer), incident, "ransomware", clock.now(), data())
    staff = make_user(Role.STAFF, organisation=commune)
    stranger = make_user(Role.STAFF, organisation=other_commune)
    task = incident.tasks[1]
    commune_users = session.scalars(select(User).where(User.organisation_id == commune.id)).all()
    with pytest.raises(ValidationFailed):
        update_task(session, actor(officer), task, "assign", {"assignee_id": str(stranger.id)}, clock.now(),
                    assignable=commune_users)
    due = clock.now() + timedelta(hours=3)
    update_task(session, actor(officer), task, "assign", {"assignee_id": str(staff.id), "due_at": due},
                clock.now(), assignable=commune_users)
    assert (task.assignee_id, task.due_at, task.due_after) == (staff.id, due, None)


def test_a_reporting_task_is_required_only_while_its_clock_applies(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="ransomware")
    apply_playbook(session, actor(officer), incident, "ransomware", clock.now(), data())
    session.commit()
    applicable = {"nd331-report-72h"}
    missing = {task.step_id for task in missing_tasks(incident, applicable)}
    assert "report-72h" in missing and "initial-notice-24h" not in missing and "pdp-notice-72h" not in missing
    record_report(session, officer, incident, clock.now(), "nd331-report-72h")
    task = next(task for task in incident.tasks if task.step_id == "report-72h")
    assert task.done_at == clock.now() and "12/BC-UBND" in task.done_note


def test_closed_incidents_take_no_new_playbook(session, officer, commune, clock):
    from incident_support import act

    incident = quick_report(session, officer, commune, clock.now(), category="ransomware")
    act(session, officer, incident, "dismiss", clock.now(), comment="Báo nhầm")
    with pytest.raises(ServiceError) as refused:
        apply_playbook(session, actor(officer), incident, "ransomware", clock.now(), data())
    assert "mở lại sự cố" in str(refused.value)
