"""The province police (PA05) overseer: sorts the communes by "incidents past 72 h", sees the colours in
words, reads a chart as a table, drills down to the commune and opens the incident."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

WHAT = "Trang thông tin điện tử của xã bị thay giao diện"


def _report_four_days_ago(page) -> None:
    """The 72-hour report of this incident is overdue as soon as it is recorded."""
    page.goto("/incidents/report")
    page.get_by_label("Chuyện gì đang xảy ra?").fill(WHAT)
    detected = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) - timedelta(days=4)
    page.get_by_label("Phát hiện lúc").fill(detected.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".notice.success")).to_contain_text("Đã gửi báo cáo")


def test_overseer_sorts_by_incidents_past_72_hours_and_drills_down(make_page):
    officer = sign_in(make_page(), "officer@vinh-lai.demo.vn")
    _report_four_days_ago(officer)
    _report_four_days_ago(officer)  # two: Vĩnh Lại comes first whatever the other communes hold

    overseer = sign_in(make_page(), "overseer@hai-phong.demo.vn")
    overseer.get_by_role("link", name="Toàn tỉnh", exact=True).click()
    expect(overseer.get_by_role("heading", level=1)).to_contain_text("Toàn tỉnh")
    overseer.get_by_role("link", name="Sự cố quá hạn 72 giờ").click()
    header = overseer.locator("th[aria-sort]")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(header).to_contain_text("Sự cố quá hạn 72 giờ")
    first = overseer.locator("table.province-table tbody tr").first
    expect(first.locator("th")).to_have_text("Xã Vĩnh Lại")
    cell = first.locator("td.rag").nth(6)  # the 7th figure: incidents past 72 hours
    expect(cell).to_have_attribute("data-level", "red")
    expect(cell).to_contain_text("Đỏ")  # the colour is also a word

    # A chart, and the same figures as a table for those who cannot see it.
    chart = overseer.locator("#chart-incidents")
    expect(chart.locator("svg")).to_be_visible()
    chart.get_by_text("Xem số liệu dạng bảng").click()
    expect(chart.locator("table")).to_be_visible()

    cell.get_by_role("link").click()
    expect(overseer.get_by_role("heading", level=1)).to_have_text("Xã Vĩnh Lại")
    assert overseer.url.endswith("#clocks_72h")
    row = overseer.locator("tr", has_text=WHAT).first
    expect(row).to_contain_text(re.compile(r"Báo cáo sự cố an ninh mạng trong 72 giờ"))
    expect(row).to_contain_text(re.compile(r"SC-11017-\d{4}-\d{4}"))  # the number names the commune
    row.get_by_role("link", name=WHAT).click()
    expect(overseer.get_by_role("heading", level=1)).to_contain_text(WHAT)
