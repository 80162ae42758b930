""""Việc của tôi" as a service: what waits on whom, sorted by legal deadline, never another commune's."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from ir_app.models import IncidentTask, Role
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.incidents import tasks as incident_tasks
from ir_app.services.inventory import systems as inventory
from ir_app.services.work import assignment
from ir_app.services.work.queue import WorkContext, due_moment, work_for
from tests import incident_support

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
LAN = {"code": "LAN", "name": "Mạng LAN", "system_type": "infrastructure", "status": "in_operation",
       "hosting": "on_premises", "information_types": ["private", "personal"]}


@pytest.fixture
def law(app):
    return app.extensions["ir_law"]


def queue(app, session, user, clock):
    session.expire_all()
    return work_for(WorkContext(session, user, clock.now(), ZONE, app.extensions["ir_law"],
                                app.config["IR_PLAYBOOKS_DIR"]))


def submitted_dossier(session, law, commune, staff, clock, code="LAN"):
    system = inventory.create_system(session, Actor.system(), commune, dict(LAN, code=code, name=f"Mạng {code}"),
                                     clock.now())
    dossier = dossiers.start_dossier(session, Actor.of(staff), system, law.default_regime, clock.now())
    dossier.answers = {"system_type": "infrastructure", "information": ["private", "personal"],
                       "infrastructure_scope": "one_org"}
    dossiers.save_proposal(session, Actor.of(staff), dossier, law.default_regime, dossiers.Proposal(None, "", "", []),
                           clock.now(), None)
    dossiers.take_action(session, staff, Actor.of(staff), dossier, "submit", dossiers.StepInput(), law, clock.now())
    session.commit()
    return dossier


def test_a_submitted_dossier_waits_on_the_appraisers_with_its_legal_deadline(app, session, law, commune, make_user,
                                                                             clock):
    staff = make_user(Role.STAFF, organisation=commune)
    appraiser = make_user(Role.APPRAISER, organisation=commune)
    approver = make_user(Role.APPROVER, organisation=commune)
    dossier = submitted_dossier(session, law, commune, staff, clock)
    [item] = [item for item in queue(app, session, appraiser, clock) if item.kind == "dossier_step"]
    assert item.title == "Kiểm tra tính hợp lệ hồ sơ «Mạng LAN»"
    assert item.due == dossier.step_due_on and item.due > clock.now().date()
    assert item.link == f"/dossiers/{dossier.id}" and not item.is_named
    assert [i for i in queue(app, session, approver, clock) if i.kind == "dossier_step"] == []
    assert [i for i in queue(app, session, staff, clock) if i.kind == "dossier_step"] == []


def test_a_named_assignee_takes_the_step_out_of_the_roles_queue(app, session, law, commune, make_user, clock):
    staff = make_user(Role.STAFF, organisation=commune)
    first, second = (make_user(Role.APPRAISER, organisation=commune) for _ in range(2))
    officer = make_user(Role.OFFICER, organisation=commune)
    dossier = submitted_dossier(session, law, commune, staff, clock)
    assignment.assign_step(session, officer, Actor.of(officer), dossier, second.id, law, clock.now())
    session.commit()
    assert [i.kind for i in queue(app, session, first, clock)].count("dossier_step") == 0
    [item] = [i for i in queue(app, session, second, clock) if i.kind == "dossier_step"]
    assert item.is_named


def test_the_queue_is_sorted_by_legal_deadline_with_undated_work_last(app, session, law, commune, make_user, clock):
    officer = make_user(Role.OFFICER, organisation=commune)
    staff = make_user(Role.STAFF, organisation=commune)
    system = inventory.create_system(session, Actor.system(), commune, dict(LAN, code="WEB", name="Cổng"), clock.now())
    dossiers.start_dossier(session, Actor.of(staff), system, law.default_regime, clock.now())  # a draft: undated
    incident = incident_support.quick_report(session, staff, commune, clock.now())           # 72 h clock
    incident_tasks.apply_playbook(session, Actor.of(officer), incident, "ransomware", clock.now(),
                                  incident_support.data())
    session.commit()
    items = queue(app, session, officer, clock)
    kinds = [item.kind for item in items]
    assert {"morning_check", "incident_clock", "incident_task", "dossier_step"} <= set(kinds)
    dated = [item for item in items if item.due is not None]
    moments = [due_moment(item.due, ZONE) for item in dated]
    assert moments == sorted(moments)
    assert items[len(dated):] and all(item.due is None for item in items[len(dated):])
    assert kinds[0] == "morning_check"  # 07:30 this morning, not done: the most urgent
    clock_item = next(item for item in items if item.kind == "incident_clock")
    assert clock_item.link == f"/incidents/{incident.id}" and clock_item.due - clock.now() <= timedelta(hours=72)


def test_incident_tasks_named_for_someone_go_to_them_only(app, session, commune, make_user, clock):
    officer = make_user(Role.OFFICER, organisation=commune)
    other_officer = make_user(Role.OFFICER, organisation=commune)
    staff = make_user(Role.STAFF, organisation=commune)
    incident = incident_support.quick_report(session, staff, commune, clock.now())
    incident_tasks.apply_playbook(session, Actor.of(officer), incident, "ransomware", clock.now(),
                                  incident_support.data())
    session.commit()
    task = next(task for task in incident.tasks if task.due_at is not None)
    incident_tasks.update_task(session, Actor.of(officer), task, "assign", {"assignee_id": str(staff.id)},
                               clock.now(), assignable=[officer, staff])
    session.commit()
    mine = [i for i in queue(app, session, staff, clock) if i.kind == "incident_task"]
    assert [i.uid for i in mine] == [f"incident-task:{task.id}"] and mine[0].is_named
    theirs = {i.uid for i in queue(app, session, other_officer, clock) if i.kind == "incident_task"}
    assert f"incident-task:{task.id}" not in theirs and theirs  # the unassigned ones with a deadline stay
    done = session.get(IncidentTask, task.id)
    incident_tasks.update_task(session, Actor.of(staff), done, "done", {"note": "Xong"}, clock.now())
    session.commit()
    assert [i for i in queue(app, session, staff, clock) if i.kind == "incident_task"] == []


def test_nothing_from_another_commune_even_when_named(app, session, law, commune, other_commune, make_user, clock):
    appraiser = make_user(Role.APPRAISER, organisation=commune)
    officer = make_user(Role.OFFICER, organisation=commune)
    far_staff = make_user(Role.STAFF, organisation=other_commune)
    make_user(Role.APPRAISER, organisation=other_commune)
    far = submitted_dossier(session, law, other_commune, far_staff, clock, code="FAR")
    far.step_assignee_id = appraiser.id  # a stray name must not pull the record across communes
    incident = incident_support.quick_report(session, far_staff, other_commune, clock.now())
    incident_tasks.apply_playbook(session, Actor.system(), incident, "ransomware", clock.now(),
                                  incident_support.data())
    session.commit()
    for task in incident.tasks:
        task.assignee_id = officer.id
    session.commit()
    for user in (appraiser, officer):
        links = [item.link for item in queue(app, session, user, clock)]
        assert not [link for link in links if link.startswith((f"/dossiers/{far.id}", f"/incidents/{incident.id}"))]
    assert all(item.commune_id in (None, commune.id) for item in queue(app, session, officer, clock))


def test_province_users_have_no_commune_work(app, session, province, commune, make_user, law, clock):
    overseer = make_user(Role.OVERSEER, organisation=province)
    staff = make_user(Role.STAFF, organisation=commune)
    submitted_dossier(session, law, commune, staff, clock)
    incident_support.quick_report(session, staff, commune, clock.now())
    assert queue(app, session, overseer, clock) == []
