"""Journey (issue 16 §3, §5): an officer reorders the response team without any script and the quick
report page then shows the new first person to call; the officer plans a drill on a playbook, starts
it, ticks tasks of the practice incident, records the results (which closes the drill) and
downloads the DOCX report; the incident summary and the dashboard never show the practice."""
from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

TITLE = "Diễn tập lừa đảo qua thư điện tử giả danh cơ quan thuế"


def _first_on_call(page):
    return page.locator("#on-call a[href^='tel:']").first


def test_the_roster_says_who_to_call_and_a_drill_runs_apart_from_real_incidents(make_page):
    page = sign_in(make_page(), "officer@vinh-lai.demo.vn")

    page.goto("/incidents/report")
    expect(_first_on_call(page)).to_contain_text("Nguyễn Văn Hùng · Tổ trưởng: 0912 345 678")
    expect(_first_on_call(page)).to_have_attribute("href", "tel:0912345678")

    page.get_by_role("link", name="Tổ ứng cứu", exact=True).click()
    expect(page.locator("#roster tbody tr")).to_have_count(5)
    page.get_by_role("button", name="Lên trên: Vũ Văn Khải").click()
    expect(page.locator(".notice.success")).to_contain_text("Đã đổi thứ tự gọi.")
    expect(page.locator("#roster tbody tr").first).to_contain_text("Vũ Văn Khải")
    page.goto("/incidents/report")
    expect(_first_on_call(page)).to_contain_text("Vũ Văn Khải · Tổ phó: 0913 222 468")

    page.get_by_role("link", name="Sự cố", exact=True).click()
    page.get_by_role("button", name="Diễn tập", exact=True).click()
    page.get_by_label("Tên cuộc diễn tập").fill(TITLE)
    page.get_by_label("Tình huống (kịch bản ứng phó)").select_option("email-compromise")
    page.get_by_label("Ngày diễn tập").fill("2026-12-08")
    page.get_by_label("Mục tiêu").fill("Nhận biết thư giả mạo, báo cáo trong 15 phút")
    page.get_by_role("button", name="Lưu kế hoạch").click()
    expect(page.locator(".notice.success")).to_contain_text("Đã lập kế hoạch diễn tập.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Bắt đầu diễn tập").click()
    expect(page.locator("#drill-banner")).to_be_visible()
    code = re.search(r"DT-[\w-]+", page.locator("h1").inner_text()).group(0)

    for _ in range(2):
        page.locator("#tasks").get_by_role("button", name="Đánh dấu đã xong").first.click()
        expect(page.locator(".notice.success")).to_be_visible()
    expect(page.locator("#tasks li.done")).to_have_count(2)

    page.get_by_role("link", name="Sự cố", exact=True).click()
    page.get_by_role("button", name="Diễn tập", exact=True).click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#drill-timings tbody tr").first).to_contain_text("phút")
    page.get_by_label("Những việc làm tốt").fill("Cán bộ nhận ra thư giả mạo và báo ngay")
    page.get_by_label("Tồn tại, cần khắc phục (mỗi dòng một việc)").fill("Chưa bật lọc thư rác cho thư công vụ")
    page.get_by_role("button", name="Lưu kết quả").click()
    expect(page.locator(".notice.success")).to_contain_text("Đã ghi kết quả diễn tập.")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải báo cáo kết quả diễn tập (DOCX)").click()
    report = Document(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    text = "\n".join(paragraph.text for paragraph in report.paragraphs)
    assert TITLE in text and "Chưa bật lọc thư rác" in text

    page.get_by_role("link", name="Sự cố", exact=True).click()
    page.get_by_role("button", name="Diễn tập", exact=True).click()
    expect(page.locator("main")).to_contain_text("Đã xong")
    for url in ("/incidents/summary", "/"):
        page.goto(url)
        expect(page.locator("main")).not_to_contain_text(code)
        expect(page.locator("main")).not_to_contain_text(TITLE)
    page.goto("/incidents/")   # the list shows it, marked as a drill
    expect(page.locator("tr", has_text=code)).to_contain_text("Diễn tập")
    # The demo's finished drill: no reporting clock chasing it as "overdue" weeks later.
    expect(page.locator("tr", has_text="Diễn tập ứng phó mã độc tống tiền")).not_to_contain_text("Quá hạn")
