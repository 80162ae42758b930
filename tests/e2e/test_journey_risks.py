"""A commune clerk builds a level-3 system's risk register in the browser: the starter risks from the
threat catalogue in one click, a treatment measure linked, a risk accepted by the chair with a
reason and an expiry date; the thuyết minh then prints those rows with every cell of the risk table
filled (opened with python-docx, as the appraiser would open it in Word)."""
from __future__ import annotations

import re

from docx import Document
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

ACCEPTED_BY = "Lê Văn Cường — Chủ tịch UBND xã Mai Phụ"


def _new_level_3_dossier(page) -> tuple[str, str]:
    """A new citizen-facing system handling administrative procedures, its level decided (3)."""
    page.get_by_role("link", name="Hệ thống thông tin").first.click()
    page.get_by_role("button", name="Thêm hệ thống").click()
    page.get_by_label("Mã hệ thống").fill("PHANANH")
    page.get_by_label("Tên hệ thống").fill("Hệ thống tiếp nhận phản ánh, kiến nghị")
    page.get_by_label("Loại hệ thống (Điều 9)").select_option(label="Phục vụ người dân, doanh nghiệp")
    page.get_by_label("Thông tin công cộng").check()
    page.get_by_label("Thông tin cá nhân").check()
    page.get_by_label("Số chủ thể dữ liệu cá nhân cơ bản").fill("6.500")
    page.get_by_label("Là hệ thống thông tin giải quyết thủ tục hành chính").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_contain_text("Hệ thống tiếp nhận phản ánh")
    system_url = page.url
    page.get_by_role("button", name="Hồ sơ cấp độ").click()
    page.get_by_role("button", name="Bắt đầu xác định cấp độ").click()
    while page.get_by_role("button", name="Lưu và tiếp tục ›").count():
        page.get_by_role("button", name="Lưu và tiếp tục ›").click()
    expect(page.locator("main")).to_contain_text("Cấp độ 3")
    page.get_by_role("button", name="Chốt cấp độ đề xuất").click()
    dossier_url = re.sub(r"(/dossiers/\d+).*", r"\1", page.url)
    return system_url, dossier_url


def _risk_table_rows(path) -> list[list[str]]:
    document = Document(str(path))
    tables = [table for table in document.tables
              if [cell.text.strip() for cell in table.rows[0].cells][1:2] == ["Nguy cơ, rủi ro"]]
    assert tables, "the thuyết minh has no risk table"
    return [[cell.text.strip() for cell in row.cells] for row in tables[0].rows[1:]]


def test_a_clerk_builds_the_risk_register_and_the_thuyet_minh_prints_it(make_page, tmp_path):
    page = sign_in(make_page(), "staff@mai-phu.demo.vn")
    system_url, dossier_url = _new_level_3_dossier(page)

    page.goto(system_url)
    page.get_by_role("button", name="Danh mục rủi ro").click()
    page.get_by_role("button", name=re.compile(r"Đề xuất \d+ rủi ro từ danh mục nguy cơ")).click()
    expect(page.locator(".notice.success")).to_contain_text("Đã đề xuất")
    risks_url = page.url
    edit_links = page.locator("table a[href$='/edit'][href*='/risks/']")
    assert edit_links.count() >= 5

    # A treatment measure: one more of the commune's measures linked to the first risk.
    treated_title = edit_links.nth(0).inner_text()
    edit_links.nth(0).click()
    expect(page.get_by_label("Cách xử lý")).to_have_value("reduce")
    box = page.locator("input[name='measure_ids']:not(:checked)").first
    measure = page.locator(f"label[for='{box.get_attribute('id')}']").inner_text().strip()
    box.check()
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".notice.success")).to_contain_text("Đã lưu rủi ro.")
    expect(page.locator("main")).to_contain_text(measure)

    # An accepted risk: who accepted it, why, until when.
    accepted_title = page.locator("table a[href$='/edit'][href*='/risks/']").nth(1).inner_text()
    page.locator("table a[href$='/edit'][href*='/risks/']").nth(1).click()
    page.get_by_label("Cách xử lý").select_option("accept")
    page.get_by_label("Khả năng xảy ra sau xử lý").select_option("2")
    page.get_by_label("Mức độ ảnh hưởng sau xử lý").select_option("2")
    page.get_by_label("Người chấp nhận rủi ro (họ tên, chức vụ)").fill(ACCEPTED_BY)
    page.get_by_label("Lý do chấp nhận").fill("Chi phí biện pháp bổ sung chưa tương xứng với mức rủi ro còn lại")
    page.get_by_label("Chấp nhận đến ngày").fill("2027-05-31")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".notice.success")).to_contain_text("Đã lưu rủi ro.")
    assert page.url == risks_url
    expect(page.locator("main")).to_contain_text(f"{ACCEPTED_BY}, đến 31/05/2027")

    # The thuyết minh as the commune downloads it (a draft until the dossier is complete).
    page.goto(dossier_url)
    page.get_by_role("button", name="Văn bản của hồ sơ (DOCX)").click()
    row = page.locator("tr", has_text="Thuyết minh")
    with page.expect_download() as download:
        row.locator("a[href*='/documents/thuyet_minh']").first.click()
    saved = tmp_path / "thuyet-minh.docx"
    download.value.save_as(saved)
    rows = _risk_table_rows(saved)
    assert rows and all(all(cells) for cells in rows), [cells for cells in rows if not all(cells)]
    accepted = next(cells for cells in rows if cells[1].startswith(accepted_title))
    assert "Chấp nhận rủi ro đến ngày 31/05/2027" in accepted[-1] and ACCEPTED_BY in accepted[-1]
    treated = next(cells for cells in rows if cells[1].startswith(treated_title))
    assert measure in treated[-1]
    print(f"\nRisk register of a new level-3 system: {len(rows)} rows in the thuyết minh, every cell filled")
