"""The incident record and its lifecycle through the services: quick report, numbering, alerts,
rate limit, guards evaluated on the server, reopen with a reason, timeline and audit."""
from __future__ import annotations

from datetime import timedelta

import pytest
from incident_support import act, actor, classify, data, quick_report, record_report, record_values
from sqlalchemy import select

from ir_app.models import AuditEvent, Notification, Role, TimelineEntry
from ir_app.services import audit
from ir_app.services.errors import ConflictError, PermissionDenied, ServiceError, ValidationFailed
from ir_app.services.incidents import lifecycle as incident_lifecycle
from ir_app.services.incidents import queries as incident_queries
from ir_app.services.incidents import record as incidents
from ir_app.services.incidents.tasks import apply_playbook, update_task

LIFECYCLE_STATES = ("received", "analysed", "contained", "restored", "traced", "reviewed", "closed", "not_incident")


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


@pytest.fixture
def staff(make_user, commune):
    return make_user(Role.STAFF, organisation=commune, phone="0912 000 111")


def test_model_states_match_the_lifecycle_file():
    from ir_app.models.incidents import INCIDENT_STATES, TERMINAL_STATES

    assert data().lifecycle.state_ids == INCIDENT_STATES == LIFECYCLE_STATES
    assert data().terminal_states == TERMINAL_STATES


def test_quick_report_opens_an_incident_and_alerts_the_officers(session, staff, officer, make_user, commune,
                                                                other_commune, clock):
    make_user(Role.OFFICER, organisation=other_commune)
    incident = quick_report(session, staff, commune, clock.now(), what="Máy một cửa bị khóa\nhiện đòi tiền",
                            category="ransomware")
    assert (incident.code, incident.state, incident.title) == ("SC-11017-2026-0001", "received", "Máy một cửa bị khóa")
    assert (incident.reporter_name, incident.reporter_contact) == (staff.name, "0912 000 111")
    assert incident.detected_at == clock.now() and incident.category == "ransomware"
    alerts = session.scalars(select(Notification)).all()
    assert [alert.user_id for alert in alerts] == [officer.id]
    assert alerts[0].kind == "quick_report" and alerts[0].link == f"/incidents/{incident.id}"
    assert "SC-11017-2026-0001" in alerts[0].subject and "đòi tiền" in alerts[0].body
    assert session.scalar(select(TimelineEntry.event)) == "reported"
    assert audit.verify(session).ok


def test_numbers_run_per_commune_and_year(session, staff, make_user, other_commune, commune, clock):
    first = quick_report(session, staff, commune, clock.now())
    second = quick_report(session, staff, commune, clock.now())
    elsewhere = quick_report(session, make_user(Role.STAFF, organisation=other_commune), other_commune, clock.now())
    # The commune's code makes the number unique in the province (issue 13: two "SC-2026-0001").
    assert [first.code, second.code, elsewhere.code] == ["SC-11017-2026-0001", "SC-11017-2026-0002",
                                                         "SC-11311-2026-0001"]


def test_numbers_issued_before_the_commune_code_stay_valid(session, staff, commune, clock):
    """An incident numbered before 0017 (no commune code) keeps its number and is still found by it."""
    from ir_app.services.incidents.queries import IncidentFilters, incident_list_query

    old = quick_report(session, staff, commune, clock.now())
    old.commune_code = ""
    session.commit()
    new = quick_report(session, staff, commune, clock.now())
    assert (old.code, new.code) == ("SC-2026-0001", "SC-11017-2026-0002")
    found = lambda text: [item.id for item in session.scalars(  # noqa: E731
        incident_list_query(session, staff, IncidentFilters(text=text), data(), clock.now()))]
    assert found("SC-2026-0001") == [old.id] and found("sc-11017-2026-0002") == [new.id]
    assert found("SC-11311-2026-0002") == []


