"""Incidents through the web layer: a phone-size quick report, then an officer classifies, applies a
playbook, works the tasks, records the reports, is refused closing while something is missing,
closes, and reopens only with a reason. Plus scope, confidentiality, list queries, rate limit."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from docx import Document
from incident_support import ICT, count_statements, incident_id_from, quick_report
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ir_app.models import (
    EmergencyContact,
    Incident,
    IncidentReport,
    InformationSystem,
    Notification,
    Role,
)
from tests.web.form_support import page_form


@pytest.fixture
def staff(make_user, commune):
    return make_user(Role.STAFF, organisation=commune, name="Trần Thị Lan", phone="0987 654 321")


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune, name="Nguyễn Văn Hùng")


@pytest.fixture
def one_stop_shop(session, commune):
    now = datetime(2026, 11, 1, tzinfo=ICT)
    system = InformationSystem(commune_id=commune.id, code="MOTCUA", name="Một cửa điện tử", approved_level=3,
                               approval_decision_number="15/QĐ-UBND", created_at=now, updated_at=now)
    session.add_all([system, EmergencyContact(commune_id=commune.id, name="Trực ban PA05", phone="069 2345 678",
                                              is_24x7=True)])
    session.commit()
    return system


def page(response) -> str:
    return response.get_data(as_text=True)


def follow(client, response) -> str:
    assert response.status_code == 302, re.findall(r"field-error[^<]*", page(response))
    return page(client.get(response.location))


def form_names(html: str) -> set[str]:
    form = html[html.index('<form method="post" action="/incidents/report'):]
    form = form[:form.index("</form>")]
    return set(re.findall(r'name="([^"]+)"', form)) - {"csrf_token"}


# --------------------------------------------------------------------------- the journey

def test_quick_report_on_a_phone_then_the_officer_works_the_incident_to_closure(
        make_web, staff, officer, one_stop_shop, session, clock):
    phone = make_web(staff)
    html = page(phone.get("/incidents/report"))
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'class="quick-report"' in html and 'href="tel:0692345678"' in html
    assert form_names(html) == {"what", "category", "system_id", "detected_at", "contact"}  # five at most
    assert 'value="0987 654 321"' in html  # the reporter's phone, prefilled
    response = phone.post_form("/incidents/report", {
        "what": "Máy tính một cửa bị khóa, hiện thông báo đòi tiền", "category": "ransomware",
        "system_id": str(one_stop_shop.id), "contact": "0987 654 321"})
    incident_id = incident_id_from(response)
    assert "Đã gửi báo cáo SC-11017-2026-0001" in follow(phone, response)
    assert session.scalar(select(Notification.user_id)) == officer.id

    desk = make_web(officer)
    url = f"/incidents/{incident_id}"
    html = page(desk.get(url))
    assert "Báo cáo sự cố an ninh mạng trong 72 giờ" in html and "Còn 3 ngày" in html
    assert "Đề xuất kịch bản cho loại sự cố này: <strong>Mã độc tống tiền (ransomware)</strong>" in html

    # Classify: serious, with a reason; the 24-hour notice appears.
    incident = session.get(Incident, incident_id)
    edit = {"title": incident.title, "category": "ransomware", "system_ids": [str(one_stop_shop.id)],
            "detected_at": "2026-11-26T09:00", "is_cyber_incident": "auto", "severity": "nghiem_trong",
            "severity_reason": "", "description": "Bốn máy tiếp nhận hồ sơ bị mã hóa", "version": "1"}
    refused = desk.post_form(f"{url}/edit", edit)
    assert refused.status_code == 200 and "Ghi lý do phân loại mức độ" in page(refused)
    html = follow(desk, desk.post_form(f"{url}/edit", dict(edit, severity_reason="Một cửa ngừng phục vụ người dân")))
    assert "Thông báo ban đầu về sự cố nghiêm trọng trong 24 giờ" in html and "Cấp độ 3" in html

    # Apply the proposed playbook; tasks appear grouped by phase.
    html = follow(desk, desk.post_form(f"{url}/playbooks", {"playbook_id": "ransomware"}))
    assert "Ngắt kết nối mạng các máy bị nhiễm" in html and "Khoanh vùng, cô lập" in html

    for action in ("analyse", "contain", "restore"):
        session.expire_all()
        version = session.get(Incident, incident_id).version
        follow(desk, desk.post_form(f"{url}/transition", {"action": action, "version": str(version)}))

    # Record the two reports due; the generated DOCX is kept with the first.
    clock.advance(hours=2)
    for rule_id, number in (("nd331-initial-24h", "10/TB-UBND"), ("nd331-report-72h", "11/BC-UBND")):
        html = follow(desk, desk.post_form(f"{url}/reports", {
            "clock_rule_id": rule_id, "sent_at": "2026-11-26T10:30", "channel": "document",
            "reference_number": number, "attach_generated": "y"}))
        assert f"số {number}" in html
    kept = session.scalars(select(IncidentReport).order_by(IncidentReport.id)).first()
    assert Document(io.BytesIO(kept.file.data)).tables[0].rows[0].cells[1].text.startswith(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")

    # Work every task except one required step.
    session.expire_all()
    incident = session.get(Incident, incident_id)
    open_tasks = [task for task in incident.tasks if not task.is_settled]
    left_open = next(task for task in open_tasks if task.step_id == "lessons-learned")
    for task in open_tasks:
        if task is left_open:
            continue
        if task.step_id == "pdp-notice-72h":
            data = {"operation": "not_applicable", "na_reason": "Không có dữ liệu cá nhân bị lộ"}
        else:
            data = {"operation": "done", "note": "Đã làm"}
        follow(desk, desk.post_form(f"/incidents/tasks/{task.id}", {**data, "version": str(task.version)}))
    session.expire_all()
    version = session.get(Incident, incident_id).version
    follow(desk, desk.post_form(f"{url}/edit", {**edit, "severity_reason": "Một cửa ngừng phục vụ người dân",
                                                "resolution": "Khôi phục từ bản sao lưu ngày 25/11",
                                                "lessons_learned": "Sao lưu 3-2-1, tập huấn thư giả mạo",
                                                "version": str(version)}))
    session.expire_all()
    follow(desk, desk.post_form(f"{url}/transition", {"action": "trace",
                                                      "version": str(session.get(Incident, incident_id).version)}))
    session.expire_all()
    follow(desk, desk.post_form(f"{url}/transition", {"action": "review",
                                                      "version": str(session.get(Incident, incident_id).version)}))

    # Closing is refused while the required step is open; the page says why.
    html = page(desk.get(url))
    assert "Chưa thể: nhiệm vụ bắt buộc chưa xong: «Họp rút kinh nghiệm, cập nhật phương án»" in html
    session.expire_all()
    version = session.get(Incident, incident_id).version
    html = follow(desk, desk.post_form(f"{url}/transition", {"action": "close", "version": str(version), "confirmed": "1"}))
    assert "Chưa thể «Đóng sự cố»: mọi nhiệm vụ bắt buộc của kịch bản đã hoàn thành; đã ghi nhận mọi thông báo" in html
    assert ("Còn thiếu: nhiệm vụ bắt buộc chưa xong: «Họp rút kinh nghiệm, cập nhật phương án»; chưa ghi nhận "
            "«Báo cáo kết thúc (sau khi hoàn thành điều tra, khắc phục và đánh giá tác động)».") in html
    session.expire_all()
    assert session.get(Incident, incident_id).state == "reviewed"

    session.refresh(left_open)
    follow(desk, desk.post_form(f"/incidents/tasks/{left_open.id}", {"operation": "done",
                                                                     "version": str(left_open.version)}))
    follow(desk, desk.post_form(f"{url}/reports", {
        "clock_rule_id": "nd331-final", "sent_at": "2026-11-26T10:45", "channel": "document",
        "reference_number": "12/BC-UBND", "file": (io.BytesIO(b"%PDF-1.7 signed"), "bao-cao-ket-thuc.pdf")},
        content_type="multipart/form-data"))
    session.expire_all()
    version = session.get(Incident, incident_id).version
    # Closing is asked once more, saying what happens and where the incident was reported.
    confirm = page(desk.post_form(f"{url}/transition", {"action": "close", "version": str(version)}))
    assert "Xác nhận: Đóng sự cố" in confirm and "sang «Đã đóng»" in confirm and "12/BC-UBND" in confirm
    session.expire_all()
    assert session.get(Incident, incident_id).state == "reviewed"
    confirmed = MultiDict(page_form(confirm, "/transition") + [("confirmed", "1")])
    html = follow(desk, desk.post(f"{url}/transition", data=confirmed))
    assert "Sự cố chuyển sang «Đã đóng»." in html

    # Reopening needs a reason.
    session.expire_all()
    version = session.get(Incident, incident_id).version
    html = follow(desk, desk.post_form(f"{url}/transition", {"action": "reopen", "version": str(version)}))
    assert "Cần ghi lý do khi «Mở lại sự cố — ghi lý do»." in html
    html = follow(desk, desk.post_form(f"{url}/transition", {"action": "reopen", "version": str(version),
                                                             "comment": "Máy MC-03 lại hiện thông báo lạ"}))
    assert "Sự cố chuyển sang «Xác minh, phân tích»." in html and "Máy MC-03 lại hiện thông báo lạ" in html


def test_a_missing_due_report_blocks_closing(make_web, officer, commune, session, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="phishing")
    incident.severity, incident.severity_reason = "thong_thuong", "Một tài khoản"
    incident.resolution, incident.lessons_learned = "Đã đổi mật khẩu", "Bật xác thực hai lớp"
    incident.state = "reviewed"
    session.commit()
    client = make_web(officer)
    html = follow(client, client.post_form(f"/incidents/{incident.id}/transition", {"action": "close"}))
    assert "Còn thiếu: chưa ghi nhận «Báo cáo sự cố an ninh mạng trong 72 giờ»." in html


def test_stale_transition_gets_the_conflict_message(make_web, officer, commune, session, clock):
    incident = quick_report(session, officer, commune, clock.now())
    client = make_web(officer)
    follow(client, client.post_form(f"/incidents/{incident.id}/transition", {"action": "analyse", "version": "1"}))
    html = follow(client, client.post_form(f"/incidents/{incident.id}/transition",
                                           {"action": "contain", "version": "1"}))
    assert "người khác sửa" in html


# --------------------------------------------------------------------------- scope and confidentiality

def test_staff_of_another_commune_gets_404(make_web, officer, make_user, commune, other_commune, session, clock):
    incident = quick_report(session, officer, commune, clock.now())
    stranger = make_web(make_user(Role.STAFF, organisation=other_commune))
    for url in (f"/incidents/{incident.id}", f"/incidents/{incident.id}/documents/bao-cao-ban-dau.docx"):
        assert stranger.get(url).status_code == 404, url
    other_officer = make_web(make_user(Role.OFFICER, organisation=other_commune))
    assert other_officer.post_form(f"/incidents/{incident.id}/transition", {"action": "analyse"}).status_code == 404
    assert incident.title not in page(stranger.get("/incidents/"))


def test_a_confidential_incident_is_read_by_handlers_and_its_reporter_only(
        make_web, officer, staff, make_user, commune, session, clock):
    incident = quick_report(session, staff, commune, clock.now(), what="Lộ danh sách hộ nghèo")
    incident.is_confidential = True
    session.commit()
    colleague = make_web(make_user(Role.STAFF, organisation=commune))
    assert colleague.get(f"/incidents/{incident.id}").status_code == 404
    assert "Lộ danh sách hộ nghèo" not in page(colleague.get("/incidents/"))
    for reader in (staff, officer, make_user(Role.AUDITOR, organisation=commune)):
        assert make_web(reader).get(f"/incidents/{incident.id}").status_code == 200


# --------------------------------------------------------------------------- list, limits, files

def _add_incidents(session, commune, count, start=0):
    now = datetime(2026, 11, 20, 8, 0, tzinfo=ICT)
    session.add_all([Incident(commune_id=commune.id, year=2026, number=start + i + 1, title=f"Sự cố {start + i}",
                              category="phishing", detected_at=now - timedelta(hours=i), state="received",
                              state_changed_at=now, created_at=now, updated_at=now) for i in range(count)])
    session.commit()


def test_list_page_statement_count_does_not_grow(app, make_web, officer, commune, session):
    client = make_web(officer)
    _add_incidents(session, commune, 10)
    small = count_statements(app, lambda: client.get("/incidents/?overdue=1"))
    _add_incidents(session, commune, 190, start=10)
    large = count_statements(app, lambda: client.get("/incidents/?overdue=1&page=3"))
    assert large == small
    assert "Trang 1/8" in page(client.get("/incidents/"))


def test_list_filters(make_web, officer, commune, session, clock):
    overdue = quick_report(session, officer, commune, clock.now() - timedelta(days=4), what="Thư giả mạo",
                           category="phishing")
    overdue.detected_at = clock.now() - timedelta(days=4)
    power = quick_report(session, officer, commune, clock.now(), what="Mất điện máy chủ",
                         category="infrastructure_failure")
    session.commit()
    client = make_web(officer)
    html = page(client.get("/incidents/?overdue=1"))
    assert "Thư giả mạo" in html and "Mất điện máy chủ" not in html and "Quá hạn 1 ngày" in html
    html = page(client.get("/incidents/?category=infrastructure_failure&state=received"))
    assert "Mất điện máy chủ" in html and "Thư giả mạo" not in html
    assert "Mất điện máy chủ" not in page(client.get("/incidents/?severity=nghiem_trong"))
    assert "Thư giả mạo" in page(client.get(f"/incidents/?q={overdue.code}"))
    assert power.code not in page(client.get("/incidents/?state=closed"))


def test_quick_report_rate_limit_is_explained(make_web, staff, commune, session, clock):
    for _ in range(10):
        quick_report(session, staff, commune, clock.now())
    response = make_web(staff).post_form("/incidents/report", {"what": "Lại bị khóa máy"})
    assert response.status_code == 429
    assert "Bạn đã gửi 10 báo cáo nhanh trong 1 giờ qua" in page(response)
    assert "Lại bị khóa máy" in page(response)  # what was typed is kept


def test_quick_report_errors_keep_the_input(make_web, staff, commune):
    response = make_web(staff).post_form("/incidents/report", {"what": "", "contact": "0912",
                                                               "detected_at": "ngày mai"})
    assert response.status_code == 422
    html = page(response)
    assert "Bắt buộc nhập." in html and "Thời điểm phải theo dạng dd/mm/yyyy HH:MM." in html
    assert 'value="0912"' in html
    far_past = make_web(staff).post_form("/incidents/report", {"what": "Máy lỗi", "detected_at": "0001-01-01T00:00"})
    assert far_past.status_code == 422 and "Năm phải trong khoảng 1990–2100." in page(far_past)


def test_evidence_upload_download_and_refusal(make_web, officer, commune, session, clock):
    incident = quick_report(session, officer, commune, clock.now())
    client = make_web(officer)
    url = f"/incidents/{incident.id}/evidence"
    log = "09:01 đăng nhập lạ từ 185.220.101.1\n".encode()
    html = follow(client, client.post_form(url, {"description": "Nhật ký tường lửa", "acquired_by": "Hùng",
                                                 "file": (io.BytesIO(log), "tuong-lua.log")},
                                           content_type="multipart/form-data"))
    assert "Đã lưu chứng cứ CC-01" in html
    evidence_id = int(re.search(r"/incidents/evidence/(\d+)/file", html).group(1))
    download = client.get(f"/incidents/evidence/{evidence_id}/file")
    assert download.data == log and download.mimetype == "text/plain"
    assert "attachment" in download.headers["Content-Disposition"]
    refused = client.post_form(url, {"description": "Ảnh", "acquired_by": "Hùng",
                                     "file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100), "anh.jpg")},
                               content_type="multipart/form-data")
    assert refused.status_code == 422 and "Loại tệp không được chấp nhận" in page(refused)


def test_each_field_of_the_incident_page_has_its_own_id(make_web, officer, commune, session, clock):
    """The evidence and the report forms both upload a "file": a shared id would tie the report's
    label to the evidence input and leave the report's file input without a name."""
    incident = quick_report(session, officer, commune, clock.now())
    html = page(make_web(officer).get(f"/incidents/{incident.id}"))
    ids = re.findall(r'<(?:input|select|textarea)\b[^>]*\sid="([^"]+)"', html)
    assert {field_id for field_id in ids if ids.count(field_id) > 1} - {"csrf_token"} == set()
    assert '<label for="report-file">' in html and '<label for="file">Tệp chứng cứ *</label>' in html


