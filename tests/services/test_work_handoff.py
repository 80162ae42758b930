"""Hand-off messages: every workflow transition tells the people who act next, exactly once, in the
inbox and by e-mail (a real local SMTP server), with a link to the record; the submitter hears when
the dossier is returned, appraised or approved; incident task assignment and escalation too."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ir_app.models import AuditEvent, Dossier, Notification, Role, SecurityPolicy
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.incidents import tasks as incident_tasks
from ir_app.services.inventory import systems as inventory
from ir_app.services.notifications.delivery import SmtpSettings, deliver_due
from ir_app.services.work import assignment, handoff
from tests import incident_support
from tests.ops_support import smtp  # noqa: F401  (fixture)

ONE_STOP = {"code": "MOTCUA", "name": "Một cửa điện tử", "system_type": "citizen_service", "status": "in_operation",
            "hosting": "on_premises", "information_types": ["public", "personal"]}
BASE_URL = "https://attt.example.vn"


@pytest.fixture
def law(app):
    return app.extensions["ir_law"]


@pytest.fixture
def team(make_user, commune):
    return {
        "staff": make_user(Role.STAFF, organisation=commune, name="Trần Thị Lan"),
        "appraiser": make_user(Role.APPRAISER, organisation=commune, name="Lê Minh Tuấn"),
        "appraiser2": make_user(Role.APPRAISER, organisation=commune, name="Đỗ Văn Nam"),
        "approver": make_user(Role.APPROVER, organisation=commune, name="Phạm Quốc Khánh"),
        "officer": make_user(Role.OFFICER, organisation=commune, name="Nguyễn Văn Hùng"),
    }


@pytest.fixture
def dossier(session, law, team, commune, clock) -> Dossier:
    """A level 3 dossier ready to submit: appraised by the specialised unit, approved by the leader."""
    system = inventory.create_system(session, Actor.system(), commune, ONE_STOP, clock.now())
    session.add(SecurityPolicy(commune_id=commune.id, title="Quy chế", decision_number="1/QĐ",
                               issued_on=date(2026, 1, 2), created_at=clock.now()))
    regime = law.default_regime
    staff = team["staff"]
    record = dossiers.start_dossier(session, Actor.of(staff), system, regime, clock.now())
    record.answers = {"system_type": "citizen_service", "information": ["public", "personal"]}
    dossiers.save_proposal(session, Actor.of(staff), record, regime,
                           dossiers.Proposal(3, "Đánh giá rủi ro: dữ liệu của người dân", "", []), clock.now(), None)
    session.commit()
    return record


def act(session, law, clock, user, record, action, **step):
    dossiers.take_action(session, user, Actor.of(user), record, action, dossiers.StepInput(**step), law, clock.now())
    session.commit()


def inbox(session, user) -> list[Notification]:
    session.expire_all()
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id)
                                .order_by(Notification.id)))


def subjects(session, team) -> dict[str, list[str]]:
    return {name: [row.subject for row in inbox(session, user)] for name, user in team.items()}


def test_each_transition_tells_who_acts_next_and_the_submitter_exactly_once(session, law, team, dossier, clock):
    act(session, law, clock, team["staff"], dossier, "submit")
    after_submit = subjects(session, team)
    assert after_submit["appraiser"] == after_submit["appraiser2"] == [
        "Đến lượt bạn: Kiểm tra tính hợp lệ hồ sơ «Một cửa điện tử»"]
    assert after_submit["staff"] == after_submit["approver"] == after_submit["officer"] == []
    [row] = inbox(session, team["appraiser"])
    assert row.link == f"/dossiers/{dossier.id}" and row.kind == "dossier_step" and row.email_status == "pending"
    assert f"Hạn theo quy định: {dossier.step_due_on:%d/%m/%Y}" in row.body

    act(session, law, clock, team["appraiser"], dossier, "accept")
    # NĐ 331 Đ18.4.b: the commune's specialised unit runs the system, so an independent council appraises.
    act(session, law, clock, team["appraiser"], dossier, "record_appraisal", appraisal_result="phu_hop",
        appraisal_text="Hồ sơ đầy đủ.", appraisal_body="independent_council", appraisal_body_decision="9/QĐ-UBND",
        appraisal_body_decision_on=date(2026, 11, 2), appraisal_council_members="Phó Chủ tịch UBND xã")
    act(session, law, clock, team["staff"], dossier, "submit_for_approval")
    act(session, law, clock, team["approver"], dossier, "approve", decision_number="31/QĐ-UBND",
        decision_on=date(2026, 11, 26), decision_signer="Phạm Quốc Khánh")

    told = subjects(session, team)
    assert told["appraiser"] == ["Đến lượt bạn: Kiểm tra tính hợp lệ hồ sơ «Một cửa điện tử»"]  # not of its own steps
    assert told["appraiser2"] == ["Đến lượt bạn: Kiểm tra tính hợp lệ hồ sơ «Một cửa điện tử»",
                                  "Đến lượt bạn: Thẩm định hồ sơ «Một cửa điện tử»"]
    assert told["staff"] == ["Hồ sơ «Một cửa điện tử» đã có ý kiến thẩm định: phù hợp",
                             "Hồ sơ «Một cửa điện tử» đã được phê duyệt cấp độ 3"]
    assert told["approver"] == ["Đến lượt bạn: Phê duyệt cấp độ hồ sơ «Một cửa điện tử»"]
    assert told["officer"] == [
        "Đến lượt bạn: Trình phê duyệt (hoặc sửa theo ý kiến thẩm định) hồ sơ «Một cửa điện tử»",
        "Đến lượt bạn: Bắt đầu triển khai phương án bảo đảm an ninh mạng của hồ sơ «Một cửa điện tử»"]
    approved = inbox(session, team["staff"])[-1]
    assert "Phạm Quốc Khánh đã thực hiện «Phê duyệt cấp độ»" in approved.body
    assert "Quyết định số 31/QĐ-UBND ngày 26/11/2026, người ký: Phạm Quốc Khánh." in approved.body

    # Exactly once: telling again about the same step adds nothing.
    assert handoff.dossier_moved(session, Actor.of(team["approver"]), dossier, law, clock.now()) == 0


def test_a_returned_dossier_tells_the_submitter_why(session, law, team, dossier, clock):
    act(session, law, clock, team["staff"], dossier, "submit")
    act(session, law, clock, team["appraiser"], dossier, "return", comment="Thiếu sơ đồ mạng.")
    [returned] = [row for row in inbox(session, team["staff"])]
    assert returned.subject == "Hồ sơ «Một cửa điện tử» được trả lại để bổ sung, hoàn thiện"
    assert "Lê Minh Tuấn đã thực hiện «Trả lại hồ sơ»" in returned.body
    assert "Ý kiến / lý do: Thiếu sơ đồ mạng." in returned.body
    officer_rows = inbox(session, team["officer"])
    assert [row.subject for row in officer_rows] == [
        "Đến lượt bạn: Bổ sung, hoàn thiện hồ sơ bị trả lại «Một cửa điện tử»"]


def test_hand_off_e_mails_reach_the_people_with_a_deep_link(app, session, law, team, dossier, clock, smtp):
    act(session, law, clock, team["staff"], dossier, "submit")
    report = deliver_due(session, SmtpSettings.from_config(app.config), clock.now(), base_url=BASE_URL)
    assert report.sent == 2
    for who in ("appraiser", "appraiser2"):
        [mail] = smtp.to(team[who].email)
        assert mail["Subject"] == "[ATTT xã] Đến lượt bạn: Kiểm tra tính hợp lệ hồ sơ «Một cửa điện tử»"
        assert f"{BASE_URL}/dossiers/{dossier.id}" in mail.get_content()
    assert deliver_due(session, SmtpSettings.from_config(app.config), clock.now()).emails == 0  # once
    assert smtp.to(team["staff"].email) == []


def test_a_named_step_goes_to_that_person_is_audited_and_ends_with_the_step(session, law, team, dossier, clock):
    act(session, law, clock, team["staff"], dossier, "submit")
    officer = team["officer"]
    assignment.assign_step(session, officer, Actor.of(officer), dossier, team["appraiser2"].id, law, clock.now())
    session.commit()
    assert dossier.step_assignee_id == team["appraiser2"].id
    assigned = inbox(session, team["appraiser2"])[-1]
    assert assigned.subject == "Bạn được giao: Kiểm tra tính hợp lệ hồ sơ «Một cửa điện tử»"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "assign"))
    assert event.object_id == str(dossier.id) and event.changes == {"step_assignee_id": [None, team["appraiser2"].id]}
    with pytest.raises(Exception, match="vai trò"):  # the approver may not validate a dossier
        assignment.assign_step(session, officer, Actor.of(officer), dossier, team["approver"].id, law, clock.now())
    session.rollback()
    with pytest.raises(Exception, match="không được giao"):  # staff neither takes nor follows up this step
        assignment.assign_step(session, team["staff"], Actor.of(team["staff"]), dossier, None, law, clock.now())
    session.rollback()
    act(session, law, clock, team["appraiser2"], dossier, "accept")
    assert dossier.step_assignee_id is None  # the next step waits on the role again


def test_incident_task_assignment_and_escalation_are_told_once(session, team, commune, province, make_user, clock):
    overseer = make_user(Role.OVERSEER, organisation=province)
    officer, staff = team["officer"], team["staff"]
    incident = incident_support.quick_report(session, staff, commune, clock.now())
    incident_tasks.apply_playbook(session, Actor.of(officer), incident, "ransomware", clock.now(),
                                  incident_support.data())
    session.commit()
    task = incident.tasks[0]
    for _ in range(2):  # the same person twice: told once
        incident_tasks.update_task(session, Actor.of(officer), task, "assign", {"assignee_id": str(staff.id)},
                                   clock.now(), assignable=[officer, staff])
        session.commit()
    [row] = [r for r in inbox(session, staff) if r.kind == "incident_task"]
    assert row.subject.startswith(f"[{incident.code}] Bạn được giao nhiệm vụ: ")
    assert row.link == f"/incidents/{incident.id}#task-{task.id}" and row.email_status == "pending"
    assert session.scalar(select(AuditEvent).where(AuditEvent.object_type == "incident_task",
                                                   AuditEvent.object_id == str(task.id))) is not None

    for _ in range(2):  # "beyond the commune's capacity" saved twice: told once
        incident_support.classify(session, officer, incident, clock.now(), beyond_capacity=True)
    escalations = {name: [r for r in inbox(session, user) if r.kind == "incident_escalated"]
                   for name, user in {**team, "overseer": overseer}.items()}
    assert len(escalations["overseer"]) == len(escalations["approver"]) == 1
    assert escalations["officer"] == [] and escalations["appraiser"] == []  # the officer made the change
    assert "vượt quá khả năng xử lý của xã" in escalations["overseer"][0].body
    assert escalations["overseer"][0].link == f"/incidents/{incident.id}"
