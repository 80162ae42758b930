"""Advisories: the province issues, each commune acknowledges and answers with evidence, the overseer
follows the matrix; reminders once; nobody outside sees another's copy."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from ir_app.jobs.runner import run_due
from ir_app.models import Incident, Notification, Role
from ir_app.models.advisories import Advisory, AdvisoryRecipient
from tests.ops_support import hanoi, job_env

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:holidays.*")


@pytest.fixture(autouse=True)
def long_sessions(monkeypatch):
    # The clock moves by days in these tests: keep the browser sessions alive.
    monkeypatch.setenv("IR_SESSION_IDLE_MINUTES", "100000")
    monkeypatch.setenv("IR_SESSION_MAX_HOURS", "100000")


@pytest.fixture
def people(make_user, province, commune, other_commune, foreign_commune):
    return {"overseer": make_user(Role.OVERSEER, organisation=province),
            "officer_a": make_user(Role.OFFICER, organisation=commune),
            "officer_b": make_user(Role.OFFICER, organisation=other_commune),
            "foreign": make_user(Role.OFFICER, organisation=foreign_commune),
            "approver_a": make_user(Role.APPROVER, organisation=commune)}


def _issue(client, commune_ids, **values):
    form = {"title": "Vá lỗ hổng VPN FortiGate", "number": "125/CAT-PA05", "severity": "high",
            "content": "Lỗ hổng đang bị khai thác.", "actions": "Cập nhật firmware\nĐổi mật khẩu quản trị",
            "deadline": "2026-12-10", "communes": [str(cid) for cid in commune_ids]}
    form.update(values)
    return client.post_form("/advisories/new", form)


def test_the_overseer_issues_and_each_commune_is_told_at_once(app, make_web, people, commune, other_commune, session,
                                                              clock):
    clock.current = hanoi(2026, 12, 7, 9, 0)
    response = _issue(make_web(people["overseer"]), [commune.id, other_commune.id])
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    advisory = session.scalar(select(Advisory))
    assert [action.text for action in advisory.actions] == ["Cập nhật firmware", "Đổi mật khẩu quản trị"]
    told = {row.user_id for row in session.scalars(select(Notification).where(Notification.kind == "advisory"))}
    assert told == {people["officer_a"].id, people["officer_b"].id}
    work = make_web(people["officer_a"]).get("/work").get_data(as_text=True)
    assert "Vá lỗ hổng VPN FortiGate" in work


def test_an_advisory_to_a_commune_of_another_province_is_refused(make_web, people, foreign_commune, session, clock):
    clock.current = hanoi(2026, 12, 7, 9, 0)
    response = _issue(make_web(people["overseer"]), [foreign_commune.id])
    assert response.status_code == 422
    assert session.scalar(select(Advisory)) is None


def test_bad_input_is_explained(make_web, people, commune, clock):
    clock.current = hanoi(2026, 12, 7, 9, 0)
    response = _issue(make_web(people["overseer"]), [commune.id], actions="", deadline="31/02/2026")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ngày 31/02/2026 không có trong lịch." in text and "Bắt buộc nhập." in text


def test_the_matrix_shows_an_acknowledgement_at_once(make_web, people, commune, session, clock):
    clock.current = hanoi(2026, 12, 7, 9, 0)
    overseer = make_web(people["overseer"])
    _issue(overseer, [commune.id])
    advisory = session.scalar(select(Advisory))
    cell = f'data-commune="{commune.code}" data-advisory="{advisory.id}"><span class="badge '
    assert cell + "warn" in overseer.get("/advisories/matrix").get_data(as_text=True)  # new, kept for the minute
    officer = make_web(people["officer_a"])
    assert officer.post_form(f"/advisories/{advisory.id}/acknowledge", {}).status_code == 302
    assert cell + "pending" in overseer.get("/advisories/matrix").get_data(as_text=True)  # same minute


def test_a_commune_answers_with_evidence_and_the_matrix_shows_done_and_overdue(
        app, make_web, people, commune, other_commune, session, clock):
    clock.current = hanoi(2026, 12, 7, 9, 0)
    overseer = make_web(people["overseer"])
    _issue(overseer, [commune.id, other_commune.id])
    advisory = session.scalar(select(Advisory))
    officer = make_web(people["officer_a"])
    assert officer.post_form(f"/advisories/{advisory.id}/acknowledge", {}).status_code == 302
    first, second = advisory.actions
    refused = officer.post_form(f"/advisories/{advisory.id}/actions/{second.id}",
                                {f"a{second.id}-status": "not_applicable", f"a{second.id}-note": ""})
    assert refused.status_code == 422 and "Hãy ghi lý do." in refused.get_data(as_text=True)
    assert officer.post_form(f"/advisories/{advisory.id}/actions/{first.id}", {
        f"a{first.id}-status": "done", f"a{first.id}-note": "Đã lên 7.2.10",
        f"a{first.id}-evidence": (io.BytesIO(b"%PDF-1.4 bien ban"), "bien-ban.pdf")},
        content_type="multipart/form-data").status_code == 302
    assert officer.post_form(f"/advisories/{advisory.id}/actions/{second.id}", {
        f"a{second.id}-status": "not_applicable", f"a{second.id}-note": "Xã không dùng VPN"}).status_code == 302
    session.expire_all()
    copies = {copy.commune_id: copy for copy in session.scalars(select(AdvisoryRecipient))}
    assert copies[commune.id].completed_at is not None and copies[other_commune.id].completed_at is None

    clock.current = hanoi(2026, 12, 11, 9, 0)  # the day after the deadline
    matrix = overseer.get("/advisories/matrix").get_data(as_text=True)
    assert f'data-commune="{commune.code}" data-advisory="{advisory.id}"><span class="badge ok">Đã hoàn thành' in matrix
    assert f'data-commune="{other_commune.code}" data-advisory="{advisory.id}"><span class="badge overdue">Quá hạn' \
        in matrix
    xlsx = overseer.get("/advisories/matrix.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"

    # B was reminded once, however many sweeps ran after the deadline; A, done, was not.
    run_due(job_env(app), hanoi(2026, 12, 11, 9, 0))
    run_due(job_env(app), hanoi(2026, 12, 11, 10, 0))
    reminders = list(session.scalars(select(Notification).where(Notification.kind == "advisory_due")))
    assert [row.user_id for row in reminders] == [people["officer_b"].id]


def test_copies_stay_inside_their_commune_and_province(make_web, people, commune, other_commune, session, clock):
    clock.current = hanoi(2026, 12, 7, 9, 0)
    _issue(make_web(people["overseer"]), [commune.id])
    advisory = session.scalar(select(Advisory))
    assert make_web(people["officer_b"]).get(f"/advisories/{advisory.id}").status_code == 404
    assert make_web(people["foreign"]).get(f"/advisories/{advisory.id}").status_code == 404
    assert make_web(people["officer_b"]).post_form(f"/advisories/{advisory.id}/acknowledge", {}).status_code == 404
    # An approver of the receiving commune reads it but cannot answer for the commune.
    approver = make_web(people["approver_a"])
    assert approver.get(f"/advisories/{advisory.id}").status_code == 200
    assert approver.post_form(f"/advisories/{advisory.id}/acknowledge", {}).status_code == 403
    assert make_web(people["officer_a"]).get("/advisories/new").status_code == 403


def test_an_incident_opens_from_the_advisory_in_one_click(make_web, people, commune, session, clock):
    clock.current = hanoi(2026, 12, 7, 9, 0)
    _issue(make_web(people["overseer"]), [commune.id])
    advisory = session.scalar(select(Advisory))
    response = make_web(people["officer_a"]).post_form(f"/advisories/{advisory.id}/incident", {})
    assert response.status_code == 302 and "/incidents/" in response.headers["Location"]
    incident = session.scalar(select(Incident))
    assert "125/CAT-PA05" in incident.title + (incident.description or "")
    session.expire_all()
    assert session.scalar(select(AdvisoryRecipient.incident_id)) == incident.id


def test_a_report_request_is_answered_and_its_answers_downloaded_as_one_zip(make_web, people, commune, other_commune,
                                                                            session, clock):
    import zipfile

    clock.current = hanoi(2026, 12, 7, 9, 0)
    overseer = make_web(people["overseer"])
    response = overseer.post_form("/advisories/new?kind=report_request", {
        "title": "Báo cáo nhanh tình hình sử dụng VPN", "actions": "Xã có dùng VPN không?\nPhiên bản nào?",
        "deadline": "2026-12-09", "communes": [str(commune.id), str(other_commune.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    request_ = session.scalar(select(Advisory))
    assert request_.is_report_request and request_.code == f"BC-{request_.id}"
    officer = make_web(people["officer_a"])
    first, second = request_.actions
    empty = officer.post_form(f"/advisories/{request_.id}/actions/{first.id}", {f"a{first.id}-note": " "})
    assert empty.status_code == 422 and "Hãy nhập nội dung trả lời." in empty.get_data(as_text=True)
    officer.post_form(f"/advisories/{request_.id}/actions/{first.id}", {
        f"a{first.id}-note": "Có, một cổng VPN", f"a{first.id}-evidence": (io.BytesIO(b"%PDF-1.4 cau hinh"), "cấu hình.pdf")},
        content_type="multipart/form-data")
    officer.post_form(f"/advisories/{request_.id}/actions/{second.id}", {f"a{second.id}-note": "FortiOS 7.2.8"})
    archive = overseer.get(f"/advisories/{request_.id}/answers.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.data)) as opened:
        names = opened.namelist()
        text = opened.read("Vinh-Lai/tra-loi.txt").decode()
    assert "Vinh-Lai/1-cau-hinh.pdf" in names and "Hai-An/tra-loi.txt" in names
    assert "Có, một cổng VPN" in text and "FortiOS 7.2.8" in text
    assert make_web(people["officer_a"]).get(f"/advisories/{request_.id}/answers.zip").status_code == 403