def test_documents_download_as_docx(make_web, officer, commune, session, clock):
    incident = quick_report(session, officer, commune, clock.now(), category="data_breach")
    client = make_web(officer)
    # the personal-data notice and record exist only once personal data are known to be involved
    assert client.get(f"/incidents/{incident.id}/documents/thong-bao-vi-pham-dlcn.docx").status_code == 404
    assert "thong-bao-vi-pham-dlcn" not in page(client.get(f"/incidents/{incident.id}"))
    incident.personal_data_involved = True
    session.commit()
    for name in ("bao-cao-ban-dau", "bao-cao-ket-thuc", "thong-bao-vi-pham-dlcn", "bien-ban-vi-pham-dlcn"):
        response = client.get(f"/incidents/{incident.id}/documents/{name}.docx")
        assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
        assert f"{name}-SC-11017-2026-0001.docx" in response.headers["Content-Disposition"]
        assert Document(io.BytesIO(response.data)).tables[0].rows[0].cells[0].text.strip().startswith("ỦY BAN")
    assert client.get(f"/incidents/{incident.id}/documents/khong-co.docx").status_code == 404


# --------------------------------------------------------------------------- playbooks and summary

def test_playbook_viewer(make_web, staff):
    client = make_web(staff)
    html = page(client.get("/playbooks/"))
    assert "Mã độc tống tiền (ransomware)" in html and html.count("/playbooks/") >= 9
    html = page(client.get("/playbooks/ransomware"))
    assert "data-print" in html and "Ngắt kết nối mạng các máy bị nhiễm" in html
    assert "<strong>Không</strong> bấm vào đường link" in html  # Markdown, escaped first
    assert client.get("/playbooks/khong-co").status_code == 404


