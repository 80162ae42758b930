"""The forms made before round 11 for the round-trip and error-keeping tests (tests/web/test_form_round_trips.py):
a dossier's proposal, a plan row's status, an incident task's assignment (edits), and the security policy
register (a form that creates). Records, choices and rows carry the ids 2, 29 and 129, so that a form
comparing ids as text shows up."""
from __future__ import annotations

from datetime import date, datetime, timezone

from ir_app.config import load_config
from ir_app.models import BackupPlan, Dossier, IncidentPlaybook, IncidentTask, InformationSystem, Role, Unit, User
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.incidents.evidence import add_evidence
from ir_app.services.lawdata import load_law_data
from ir_app.services.measures import plan as plans
from tests.incident_support import quick_report
from tests.ops_support import make_plan, make_system
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


def _systems(session, commune) -> dict[int, InformationSystem]:
    systems = {number: make_system(session, commune, id=number, code=f"HT{number}", name=f"Hệ thống {number}")
               for number in (2, 29, 129)}
    sync_sequences(session, InformationSystem)
    return systems


def _units(session, commune) -> None:
    session.add_all(Unit(id=number, commune_id=commune.id, name=f"Phòng {number}") for number in (2, 29, 129))
    session.commit()
    sync_sequences(session, Unit)


def new_contact(session, commune, make_user, clock) -> EditCase:
    return EditCase("/contacts/new", make_user(Role.STAFF, organisation=commune), None, ("email", "khong-phai-thu"),
                    filled={"name": "Trực ban Công an xã", "organisation": "Công an xã", "phone": "0912 345 678",
                            "hours": "24/7", "sort_order": "29"})


def new_system(session, commune, make_user, clock) -> EditCase:
    _units(session, commune)
    return EditCase("/systems/new", make_user(Role.STAFF, organisation=commune), None,
                    ("personal_data_subjects", "nhiều lắm"),
                    filled={"code": "MOTCUA", "name": "Một cửa điện tử", "purpose": "Tiếp nhận hồ sơ\nTrả kết quả",
                            "system_type": "citizen_service", "unit_id": "29", "owner_email": "ubnd@vinhlai.gov.vn"})


def new_unit(session, commune, make_user, clock) -> EditCase:
    return EditCase(f"/organisations/{commune.id}/units/new", make_user(Role.STAFF, organisation=commune), None,
                    ("email", "khong-phai-thu"),
                    filled={"name": "Văn phòng HĐND và UBND", "functions": "Tham mưu\nTổng hợp", "head_name": "Lê Văn B"})


def new_commune(session, commune, make_user, clock) -> EditCase:
    return EditCase("/organisations/new", make_user(Role.ADMIN, organisation=commune.parent), None,
                    ("email", "khong-phai-thu"),
                    filled={"code": "11029", "name": "Vĩnh Hòa", "address": "Thôn 2", "phone": "0225 3888 129"})


def new_backup_plan(session, commune, make_user, clock) -> EditCase:
    people = _people(session, commune, make_user)
    systems = _systems(session, commune)
    return EditCase(f"/backups/system/{systems[29].id}/new", people[2], None, ("time_of_day", "25:61"),
                    filled={"name": "Sao lưu CSDL", "scope": "CSDL hồ sơ\nTệp đính kèm", "dest_offline": "Ổ cứng rời",
                            "responsible_user_id": "29"})


def new_user(session, commune, make_user, clock) -> EditCase:
    return EditCase("/admin/users/new", make_user(Role.ADMIN, organisation=commune), None, ("email", "khong-phai-thu"),
                    filled={"name": "Nguyễn Thị C", "phone": "0912 000 129"})


def quick_incident_report(session, commune, make_user, clock) -> EditCase:
    _systems(session, commune)
    return EditCase("/incidents/report", make_user(Role.STAFF, organisation=commune), None, ("detected_at", "hôm qua"),
                    filled={"what": "Máy tính bị khóa\nđòi tiền chuộc", "system_id": "29", "contact": "0912 345 678"})


def new_component(session, commune, make_user, clock) -> EditCase:
    systems = _systems(session, commune)
    return EditCase(f"/systems/{systems[29].id}", make_user(Role.STAFF, organisation=commune), None, ("server", "x" * 201),
                    action="/components", filled={"name": "Máy chủ CSDL", "location": "Phòng máy", "ip_range": "10.0.0.29"})