def test_quick_report_is_rate_limited_per_user(session, staff, officer, commune, clock):
    for _ in range(incidents.QUICK_REPORT_LIMIT):
        quick_report(session, staff, commune, clock.now())
    with pytest.raises(ServiceError) as refused:
        quick_report(session, staff, commune, clock.now())
    assert "tối đa 10" in str(refused.value) and "gọi ngay" in str(refused.value)
    session.rollback()
    quick_report(session, officer, commune, clock.now())  # another user is not affected
    clock.advance(hours=1, seconds=1)
    quick_report(session, staff, commune, clock.now())


def test_quick_report_validates_its_fields(session, staff, commune, clock):
    with pytest.raises(ValidationFailed) as refused:
        quick_report(session, staff, commune, clock.now(), what=" ", category="robot",
                     detected_at=clock.now() + timedelta(hours=2))
    assert refused.value.errors["what"] == "Bắt buộc nhập."
    assert "không hợp lệ" in refused.value.errors["category"]


def test_who_may_report_and_who_may_handle(session, make_user, commune, clock):
    approver = make_user(Role.APPROVER, organisation=commune)
    quick_report(session, approver, commune, clock.now())  # REPORT_INCIDENT: any commune user
    auditor = make_user(Role.AUDITOR, organisation=commune)
    with pytest.raises(PermissionDenied):
        quick_report(session, auditor, commune, clock.now())
    session.rollback()
    staff = make_user(Role.STAFF, organisation=commune)
    incident = quick_report(session, staff, commune, clock.now())
    with pytest.raises(PermissionDenied):
        act(session, staff, incident, "analyse", clock.now())


def test_restoring_needs_the_severity_and_its_reason(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="ransomware")
    act(session, officer, incident, "contain", clock.now())
    with pytest.raises(ServiceError) as refused:
        act(session, officer, incident, "restore", clock.now())
    assert "Chưa thể «Chuyển sang khắc phục, khôi phục»" in str(refused.value)
    assert "chưa phân loại mức độ" in str(refused.value)
    session.rollback()
    with pytest.raises(ValidationFailed) as refused:
        classify(session, officer, incident, clock.now(), severity="thong_thuong", severity_reason="")
    assert "lý do" in refused.value.errors["severity_reason"]
    session.rollback()
    classify(session, officer, incident, clock.now(), severity="thong_thuong", severity_reason="Một máy, có sao lưu")
    act(session, officer, incident, "restore", clock.now())
    assert incident.state == "restored"


def test_closing_waits_for_required_tasks_written_outcome_and_due_reports(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="phishing")
    apply_playbook(session, actor(officer), incident, "email-compromise", clock.now(), data())
    session.commit()
    classify(session, officer, incident, clock.now(), severity="thong_thuong", severity_reason="Một tài khoản")
    for action in ("analyse", "contain", "restore"):
        act(session, officer, incident, action, clock.now())
    with pytest.raises(ServiceError) as refused:
        act(session, officer, incident, "review_directly", clock.now(), comment="Nguyên nhân đã rõ")
    assert "chưa ghi kết quả xử lý" in str(refused.value)
    session.rollback()
    classify(session, officer, incident, clock.now(), resolution="Đã đổi mật khẩu, bật xác thực hai lớp")
    act(session, officer, incident, "review_directly", clock.now(), comment="Nguyên nhân đã rõ")

    options = {option.rule.action: option for option in
               incident_lifecycle.action_options(incident, data(), incident_queries.incident_roles(officer), clock.now())}
    blocked = options["close"].blocked
    assert not options["close"].enabled
    assert "chưa ghi bài học kinh nghiệm" in blocked
    assert "chưa ghi nhận «Báo cáo sự cố an ninh mạng trong 72 giờ»" in blocked
    assert any(item.startswith("nhiệm vụ bắt buộc chưa xong:") for item in blocked)
    assert not any("24 giờ" in item for item in blocked)  # the 24 h notice task applies only if serious
    with pytest.raises(ServiceError) as refused:
        act(session, officer, incident, "close", clock.now())
    assert "Chưa thể «Đóng sự cố»" in str(refused.value) and "Còn thiếu:" in str(refused.value)
    session.rollback()

    record_report(session, officer, incident, clock.now(), "nd331-report-72h")
    for task in incident.tasks:
        if not task.is_settled:
            update_task(session, actor(officer), task, "done", {"note": "Đã làm"}, clock.now())
    classify(session, officer, incident, clock.now(), lessons_learned="Tập huấn nhận biết thư giả mạo")
    act(session, officer, incident, "close", clock.now())
    assert incident.state == "closed" and incident.closed_at == clock.now()


