"""The incident reports as DOCX, read back with python-docx: NĐ 30/2020 title block, A4, Times New
Roman, the fields of each form; the period summary as numbers, XLSX and DOCX."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from incident_support import PLAYBOOKS_DIR, actor, classify, data, quick_report, record_report
from openpyxl import load_workbook

from ir_app.models import Role
from ir_app.services.incidents.documents import DOCUMENTS, TEMPLATES, incident_context, render_report
from ir_app.services.incidents.evidence import add_evidence
from ir_app.services.incidents.summary import format_duration, period_of, summarise, summary_context, summary_xlsx

REPORTS_DIR = PLAYBOOKS_DIR / "reports"


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


@pytest.fixture
def breach(session, officer, commune, clock):
    commune.address, commune.phone = "Thôn Đông, xã Vĩnh Lại", "0220 3812 345"
    incident = quick_report(session, officer, commune, clock.now(), category="data_breach",
                            what="Danh sách hộ nghèo có số CCCD bị đăng lên mạng xã hội")
    classify(session, officer, incident, clock.now(), severity="nghiem_trong", severity_reason="Lộ dữ liệu 1.250 người",
             personal_data_involved=True, personal_data_kinds="Họ tên, số CCCD, địa chỉ",
             personal_data_subjects="1250", cause="Gửi nhầm tệp vào nhóm Zalo công khai",
             impact="1.250 người dân", measures="Gỡ bài đăng, đề nghị nền tảng xóa bản sao",
             contact_person="Nguyễn Văn Hùng, 0912 345 678", is_confidential=True,
             description="Tệp Excel bị đăng lúc 08:15; {{ 7 * 7 }} \x07 giữ nguyên")
    add_evidence(session, actor(officer), incident, {"description": "Ảnh chụp bài đăng", "acquired_by": "Hùng"},
                 "bai-dang.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10, clock.now())
    clock.advance(hours=3)
    record_report(session, officer, incident, clock.now(), "nd331-initial-24h", reference_number="05/TB-UBND")
    return incident


def text_of(document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def render(name, incident, clock) -> Document:
    context = incident_context(name, incident, data(), clock.now())
    return Document(io.BytesIO(render_report(DOCUMENTS[name].template, context, REPORTS_DIR)))


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_document_has_the_administrative_format(session, breach, clock, name):
    document = render(name, breach, clock)
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.left_margin, section.right_margin, section.top_margin)
    assert [round(size.mm) for size in sizes] == [210, 297, 30, 15, 20]  # A4; NĐ 30 margins
    assert document.styles["Normal"].font.name == "Times New Roman"
    (issuer, national), (number, dated) = [row.cells for row in document.tables[0].rows]
    assert "ỦY BAN NHÂN DÂN\nXÃ VĨNH LẠI" in issuer.text and number.text.startswith("Số:")
    assert national.text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    # the date the report was sent (recorded), else left for signing: never the day it is downloaded
    expected_date = "ngày 26 tháng 11 năm 2026" if name == "bao-cao-ban-dau" else "ngày … tháng … năm …"
    assert f"Vĩnh Lại, {expected_date}" in dated.text
    text = text_of(document)
    if name != "thong-bao-vi-pham-dlcn":  # NĐ 356 Mẫu 08 has a fixed title and no subtitle
        assert "Sự cố SC-11017-2026-0001: Danh sách hộ nghèo" in text
    assert "{{ 7 * 7 }}" in text and "49" not in text  # user text is data, never template code
    leftover = text.replace("{{ 7 * 7 }}", "")
    assert "{{" not in leftover and "{%" not in leftover
    assert "\x07" not in text


def test_initial_report_carries_the_decree_and_form_03_fields(session, breach, clock):
    text = text_of(render("bao-cao-ban-dau", breach, clock))
    for expected in (
        "BÁO CÁO BAN ĐẦU SỰ CỐ AN NINH MẠNG",
        "Kính gửi: Cơ quan chuyên trách bảo vệ an ninh mạng – Bộ Công an",
        "- Tên cơ quan, đơn vị (chủ quản hệ thống thông tin): Ủy ban nhân dân xã Vĩnh Lại",
        "- Địa chỉ: Thôn Đông, xã Vĩnh Lại",
        "- Thời điểm phát hiện: 09:00 ngày 26/11/2026",
        "- Loại sự cố: Lộ, lọt dữ liệu; vi phạm dữ liệu cá nhân",
        "- Mức độ: Nghiêm trọng",
        "- Nguyên nhân: Gửi nhầm tệp vào nhóm Zalo công khai",
        "- Phạm vi ảnh hưởng: 1.250 người dân",
        "- Biện pháp đã và đang thực hiện: Gỡ bài đăng",
        "- Số người bị ảnh hưởng (ước tính): 1.250",
        "CC-01: Ảnh chụp bài đăng",
        "Có, đề nghị giữ bí mật thông tin về sự cố.",
        "đăng lúc 08:15; {{ 7 * 7 }}",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
    ):
        assert expected in text, expected


def test_final_report_refers_to_the_initial_one(session, breach, clock):
    text = text_of(render("bao-cao-ket-thuc", breach, clock))
    assert "BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ AN NINH MẠNG" in text
    assert "Thông báo ban đầu số 05/TB-UBND, gửi" in text and "lúc 12:00 ngày 26/11/2026" in text
    assert "Ngày 26/11/2026: lúc 09:00, báo nhanh sự cố bởi" in text  # the account of what happened


def test_personal_data_notice_follows_decree_356_article_28(session, breach, clock):
    text = text_of(render("thong-bao-vi-pham-dlcn", breach, clock))
    for expected in (
        "THÔNG BÁO",
        "Kính gửi: Cơ quan chuyên trách bảo vệ dữ liệu cá nhân, Bộ Công an",
        "- Thời gian: 09:00 ngày 26/11/2026",
        "- Các loại dữ liệu cá nhân và số lượng dữ liệu liên quan: Họ tên, số CCCD, địa chỉ; khoảng 1.250 người",
        "VI PHẠM QUY ĐỊNH BẢO VỆ DỮ LIỆU CÁ NHÂN",
        "Họ và tên: Nguyễn Văn Hùng, 0912 345 678",
        "- Hậu quả xảy ra: 1.250 người dân",
        "- Biện pháp áp dụng: Gỡ bài đăng",
        "xin cam kết chịu trách nhiệm",
    ):
        assert expected in text, expected
    assert "Điều 28.1" not in text  # the form carries no notes of our own


def test_breach_record_is_ready_to_sign(session, breach, clock):
    document = render("bien-ban-vi-pham-dlcn", breach, clock)
    text = text_of(document)
    assert "BIÊN BẢN" in text and "1. Ông/Bà:" in text and "lưu giữ tối thiểu 05 năm" in text
    assert "ĐẠI DIỆN ỦY BAN NHÂN DÂN XÃ VĨNH LẠI" in document.tables[-1].rows[0].cells[1].text


def test_placeholders_sit_in_single_runs():
    from docx import Document as Open

    for name in TEMPLATES.values():
        document = Open(str(REPORTS_DIR / name))
        paragraphs = list(document.paragraphs) + [p for t in document.tables for r in t.rows for c in r.cells
                                                  for p in c.paragraphs]
        for paragraph in paragraphs:
            for run in paragraph.runs:
                assert run.text.count("{{") == run.text.count("}}"), (name, run.text)
                assert run.text.count("{%") == run.text.count("%}"), (name, run.text)


def test_period_summary(session, officer, commune, clock):
    contained = quick_report(session, officer, commune, clock.now(), category="phishing")
    contained.detected_at = clock.now() - timedelta(hours=30)
    contained.contained_at = clock.now() - timedelta(hours=28)
    record_report(session, officer, contained, clock.now(), "nd331-report-72h")  # 30 h after: met
    late = quick_report(session, officer, commune, clock.now(), category="malware")
    late.detected_at = clock.now() - timedelta(hours=75)  # Monday 06:00; 72 h passed, nothing sent: missed
    quick_report(session, officer, commune, clock.now(), category="infrastructure_failure")
    session.commit()
    period = period_of("week", clock.now().date())
    assert period.label == "Tuần 48 (23/11/2026 – 29/11/2026)"
    summary = summarise(session, commune, period, clock.now(), data())
    assert len(summary.incidents) == 3 and summary.open_count == 3
    assert (summary.clocks_met, summary.clocks_missed, summary.clocks_pending) == (1, 1, 0)
    assert {row.label: row.count for row in summary.by_category}["Mã độc khác (virus, trojan, mã độc đào tiền ảo, phần mềm gián điệp)"] == 1
    first_report, containment, closure = summary.metrics
    assert (first_report.count, first_report.average) == (1, timedelta(hours=30))
    assert format_duration(containment.median) == "2 giờ" and closure.count == 0
    assert summarise(session, commune, period_of("month", clock.now().date() + timedelta(days=40)), clock.now(),
                     data()).incidents == ()

    workbook = load_workbook(io.BytesIO(summary_xlsx(summary, data())))
    assert workbook.sheetnames == ["Tổng hợp", "Danh sách sự cố"]
    assert workbook["Danh sách sự cố"].max_row == 4
    document = Document(io.BytesIO(render_report("summary", summary_context(summary, data(), clock.now()),
                                                 REPORTS_DIR)))
    issuer = document.tables[0].rows[0].cells[0].text  # parent body above the issuer
    assert "CÔNG AN THÀNH PHỐ HẢI PHÒNG" in issuer and "CÔNG AN XÃ VĨNH LẠI" in issuer
    text = text_of(document)
    assert "1 đúng hạn, 1 trễ hoặc quá hạn, 0 chưa đến hạn" in text and "TRƯỞNG CÔNG AN XÃ" in text


def test_format_duration():
    assert [format_duration(value) for value in (None, timedelta(minutes=45), timedelta(hours=5, minutes=20),
                                                  timedelta(days=2, hours=3), timedelta(days=3))] == [
        "—", "45 phút", "5 giờ 20 phút", "2 ngày 3 giờ", "3 ngày"]