def test_summary_page_and_downloads(make_web, officer, commune, session, clock):
    closed = quick_report(session, officer, commune, clock.now() - timedelta(days=3), category="phishing")
    closed.detected_at = clock.now() - timedelta(days=3)
    closed.contained_at = clock.now() - timedelta(days=3) + timedelta(hours=2)
    closed.state, closed.closed_at = "closed", clock.now()
    quick_report(session, officer, commune, clock.now(), category="ransomware")
    session.commit()
    client = make_web(officer)
    html = page(client.get("/incidents/summary?period=month&on=2026-11-10"))
    assert "Tháng 11/2026 (01/11/2026 – 30/11/2026)" in html
    assert "Tổng số sự cố: <strong>2</strong>" in html and "2 giờ" in html and "3 ngày" in html
    for odd in ("0001-01-01", "9999-12-31", "hôm qua"):  # out of range or unreadable: the current month
        assert "Tháng 11/2026" in page(client.get(f"/incidents/summary?on={odd}"))
    xlsx = client.get("/incidents/summary.xlsx?period=week&on=2026-11-26")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    docx = client.get("/incidents/summary.docx?period=month&on=2026-11-26")
    document = Document(io.BytesIO(docx.data))
    assert "CÔNG AN XÃ VĨNH LẠI" in document.tables[0].rows[0].cells[0].text
    assert any("Tháng 11/2026" in paragraph.text for paragraph in document.paragraphs)


def test_the_commune_filter_shows_only_to_who_reads_several_communes(make_web, make_user, officer, session, commune,
                                                                       other_commune, province):
    _add_incidents(session, commune, 1)
    overseer = page(make_web(make_user(Role.OVERSEER, organisation=province)).get("/incidents/"))
    assert 'name="commune"' in overseer and "Phường Hải An</option>" in overseer
    assert "<td>Xã Vĩnh Lại</td>" in overseer
    own = page(make_web(officer).get("/incidents/"))
    assert 'name="commune"' not in own and "Vĩnh Lại</td>" not in own