def test_reopen_needs_a_reason(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now())
    act(session, officer, incident, "dismiss", clock.now(), comment="Báo nhầm: máy in hết mực")
    assert incident.state == "not_incident" and incident.closed_at is not None
    with pytest.raises(ServiceError) as refused:
        act(session, officer, incident, "reopen", clock.now(), comment="  ")
    assert str(refused.value) == "Cần ghi lý do khi «Mở lại sự cố — ghi lý do»."
    session.rollback()
    clock.advance(hours=1)
    act(session, officer, incident, "reopen", clock.now(), comment="Máy khác cũng hiện thông báo lạ")
    assert incident.state == "analysed" and incident.closed_at is None
    last = session.scalars(select(TimelineEntry).order_by(TimelineEntry.id.desc())).first()
    assert "Lý do: Máy khác cũng hiện thông báo lạ" in last.text
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "transition:reopen" and event.changes["state"] == ["not_incident", "analysed"]


def test_a_finished_incident_is_not_edited_until_reopened(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now())
    act(session, officer, incident, "dismiss", clock.now(), comment="Báo nhầm")
    with pytest.raises(ServiceError) as refused:
        classify(session, officer, incident, clock.now(), title="Tên mới")
    assert "mở lại sự cố" in str(refused.value)


def test_phase_deadlines_start_when_the_phase_starts(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="ransomware")
    apply_playbook(session, actor(officer), incident, "ransomware", clock.now(), data())
    session.commit()
    restore_task = next(task for task in incident.tasks if task.step_id == "rebuild-and-restore")
    assert restore_task.due_at is None  # "3 days after restoration starts": not started yet
    classify(session, officer, incident, clock.now(), severity="thong_thuong", severity_reason="Hai máy")
    act(session, officer, incident, "contain", clock.now())
    clock.advance(hours=5)
    act(session, officer, incident, "restore", clock.now())
    assert restore_task.due_at == clock.now() + timedelta(days=3)
    assert set(incident.phase_starts) >= {"detect", "analyse", "contain", "restore"}
    assert incident.contained_at == clock.now() - timedelta(hours=5)


def test_stale_edit_is_a_conflict(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now())
    stale = incident.version
    classify(session, officer, incident, clock.now(), title="Sửa lần một")
    with pytest.raises(ConflictError):
        incidents.update_incident(session, actor(officer), incident, {**record_values(incident), "title": "Hai"},
                                  clock.now(), data(), expected_version=stale)


def test_timeline_notes(session, officer, commune, clock):
    incident = quick_report(session, officer, commune, clock.now())
    with pytest.raises(ValidationFailed) as refused:
        incidents.add_note(session, actor(officer), incident, {"text": "", "at": None}, clock.now())
    assert refused.value.errors == {"text": "Bắt buộc nhập."}
    earlier = clock.now() - timedelta(minutes=30)
    incidents.add_note(session, actor(officer), incident, {"text": "Đã rút dây mạng máy MC-02", "at": earlier},
                       clock.now())
    session.commit()
    session.refresh(incident)
    note = next(entry for entry in incident.timeline if entry.event == "note")
    assert (note.at, note.is_automatic, note.actor_label) == (earlier, False, officer.email)
    assert incident.timeline[0] == note  # ordered by when it happened
