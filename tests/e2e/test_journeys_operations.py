"""Operations journeys in a real browser, in Vietnamese: an incident from a staff member's quick
report on a phone to its closing by the officer (journey 4), and a backup run recorded for an
overdue plan, with the reminder that `ir-app jobs run-due` puts in the officer's inbox (journey 5).

Parts of both are done with the keyboard alone; every page visited is checked for unlabelled
fields, and the phone pages for sideways scrolling."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import assert_fields_labelled, sign_in

PHONE = {"width": 375, "height": 812}
WHAT = "Máy tính một cửa bị khóa, hiện thông báo đòi tiền chuộc bằng tiền ảo"
OVERDUE_PLAN = "Thư mục dùng chung của trụ sở"          # the demo's "stopped" plan, overdue in every commune
OVERDUE_PLAN_SYSTEM = "Mạng nội bộ (LAN) trụ sở UBND"


# --------------------------------------------------------------------------- helpers

def assert_no_horizontal_scroll(page) -> None:
    widths = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
        wide: [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                                   + (el.className && typeof el.className === 'string' ? '.' + el.className : ''))})""")
    assert widths["scroll"] <= widths["inner"], (
        f"{page.url} scrolls sideways on a phone ({widths['scroll']}px > {widths['inner']}px): {widths['wide']}")


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def press_until(page, key: str, condition: str, limit: int = 20) -> None:
    """Press ``key`` (an arrow key on a radio group or select) until the JS ``condition`` holds."""
    for _ in range(limit):
        if page.evaluate(condition):
            return
        page.keyboard.press(key)
    assert page.evaluate(condition), f"{key} never made {condition} true"


def flash(page):
    return page.locator(".notice.success")


def task(page, title: str):
    return page.locator(".task-list > li", has=page.locator(".task-title", has_text=title))


def finish_task(page, title: str) -> None:
    item = task(page, title)
    item.get_by_role("button", name="Đánh dấu đã xong").click()
    expect(flash(page)).to_have_text(f"Đã cập nhật nhiệm vụ «{title}».")
    expect(task(page, title)).to_have_class(re.compile(r"\bdone\b"))


def skip_task(page, title: str, reason: str) -> None:
    item = task(page, title)
    item.locator("summary", has_text="Không áp dụng").click()
    item.get_by_label("Lý do không áp dụng").fill(reason)
    item.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(flash(page)).to_have_text(f"Đã cập nhật nhiệm vụ «{title}».")
    expect(task(page, title)).to_have_class(re.compile(r"\bna\b"))
    expect(task(page, title)).to_contain_text(f"Không áp dụng: {reason}")


def state_button(page, label: str):
    return page.locator("#state").get_by_role("button", name=label, exact=True)


def move_to(page, label: str, state: str) -> None:
    state_button(page, label).click()
    if label == "Đóng sự cố":  # closing is confirmed on a second page
        page.get_by_role("button", name=f"Xác nhận: {label}", exact=True).click()
    expect(flash(page)).to_have_text(f"Sự cố chuyển sang «{state}».")
    expect(page.locator("h1 + p .state-badge")).to_have_text(state)


def edit_incident(page, fill: dict[str, str] | None = None, select: dict[str, str] | None = None) -> None:
    page.get_by_role("button", name="Cập nhật, phân loại").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cập nhật, phân loại sự cố")
    assert_fields_labelled(page)
    for field, value in (select or {}).items():
        page.get_by_label(field, exact=True).select_option(label=value)
    for field, value in (fill or {}).items():
        page.get_by_label(field, exact=True).fill(value)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(flash(page)).to_have_text("Đã lưu thông tin sự cố.")


def unread_link(page):
    return page.locator("header").get_by_role("link", name=re.compile(r"^Thông báo: \d+ chưa đọc$"))


def unread_count(page) -> int:
    name = unread_link(page).get_attribute("aria-label")
    return int(re.search(r"\d+", name).group())