def _plan(session, commune, make_user):
    people = _people(session, commune, make_user)
    plan = make_plan(session, make_system(session, commune), responsible=people[29], id=29)
    sync_sequences(session, BackupPlan)
    return people, plan


def backup_run(session, commune, make_user, clock) -> EditCase:
    people, plan = _plan(session, commune, make_user)
    return EditCase(f"/backups/plans/{plan.id}/runs/new", people[2], None, ("ran_at", "hôm qua"),
                    filled={"result": "failed", "size": "2 GB", "notes": "Ổ đầy\nđã dọn"})


def restore_test(session, commune, make_user, clock) -> EditCase:
    people, plan = _plan(session, commune, make_user)
    return EditCase(f"/backups/plans/{plan.id}/restore-tests/new", people[2], None, ("tested_on", "31/02/2026"),
                    filled={"result": "ok", "minutes_to_restore": "29", "notes": "Khôi phục\nlên máy dự phòng"})


def incident_note(session, commune, make_user, clock) -> EditCase:
    people = _people(session, commune, make_user)
    incident = quick_report(session, people[2], commune, clock.now(), category="malware")
    return EditCase(f"/incidents/{incident.id}", people[2], None, ("at", "hôm qua"), action="/notes",
                    filled={"text": "Đã ngắt mạng máy 29\nĐang quét mã độc"})


def incident_report(session, commune, make_user, clock) -> EditCase:
    people = _people(session, commune, make_user)
    incident = quick_report(session, people[2], commune, clock.now(), category="malware")
    return EditCase(f"/incidents/{incident.id}", people[2], None, ("sent_at", "hôm qua"), action="/reports",
                    filled={"channel": "document", "reference_number": "10/TB-UBND"})


def evidence_custody(session, commune, make_user, clock) -> EditCase:
    """A custody entry for the second of three pieces of evidence: a bad time keeps what was typed."""
    people = _people(session, commune, make_user)
    incident = quick_report(session, people[2], commune, clock.now(), category="malware")
    pieces = [add_evidence(session, Actor.of(people[2], "127.0.0.1"), incident,
                           {"description": f"Ảnh chụp {number}", "acquired_by": "Hùng"}, f"anh-{number}.png",
                           b"\x89PNG\r\n\x1a\n" + str(number).encode(), clock.now()) for number in (2, 29, 129)]
    session.commit()
    prefix = f"custody{pieces[1].id}"
    return EditCase(f"/incidents/{incident.id}", people[2], None, (f"{prefix}-at", "hôm qua"),
                    action=f"/evidence/{pieces[1].id}/custody",
                    filled={f"{prefix}-action": "transferred", f"{prefix}-from_person": "Hùng",
                            f"{prefix}-to_person": "Công an tỉnh", f"{prefix}-note": "Niêm phong\nsố 29"})


def dossier_review(session, commune, make_user, clock) -> EditCase:
    """A check of approved dossier 29 with a finding row: a bad date keeps the answers and the rows."""
    dossier = _dossier(session, commune)
    dossier.state, dossier.decision_on, dossier.decision_number = "approved", date(2026, 11, 20), "2/QĐ"
    session.commit()
    return EditCase(f"/dossiers/{dossier.id}", make_user(Role.OFFICER, organisation=commune), None,
                    ("reviewed_on", "31/02/2026"), action="/reviews",
                    filled={"assessor": "Tổ kiểm tra", "result": "partial", "summary": "Còn thiếu\nnhật ký",
                            "findings-0-requirement": "QL.CS.2", "findings-0-text": "Chưa thử khôi phục",
                            "findings-0-due": "10/01/2027"})


CASES = {
    "dossier proposal": proposal, "plan row status": plan_row, "incident task assignment": task_assignment,
    "security policy": security_policy, "new contact": new_contact, "new system": new_system, "new unit": new_unit,
    "new commune": new_commune, "new backup plan": new_backup_plan, "new user": new_user,
    "quick incident report": quick_incident_report, "new component": new_component, "backup run": backup_run,
    "restore test": restore_test, "incident note": incident_note, "incident report": incident_report,
    "evidence custody": evidence_custody, "dossier review": dossier_review,
}
