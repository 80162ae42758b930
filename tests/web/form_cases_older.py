"""The forms made before round 11 for the round-trip and error-keeping tests (tests/web/test_form_round_trips.py):
a dossier's proposal, a plan row's status, an incident task's assignment (edits), and the security policy
register (a form that creates). Records, choices and rows carry the ids 2, 29 and 129, so that a form
comparing ids as text shows up."""
from __future__ import annotations

from datetime import datetime, timezone

from ir_app.config import load_config
from ir_app.models import Dossier, IncidentPlaybook, IncidentTask, InformationSystem, Role, User
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.lawdata import load_law_data
from ir_app.services.measures import plan as plans
from tests.incident_support import quick_report
from tests.ops_support import make_system
from tests.web.form_support import EditCase, sync_sequences

UTC = timezone.utc
CREATED = datetime(2026, 11, 1, tzinfo=UTC)
# A level-2 network of one organisation (private and personal information): the law's answers for a dossier.
LAN_ANSWERS = {"system_type": "infrastructure", "information": ["private", "personal"],
               "infrastructure_scope": "one_org"}


def _law():
    return load_law_data(str(load_config()["IR_LEVEL_DOSSIERS_DIR"]))


def _people(session, commune, make_user) -> dict[int, User]:
    people = {number: make_user(Role.STAFF, Role.OFFICER, organisation=commune, id=number) for number in (2, 29, 129)}
    sync_sequences(session, User)
    return people


def _dossier(session, commune) -> Dossier:
    """Draft dossier 29 of system 29, its level proposed (3, above the law's 2, with reasons) in two parts."""
    system = make_system(session, commune, id=29, code="LAN", name="Mạng LAN", system_type="infrastructure",
                         information_types=["private", "personal"])
    sync_sequences(session, InformationSystem)
    law = _law()
    dossier = Dossier(id=29, system_id=system.id, commune_id=commune.id, version_no=1, regime=law.default_regime.id,
                      state="draft", answers=dict(LAN_ANSWERS), created_at=CREATED, updated_at=CREATED)
    session.add(dossier)
    session.commit()
    sync_sequences(session, Dossier)
    parts = [{"name": "Cổng dịch vụ công", "level": 3, "ground": "Đ13.2.b | khoản 2"},
             {"name": "Kho dữ liệu", "level": 2, "ground": ""}]
    dossiers.save_proposal(session, Actor.system(), dossier, law.default_regime,
                           dossiers.Proposal(3, "Kết nối CSDL quốc gia\nvề dân cư", "Lộ dữ liệu cá nhân", parts),
                           CREATED, None)
    session.commit()
    return dossier


def proposal(session, commune, make_user, clock) -> EditCase:
    dossier = _dossier(session, commune)
    # Level 1 is below the law's level 2: refused, every other answer (the rows too) must stay.
    return EditCase(f"/dossiers/{dossier.id}/proposal", make_user(Role.STAFF, organisation=commune), dossier,
                    ("proposed_level", "1"))


def plan_row(session, commune, make_user, clock) -> EditCase:
    """A plan row marked "not applicable" with its reason; saved again unchanged, nothing moves."""
    dossier = _dossier(session, commune)
    item = plans.set_override(session, Actor.system(), dossier, "QL.CS.2", "not_applicable",
                              "Đã có trong Quy chế\ncủa tỉnh", _law().catalogue, CREATED)
    session.commit()
    return EditCase(f"/dossiers/{dossier.id}/plan/QL.CS.2", make_user(Role.OFFICER, organisation=commune), item,
                    ("override_reason", " "))


def task_assignment(session, commune, make_user, clock) -> EditCase:
    """Task 29 of an incident, given to person 29 with a deadline set by hand; the assignment form sent
    back unchanged (deadline left empty: "keep") must not touch the task nor tell anyone."""
    people = _people(session, commune, make_user)
    incident = quick_report(session, people[2], commune, clock.now(), category="malware")
    playbook = IncidentPlaybook(incident_id=incident.id, playbook_id="thu-nghiem", playbook_version="1",
                                playbook_sha256="0" * 64, title="Kịch bản thử", applied_at=CREATED)
    session.add(playbook)
    session.flush()
    tasks = {number: IncidentTask(id=number, incident_id=incident.id, incident_playbook_id=playbook.id,
                                  position=index, step_id=f"buoc-{number}", phase="contain",
                                  title=f"Việc {number}", role="officer", assignee_id=number,
                                  due_at=datetime(2026, 11, 27, 3, tzinfo=UTC), updated_at=CREATED)
             for index, number in enumerate((2, 29, 129))}
    session.add_all(tasks.values())
    session.commit()
    sync_sequences(session, IncidentPlaybook, IncidentTask)
    return EditCase(f"/incidents/{incident.id}", people[2], tasks[29], action="/incidents/tasks/29")


def security_policy(session, commune, make_user, clock) -> EditCase:
    """Recording a policy for systems 29 and 129: a bad date keeps the ticks (and leaves system 2 unticked)."""
    for number in (2, 29, 129):
        make_system(session, commune, id=number, code=f"HT{number}", name=f"Hệ thống {number}")
    sync_sequences(session, InformationSystem)
    return EditCase(f"/security-policies?commune={commune.code}", make_user(Role.OFFICER, organisation=commune),
                    None, ("issued_on", "2026-02-31"),
                    filled={"title": "Quy chế bảo đảm an ninh mạng", "decision_number": "5/QĐ-UBND",
                            "issuer": "owner", "scope": "listed", "systems": ["29", "129"]})


CASES = {
    "dossier proposal": proposal, "plan row status": plan_row, "incident task assignment": task_assignment,
    "security policy": security_policy,
}