def run_due(server_env, at: datetime) -> str:
    """`ir-app jobs run-due --now AT` against the live server's database, as cron would run it."""
    result = subprocess.run([sys.executable, "-m", "ir_app", "jobs", "run-due", "--now", at.isoformat()],
                            env=server_env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# --------------------------------------------------------------------------- journey 4

def test_phone_quick_report_to_closed_incident(make_page):
    # A staff member reports from a phone, with the keyboard alone once signed in.
    phone = sign_in(make_page(viewport=PHONE, is_mobile=True, has_touch=True), "staff@vinh-lai.demo.vn")
    assert_no_horizontal_scroll(phone)
    tab_to(phone, "#nav-toggle")  # the menu is folded on a phone: it opens from the keyboard too
    phone.keyboard.press("Space")
    tab_to(phone, "header a[href$='/incidents/']")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sự cố an ninh mạng")
    assert_fields_labelled(phone)
    assert_no_horizontal_scroll(phone)
    tab_to(phone, "main a[href$='/incidents/report']")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Báo nhanh sự cố")
    assert_fields_labelled(phone)
    assert_no_horizontal_scroll(phone)
    tab_to(phone, "textarea[name=what]")
    phone.keyboard.type(WHAT)
    phone.keyboard.press("Enter")
    phone.keyboard.type("Tệp Word, PDF trên máy không mở được.")
    tab_to(phone, "input[name=category]")  # the group's checked radio («Chưa biết») takes the focus
    press_until(phone, "ArrowDown", "document.querySelector('input[name=category]:checked').value === 'ransomware'")
    tab_to(phone, "select[name=system_id]")
    press_until(phone, "ArrowDown", "document.activeElement.selectedOptions[0].text.includes('MOTCUA')")
    tab_to(phone, "main button[type=submit]")
    phone.keyboard.press("Enter")
    expect(flash(phone)).to_contain_text("Cán bộ Công an xã đã được thông báo.")
    code = re.search(r"SC-(\d+-)?\d{4}-\d+", flash(phone).inner_text()).group()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"{WHAT} {code}")
    expect(phone.locator("#summary")).to_contain_text("Hệ thống thông tin giải quyết thủ tục hành chính")
    assert_no_horizontal_scroll(phone)

    # The officer, at a desk, opens it from the alert in the inbox.
    officer = sign_in(make_page(), "officer@vinh-lai.demo.vn")
    unread_link(officer).click()
    officer.get_by_role("button", name=re.compile(re.escape(f"[{code}] Báo nhanh sự cố"))).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"{WHAT} {code}")
    expect(officer.locator("h1 + p .state-badge")).to_have_text("Tiếp nhận")
    assert_fields_labelled(officer)

    # Classify: severity with its reason; the 72-hour report clock applies (a cyber incident).
    edit_incident(officer, select={"Mức độ": "Thông thường"}, fill={
        "Lý do phân loại mức độ": "Một máy bị mã hóa, đã cô lập; bộ phận một cửa vẫn phục vụ người dân."})
    expect(officer.locator("#clocks")).to_contain_text("Báo cáo sự cố an ninh mạng trong 72 giờ")

    # Apply the proposed playbook.
    expect(officer.locator("#tasks .notice.info")).to_contain_text(
        "Đề xuất kịch bản cho loại sự cố này: Mã độc tống tiền (ransomware)")
    expect(officer.get_by_label("Kịch bản")).to_have_value("ransomware")
    officer.get_by_role("button", name="Áp dụng kịch bản").click()
    expect(flash(officer)).to_have_text("Đã áp dụng kịch bản «Mã độc tống tiền (ransomware)».")
    assert_fields_labelled(officer)

    move_to(officer, "Xác nhận và bắt đầu xác minh, phân tích", "Xác minh, phân tích")
    for title in ("Xác nhận dấu hiệu mã độc tống tiền và gọi Công an xã",
                  "Báo cáo lãnh đạo UBND xã, Trưởng Công an xã và PA05 Công an tỉnh",
                  "Bảo vệ hiện trường, thu thập chứng cứ",
                  "Xác định phạm vi, phân loại mức độ sự cố và ghi lý do"):
        finish_task(officer, title)
    move_to(officer, "Chuyển sang ngăn chặn, cô lập", "Ngăn chặn, cô lập")
    for title in ("Ngắt kết nối mạng các máy bị nhiễm",
                  "Bảo vệ bản sao lưu: ngắt ổ sao lưu, kiểm tra bản sạch gần nhất",
                  "Duy trì tiếp nhận hồ sơ tại Bộ phận một cửa"):
        finish_task(officer, title)

    # The 72-hour report, sent on paper with the generated DOCX kept; it also completes its task.
    officer.locator("#reports summary", has_text="Ghi nhận văn bản đã gửi").click()
    reports = officer.locator("#reports form")
    expect(reports.get_by_label("Hoàn thành thời hạn")).to_have_value("nd331-report-72h")
    reports.get_by_label("Hình thức gửi").select_option(label="Văn bản giấy (công văn)")
    reports.get_by_label("Số, ký hiệu văn bản").fill("15/BC-CAX")
    reports.get_by_label("Không có tệp: lưu kèm bản DOCX do hệ thống tạo").check()
    assert_fields_labelled(officer)
    reports.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(flash(officer)).to_have_text("Đã ghi nhận: Báo cáo sự cố.")
    expect(officer.locator("#reports tbody")).to_contain_text("15/BC-CAX")
    expect(task(officer, "Báo cáo sự cố trong 72 giờ gửi Bộ Công an")).to_have_class(re.compile(r"\bdone\b"))
    # No other report is due for an ordinary incident without personal data: every clock is met.
    expect(officer.locator("#clocks .clock-list > li")).to_have_count(1)
    expect(officer.locator("#clocks .clock-list > li.done")).to_contain_text("Đã gửi đúng hạn")

    move_to(officer, "Chuyển sang khắc phục, khôi phục", "Khắc phục, khôi phục")
    for title in ("Làm sạch máy và khôi phục dữ liệu từ bản sao lưu sạch",
                  "Kiểm tra trước khi nối mạng trở lại và theo dõi 7 ngày"):
        finish_task(officer, title)
    move_to(officer, "Chuyển sang xác minh nguyên nhân, truy tìm nguồn gốc",
            "Xác minh nguyên nhân, truy tìm nguồn gốc")
    finish_task(officer, "Xác minh đường xâm nhập, phối hợp PA05 truy tìm nguồn gốc")

    # Reviewing needs the resolution: the button says so until it is written.
    expect(state_button(officer, "Chuyển sang rút kinh nghiệm")).to_be_disabled()
    expect(state_button(officer, "Chuyển sang rút kinh nghiệm")).to_have_accessible_description(
        "Chưa thể: chưa ghi kết quả xử lý")
    edit_incident(officer, fill={
        "Nguyên nhân": "Cán bộ mở tệp đính kèm giả mạo hóa đơn.",
        "Phạm vi ảnh hưởng": "Một máy tiếp nhận hồ sơ; không lây sang máy chủ.",
        "Biện pháp đã và đang thực hiện": "Cô lập máy, cài lại hệ điều hành, khôi phục từ bản sao lưu ngày 25/11.",
        "Kết quả xử lý": "Máy đã hoạt động lại, dữ liệu khôi phục đầy đủ."})
    move_to(officer, "Chuyển sang rút kinh nghiệm", "Rút kinh nghiệm")

    # Closing is refused while a required task and the lessons learned are missing ...
    close = state_button(officer, "Đóng sự cố")
    expect(close).to_be_disabled()
    reasons = officer.locator("#blocked-close")
    expect(reasons).to_contain_text("Chưa thể: nhiệm vụ bắt buộc chưa xong: «Nhập bù hồ sơ đã tiếp nhận bằng giấy»")
    expect(reasons).to_contain_text("Chưa thể: nhiệm vụ bắt buộc chưa xong: «Họp rút kinh nghiệm, cập nhật phương án»")
    expect(reasons).to_contain_text("Chưa thể: chưa ghi bài học kinh nghiệm")
    expect(close).to_have_accessible_description(re.compile("^Chưa thể: nhiệm vụ bắt buộc chưa xong"))
    # ... and by the server too, should the disabled button be forced.
    close.evaluate("button => { button.disabled = false; }")
    close.click()
    expect(officer.locator(".notice.error")).to_contain_text("Còn thiếu: nhiệm vụ bắt buộc chưa xong")
    expect(officer.locator("h1 + p .state-badge")).to_have_text("Rút kinh nghiệm")

    # ... then the rest is completed or justified, the lessons written, and it closes. (The 24-hour
    # and personal-data notices are not required: their clocks do not apply to this incident.)
    for title in ("Thông báo ban đầu trong 24 giờ", "Thông báo vi phạm dữ liệu cá nhân trong 72 giờ"):
        expect(task(officer, title)).to_contain_text("chỉ cần khi thời hạn báo cáo này áp dụng")
    skip_task(officer, "Nhập bù hồ sơ đã tiếp nhận bằng giấy",
              "Bộ phận một cửa tiếp nhận trên máy dự phòng, không có hồ sơ giấy.")
    finish_task(officer, "Họp rút kinh nghiệm, cập nhật phương án")
    edit_incident(officer, fill={"Bài học kinh nghiệm, biện pháp phòng ngừa":
                                 "Tập huấn nhận diện thư giả mạo; chặn tệp đính kèm thực thi trên máy một cửa."})
    expect(state_button(officer, "Đóng sự cố")).to_be_enabled()
    expect(officer.locator("#blocked-close")).to_have_count(0)
    move_to(officer, "Đóng sự cố", "Đã đóng")
    expect(officer.get_by_role("button", name="Cập nhật, phân loại")).to_have_count(0)
    expect(officer.locator("#state")).to_contain_text("Mở lại sự cố — ghi lý do")

    officer.goto(f"/incidents/?q={code}")
    row = officer.locator("tbody tr", has_text=code)
    expect(row.locator(".state-badge")).to_have_text("Đã đóng")


