"""Whose turn is it (journey 6): a staff member submits a level 3 dossier; the appraiser finds it in
"Việc của tôi" with its legal deadline and a message in the inbox, appraises it; the leader approves
it from their own queue; the staff member is told at each outcome; the officer's overview shows the
incident reporting clocks that are running."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_journeys import COUNCIL_FILL, COUNCIL_SELECT, _act, _today

SYSTEM = "Phần mềm quản lý hộ tịch của xã"


def _add_level_3_system(page) -> None:
    page.get_by_role("link", name="Hệ thống thông tin", exact=True).click()
    page.get_by_role("button", name="Thêm hệ thống").click()
    page.get_by_label("Mã hệ thống").fill("HOTICH")
    page.get_by_label("Tên hệ thống").fill(SYSTEM)
    page.get_by_label("Loại hệ thống (Điều 9)").select_option(label="Phục vụ người dân, doanh nghiệp")
    page.get_by_label("Thông tin công cộng").check()
    page.get_by_label("Thông tin cá nhân").check()
    page.get_by_label("Số chủ thể dữ liệu cá nhân cơ bản").fill("12.000")
    page.get_by_label("Là hệ thống thông tin giải quyết thủ tục hành chính").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".notice.success")).to_contain_text("Đã thêm hệ thống")
    page.get_by_role("button", name="Hồ sơ cấp độ").click()
    page.get_by_role("button", name="Bắt đầu xác định cấp độ").click()
    while page.get_by_role("button", name="Lưu và tiếp tục ›").count():
        page.get_by_role("button", name="Lưu và tiếp tục ›").click()
    expect(page.locator("main")).to_contain_text("Cấp độ 3")
    page.get_by_role("button", name="Chốt cấp độ đề xuất").click()


def _open_my_work(page):
    page.locator("#my-work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc của tôi")
    return page.locator(".work-item", has_text=SYSTEM)


def _inbox_has(page, subject: str) -> None:
    page.get_by_role("link", name=re.compile("^Thông báo")).click()
    expect(page.locator(".inbox")).to_contain_text(subject)


def test_each_person_is_told_when_it_is_their_turn(make_page):
    staff = sign_in(make_page(), "staff@vinh-lai.demo.vn")
    _add_level_3_system(staff)
    _act(staff, "Nộp hồ sơ")

    appraiser = sign_in(make_page(), "appraiser@vinh-lai.demo.vn")
    expect(appraiser.locator("#work-count")).to_be_visible()
    item = _open_my_work(appraiser)
    expect(item).to_contain_text(f"Kiểm tra tính hợp lệ hồ sơ «{SYSTEM}»")
    expect(item).to_contain_text(re.compile(r"Hạn: \d\d/\d\d/\d{4}"))
    expect(item).to_contain_text(re.compile(r"Còn \d+ ngày"))
    _inbox_has(appraiser, f"Đến lượt bạn: Kiểm tra tính hợp lệ hồ sơ «{SYSTEM}»")
    _open_my_work(appraiser).get_by_role("link", name=re.compile(SYSTEM)).click()
    expect(appraiser.get_by_role("heading", level=1)).to_contain_text(SYSTEM)
    _act(appraiser, "Hồ sơ hợp lệ — tiếp nhận thẩm định")
    _act(appraiser, "Ghi ý kiến thẩm định", fill={"Ý kiến về sự phù hợp của đề xuất cấp độ (điểm a khoản 1 Điều 23)": "Hồ sơ đầy đủ, phù hợp.", **COUNCIL_FILL},
         select={"Kết luận thẩm định": "Phù hợp", **COUNCIL_SELECT})

    _inbox_has(staff, f"Hồ sơ «{SYSTEM}» đã có ý kiến thẩm định: phù hợp")
    _open_my_work(staff).get_by_role("link", name=re.compile(SYSTEM)).click()
    _act(staff, "Trình phê duyệt")

    approver = sign_in(make_page(), "approver@vinh-lai.demo.vn")
    item = _open_my_work(approver)
    expect(item).to_contain_text(f"Phê duyệt cấp độ hồ sơ «{SYSTEM}»")
    expect(item).to_contain_text(re.compile(r"Hạn: \d\d/\d\d/\d{4}"))
    item.get_by_role("link", name=re.compile(SYSTEM)).click()
    _act(approver, "Phê duyệt cấp độ", fill={"Số quyết định phê duyệt": "45/QĐ-UBND", "Ngày quyết định": _today(),
                                             "Người ký": "Phạm Quốc Khánh"})
    expect(approver.locator(".badge.state-approved")).to_have_text("Đã phê duyệt cấp độ")
    expect(_open_my_work(approver)).to_have_count(0)

    _inbox_has(staff, f"Hồ sơ «{SYSTEM}» đã được phê duyệt cấp độ 3")

    officer = sign_in(make_page(), "officer@vinh-lai.demo.vn")
    panel = officer.locator(".panel-officer")
    expect(panel).to_contain_text("Thời hạn báo cáo đang chạy")
    expect(panel.locator(".work-item.kind-incident_clock").first).to_contain_text(re.compile(r"SC-(\d+-)?\d{4}-\d{4} — "))
    expect(panel.locator(".work-item.kind-incident_clock").first).to_contain_text(re.compile("Còn|Quá hạn"))
    expect(panel.get_by_role("button", name="Báo nhanh sự cố")).to_be_visible()
    panel.get_by_role("link", name=re.compile("Thời hạn báo cáo đang chạy")).click()
    expect(officer.locator(".work-item.kind-incident_clock").first).to_be_visible()
