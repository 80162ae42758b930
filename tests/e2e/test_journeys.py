"""The main journeys of each role, in a real browser, in Vietnamese."""
from __future__ import annotations

import re
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import assert_fields_labelled, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _open_dossier(page, system_name: str):
    page.goto("/dossiers/")
    page.get_by_role("link", name=system_name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(system_name)


def _today() -> str:
    """Today in Hanoi: the demo server runs on the real clock, and a decision is never dated in the future
    nor before the dossier was submitted."""
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()


CONFIRMED = ("Nộp hồ sơ", "Phê duyệt cấp độ", "Trả lại hồ sơ", "Không phê duyệt — trả lại")


# NĐ 331 Đ18.4.b: the commune's specialised unit runs its systems, so an independent council appraises.
COUNCIL_FILL = {"Số quyết định giao đơn vị / thành lập Hội đồng thẩm định": "9/QĐ-UBND",
                "Ngày quyết định giao đơn vị / thành lập Hội đồng": "2026-11-02",
                "Thành viên Hội đồng thẩm định (mỗi dòng một người: họ tên, chức vụ, đơn vị)": "Phó Chủ tịch UBND xã"}
COUNCIL_SELECT = {"Ai thẩm định": "Hội đồng thẩm định độc lập (NĐ 331/2026 Đ18.4.b)"}


def _act(page, label: str, fill: dict[str, str] | None = None, select: dict[str, str] | None = None):
    action = page.locator("details.action", has=page.locator("summary", has_text=label))
    if not action.evaluate("el => el.open"):
        action.locator("summary").click()
    for field, value in (fill or {}).items():
        action.get_by_label(field).fill(value)
    for field, value in (select or {}).items():
        action.get_by_label(field).select_option(label=value)
    action.get_by_role("button", name=label, exact=True).click()
    if label in CONFIRMED:  # submit, approve and return are confirmed on a second page
        expect(page.locator("main")).to_contain_text("Ai thực hiện bước tiếp theo")
        page.get_by_role("button", name=f"Xác nhận: {label}", exact=True).click()
    expect(page.locator(".notice.success")).to_contain_text(label)


def test_staff_adds_a_system_runs_the_wizard_and_submits(make_page):
    page = sign_in(make_page(), "staff@vinh-lai.demo.vn")
    page.get_by_role("link", name="Hệ thống thông tin", exact=True).click()
    page.get_by_role("button", name="Thêm hệ thống").click()
    assert_fields_labelled(page)
    page.get_by_label("Mã hệ thống").fill("DVCTT")
    page.get_by_label("Tên hệ thống").fill("Dịch vụ công trực tuyến của xã")
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
        assert_fields_labelled(page)
        page.get_by_role("button", name="Lưu và tiếp tục ›").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kết quả xác định cấp độ")
    expect(page.locator("main")).to_contain_text("Cấp độ 3")
    expect(page.locator("main")).to_contain_text("NĐ 331/2026 Đ13.2.b")
    page.get_by_role("button", name="Chốt cấp độ đề xuất").click()
    _act(page, "Nộp hồ sơ")
    expect(page.locator(".badge.state-submitted")).to_have_text("Đã nộp — chờ kiểm tra tính hợp lệ")


def test_appraisal_approval_and_protection_plan(make_page):
    appraiser = sign_in(make_page(), "appraiser@vinh-lai.demo.vn")
    _open_dossier(appraiser, "Thư điện tử công vụ")
    _act(appraiser, "Hồ sơ hợp lệ — tiếp nhận thẩm định")
    _act(appraiser, "Ghi ý kiến thẩm định", fill={"Ý kiến về sự phù hợp của đề xuất cấp độ (điểm a khoản 1 Điều 23)": "Hồ sơ đầy đủ, phù hợp.", **COUNCIL_FILL},
         select={"Kết luận thẩm định": "Phù hợp", **COUNCIL_SELECT})
    expect(appraiser.locator("main")).to_contain_text("Đã có ý kiến thẩm định")

    approver = sign_in(make_page(), "approver@vinh-lai.demo.vn")
    _open_dossier(approver, "Hệ thống thông tin giải quyết thủ tục hành chính")
    _act(approver, "Phê duyệt cấp độ", fill={"Số quyết định phê duyệt": "31/QĐ-UBND", "Ngày quyết định": _today(),
                                             "Người ký": "Phạm Quốc Khánh"})
    expect(approver.locator(".badge.state-approved")).to_have_text("Đã phê duyệt cấp độ")
    expect(approver.locator("main")).to_contain_text("Quyết định số 31/QĐ-UBND")

    staff = sign_in(make_page(), "staff@vinh-lai.demo.vn")
    _open_dossier(staff, "Hệ thống thông tin giải quyết thủ tục hành chính")
    staff.get_by_role("button", name="Mở danh mục yêu cầu của phương án").click()
    expect(staff.locator("main")).to_contain_text("Sao lưu, ứng cứu sự cố và khôi phục")
    staff.locator("a", has_text=re.compile("^Chính sách an toàn thông tin$")).first.click()
    expect(staff.locator("main")).to_contain_text("Nội dung in trong thuyết minh")
    staff.get_by_role("link", name="Ban hành và thực hiện Quy chế bảo đảm an ninh mạng của xã").click()
    staff.get_by_label("Tệp minh chứng").set_input_files(files=[{"name": "quy-che.pdf", "mimeType": "application/pdf",
                                                                  "buffer": PDF}])
    staff.get_by_role("button", name="Tải lên minh chứng").click()
    expect(staff.locator("main")).to_contain_text("quy-che.pdf")


def test_user_cannot_open_another_communes_system_by_editing_the_url(make_page):
    own = sign_in(make_page(), "staff@vinh-lai.demo.vn")
    own.get_by_role("link", name="Hệ thống thông tin", exact=True).click()
    own.get_by_role("link", name="Cổng thông tin điện tử xã").click()
    system_url = own.url
    stranger = sign_in(make_page(), "officer@mai-phu.demo.vn")
    stranger.goto(system_url)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    expect(stranger.locator("body")).not_to_contain_text("Cổng thông tin điện tử xã Vĩnh Lại")


def test_sign_in_with_the_keyboard_alone(make_page):
    page = make_page()
    page.goto("/login")
    for _ in range(10):  # Tab through the skip link and the header to the first field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "email":
            break
    page.keyboard.type("officer@vinh-lai.demo.vn")
    page.keyboard.press("Tab")
    page.keyboard.type("demo12345")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan")


def test_auditor_downloads_the_dossier_zip_and_cannot_change_anything(make_page):
    page = sign_in(make_page(), "auditor@vinh-lai.demo.vn")
    _open_dossier(page, "Mạng nội bộ (LAN) trụ sở UBND")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải cả hồ sơ (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("ho-so-lan-lan-")
    assert "manifest.json" in zipfile.ZipFile(download.path()).namelist()
    for url in ("/systems/", page.url, "/"):
        page.goto(url)
        forms = page.locator("main form[method='post']")
        assert forms.count() == 0, f"{url} offers a change form to a read-only auditor"
        expect(page.get_by_role("button", name=re.compile("Thêm|Sửa|Xóa|Lưu|Nộp|Phê duyệt"))).to_have_count(0)
