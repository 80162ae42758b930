"""A clerk gets a system's design for the thuyết minh: the diagram is on the system page; the demo
design is saved, so the clerk goes back to the suggested draft (delete, confirmed), keeps it in one
click, then adds a row and saves (Enter in a box saves, it never drops a row)."""
from __future__ import annotations

import os

from playwright.sync_api import expect

from tests.e2e.conftest import assert_fields_labelled, sign_in


def test_a_clerk_keeps_the_suggested_design_and_adds_a_zone(make_page):
    page = sign_in(make_page(), "staff@vinh-lai.demo.vn")
    page.get_by_role("link", name="Hệ thống thông tin").first.click()
    page.locator("table a").first.click()
    diagram = page.locator("#design img")
    expect(diagram).to_be_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth", diagram.element_handle()) == 1600
    page.get_by_role("button", name="Xem, sửa mô hình hệ thống").click()
    expect(page.locator("main")).not_to_contain_text("Đây là bản nháp gợi ý")  # the demo commune saved its own
    page.once("dialog", lambda dialog: dialog.accept())  # "Xóa mô hình đã lưu?"
    page.get_by_role("button", name="Xóa mô hình đã lưu").click()
    expect(page.locator("main")).to_contain_text("Đây là bản nháp gợi ý")
    page.get_by_role("button", name="Dùng bản nháp gợi ý").click()
    expect(page.locator("main")).to_contain_text("Đã lưu mô hình gợi ý")
    page.get_by_role("button", name="Sửa mô hình", exact=True).click()
    assert_fields_labelled(page)
    rows_before = page.locator("input[name$='-name'][name^='zones-']").count()
    page.get_by_role("button", name="Thêm vùng mạng").click()
    new_row = page.locator(f"input[name='zones-{rows_before}-name']")
    new_row.fill("Vùng camera giám sát")
    page.locator(f"select[name='zones-{rows_before}-kind']").select_option(label="Mạng nội bộ (LAN)")
    new_row.press("Enter")  # the form's default button is "save"
    expect(page.locator("main")).to_contain_text("Đã lưu mô hình hệ thống.")
    expect(page.locator("main")).to_contain_text("Vùng camera giám sát")
    page.wait_for_function("() => { const img = document.querySelector('figure img');"
                           " return img && img.complete && img.naturalWidth === 1600; }")
    if os.environ.get("IR_E2E_SCREENSHOTS"):
        page.screenshot(path=os.environ["IR_E2E_SCREENSHOTS"] + "/design-show.png", full_page=True)
        page.get_by_role("button", name="Sửa mô hình", exact=True).click()
        page.screenshot(path=os.environ["IR_E2E_SCREENSHOTS"] + "/design-edit.png", full_page=True)