# --------------------------------------------------------------------------- journey 5

def test_backup_run_clears_the_overdue_flag_and_the_next_miss_is_reminded(make_page, server_env):
    officer = sign_in(make_page(), "officer@vinh-lai.demo.vn")
    officer.locator("header").get_by_role("link", name="Sao lưu", exact=True).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Sao lưu dữ liệu")
    plan_row = officer.locator("tbody tr", has=officer.get_by_role("link", name=OVERDUE_PLAN, exact=True))
    expect(plan_row.locator(".badge.overdue")).to_have_text("Quá hạn sao lưu")
    plan_row.get_by_role("link", name=OVERDUE_PLAN, exact=True).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(OVERDUE_PLAN)
    expect(officer.locator(".notice.error")).to_contain_text("Quá hạn: chưa có lần sao lưu thành công")
    assert_fields_labelled(officer)

    # Record the run with the keyboard alone: the time and result come filled in.
    tab_to(officer, "main a[href$='/runs/new']")
    officer.keyboard.press("Enter")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Ghi nhận lần sao lưu")
    assert_fields_labelled(officer)
    ran_at = datetime.strptime(officer.get_by_label("Thời điểm sao lưu (giờ Việt Nam)").input_value(),
                               "%Y-%m-%dT%H:%M")
    expect(officer.get_by_label("Kết quả")).to_have_value("ok")
    tab_to(officer, "input[name=size]")
    officer.keyboard.type("1,5 GB")
    tab_to(officer, "textarea[name=notes]")
    officer.keyboard.type("Chạy tay sau khi sửa lịch của tập lệnh sao lưu.")
    tab_to(officer, "main button[type=submit]")
    officer.keyboard.press("Enter")

    # The overdue flag is gone, on the plan and in the list.
    expect(flash(officer)).to_have_text("Đã ghi nhận lần sao lưu.")
    expect(officer.locator("main p .badge.ok")).to_have_text("Đúng lịch")
    expect(officer.locator("main").get_by_text("Quá hạn sao lưu")).to_have_count(0)
    expect(officer.locator(".notice.error")).to_have_count(0)
    expect(officer.locator("#runs tbody tr").first).to_contain_text("1,5 GB")
    expected_text = officer.locator("dt:has-text('Lần dự kiến tiếp theo') + dd").inner_text()
    grace_text = officer.locator("dt:has-text('Thời gian chờ trước khi quá hạn') + dd").inner_text()
    officer.locator("header").get_by_role("link", name="Sao lưu", exact=True).click()
    expect(plan_row.locator(".badge.ok")).to_have_text("Đúng lịch")
    expect(plan_row.locator(".badge.overdue")).to_have_count(0)

    # When the next run is missed too, `run-due` reminds the officer in the app.
    before = unread_count(officer)
    next_expected = datetime.strptime(expected_text.strip(), "%H:%M %d/%m/%Y")
    grace = timedelta(hours=int(re.match(r"\d+", grace_text).group()))
    output = run_due(server_env, next_expected + grace + timedelta(minutes=1))  # local time, as cron would run
    assert re.search(r"^OK +reminders\.backups:", output, re.MULTILINE), output
    officer.reload()
    after = unread_count(officer)
    assert after > before, f"unread count stayed at {before} after run-due: {output}"
    expect(officer.locator("#unread-count")).to_have_text(str(after))

    unread_link(officer).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Thông báo")
    assert_fields_labelled(officer)
    reminder = officer.locator("ul.inbox > li.unread",
                               has_text=f"Sao lưu quá hạn: «{OVERDUE_PLAN}» ({OVERDUE_PLAN_SYSTEM})")
    expect(reminder).to_have_count(1)
    expect(reminder).to_contain_text(f"Chưa có lần sao lưu thành công cho lần dự kiến {expected_text.strip()}.")
    expect(reminder).to_contain_text(f"Lần thành công gần nhất: {ran_at:%H:%M %d/%m/%Y}.")
    reminder.get_by_role("button").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(OVERDUE_PLAN)
    expect(unread_link(officer)).to_have_accessible_name(f"Thông báo: {after - 1} chưa đọc")
