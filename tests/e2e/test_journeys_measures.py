"""The plan as a view over measures: a new level-3 system in a commune that adopted the starter
library reaches a plan without gaps in a few dozen clicks (with one free text per requirement it
took about 300). Both journeys print their click count; the second starts from a commune with
nothing in place, so its plan goes from all 66 gaps to 0."""
from __future__ import annotations

import re
import subprocess
import sys

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD


CLICK_BUDGET = 40


class Clicks:
    """Every click, check or choice in a list the user makes (typing is not counted)."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, locator) -> None:
        self.count += 1
        locator.click()

    def check(self, locator) -> None:
        self.count += 1
        locator.check()

    def choose(self, locator, label: str) -> None:
        self.count += 1
        locator.select_option(label=label)


def _sign_in(page, clicks: Clicks, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    clicks.click(page.get_by_role("button", name="Đăng nhập"))


def _new_level_3_system_and_plan(page, clicks: Clicks) -> int:
    """A citizen-facing system handling procedures, its level decided, its plan opened; the gap count."""
    clicks.click(page.get_by_role("link", name="Hệ thống thông tin"))
    clicks.click(page.get_by_role("button", name="Thêm hệ thống"))
    page.get_by_label("Mã hệ thống").fill("DVC")
    page.get_by_label("Tên hệ thống").fill("Cổng dịch vụ công của xã")
    clicks.choose(page.get_by_label("Loại hệ thống (Điều 9)"), "Phục vụ người dân, doanh nghiệp")
    clicks.check(page.get_by_label("Thông tin công cộng"))
    clicks.check(page.get_by_label("Thông tin cá nhân"))
    page.get_by_label("Số chủ thể dữ liệu cá nhân cơ bản").fill("9.000")
    clicks.check(page.get_by_label("Là hệ thống thông tin giải quyết thủ tục hành chính"))
    clicks.click(page.get_by_role("button", name="Lưu"))

    clicks.click(page.get_by_role("button", name="Hồ sơ cấp độ"))
    clicks.click(page.get_by_role("button", name="Bắt đầu xác định cấp độ"))
    while page.get_by_role("button", name="Lưu và tiếp tục ›").count():
        clicks.click(page.get_by_role("button", name="Lưu và tiếp tục ›"))
    expect(page.locator("main")).to_contain_text("Cấp độ 3")
    clicks.click(page.get_by_role("button", name="Chốt cấp độ đề xuất"))

    clicks.click(page.get_by_role("button", name="Mở danh mục yêu cầu của phương án"))
    return int(page.locator("#gap-count").get_attribute("data-gaps"))


def _close_every_gap(page, clicks: Clicks) -> None:
    plan_url = page.url

    # The commune's measures serving this system that are not in place yet: all of them in one go.
    clicks.click(page.get_by_role("link", name="Biện pháp của hệ thống"))
    clicks.choose(page.get_by_label("Tình trạng", exact=True), "Dự kiến")
    clicks.click(page.get_by_role("button", name="Lọc"))
    clicks.check(page.get_by_label("Chọn tất cả"))
    clicks.choose(page.locator("#bulk-form").get_by_label("Tình trạng", exact=True), "Đã triển khai")
    clicks.click(page.get_by_role("button", name="Cập nhật các biện pháp đã chọn"))
    expect(page.locator(".notice.success")).to_contain_text("Đã cập nhật")

    page.goto(plan_url)  # back to the plan (the browser's back button: one more click)
    clicks.count += 1
    while int(page.locator("#gap-count").get_attribute("data-gaps")):
        # What the bulk edit did not cover: a gap row offers its own one-click fix.
        row = page.locator("#gaps tbody tr").first
        clicks.click(row.get_by_role("button").first)
        expect(page.locator(".notice.success")).to_be_visible()
        assert clicks.count <= CLICK_BUDGET, f"still {page.locator('#gap-count').text_content()}"
    expect(page.locator("#gap-count")).to_have_attribute("data-gaps", "0")


def test_a_new_level_3_system_reaches_a_plan_without_gaps_in_few_clicks(make_page):
    clicks = Clicks()
    page = make_page()
    _sign_in(page, clicks, "officer@cho-don.demo.vn")
    gaps = _new_level_3_system_and_plan(page, clicks)
    assert gaps > 0  # the demo commune still has planned measures: the new plan starts with gaps
    _close_every_gap(page, clicks)
    print(f"\nPlan of a new level-3 system: {gaps} gaps closed in {clicks.count} clicks")
    assert clicks.count <= CLICK_BUDGET


SETUP_FRESH_COMMUNE = """
from sqlalchemy import select
from ir_app import create_app
from ir_app.models import Organisation
from ir_app.services import accounts
from ir_app.services.audit import Actor
from ir_app.services.organisations import create_organisation

app = create_app()
with app.app_context():
    session = app.extensions["ir_session_factory"]()
    now = app.extensions["ir_clock"].now()
    if session.scalar(select(Organisation).where(Organisation.code == "99001")) is None:
        province = session.scalar(select(Organisation).where(Organisation.code == "19"))
        create_organisation(session, Actor.system("e2e"), "commune", "99001",
                            {"name": "Tân Lập", "commune_type": "xa"}, now, province)
        accounts.create_user(session, Actor.system("e2e"), email="officer@tan-lap.demo.vn", name="Hà Văn Minh",
                             password=sys.argv[1], roles=["officer"], organisation_code="99001", now=now)
        session.commit()
"""


def test_a_fresh_commune_takes_a_level_3_plan_from_66_gaps_to_0_in_at_most_40_clicks(make_page, server_env):
    """Issue 11's bar, literally: a commune that has nothing yet adopts the starter library (every
    measure planned), so its new level-3 system starts with all 66 TT 12/2022 rows open; the clerk
    records the work done and the plan reaches 0 gaps within the click budget."""
    subprocess.run([sys.executable, "-c", "import sys\n" + SETUP_FRESH_COMMUNE, DEMO_PASSWORD], env=server_env,
                   check=True, capture_output=True, text=True)
    clicks = Clicks()
    page = make_page()
    _sign_in(page, clicks, "officer@tan-lap.demo.vn")
    clicks.click(page.get_by_role("link", name="Biện pháp", exact=True))
    clicks.click(page.get_by_role("button", name=re.compile(r"Áp dụng bộ biện pháp mẫu \(\d+ biện pháp\)")))
    clicks.click(page.get_by_role("button", name="Xác nhận: Áp dụng bộ biện pháp mẫu"))
    expect(page.locator(".notice.success")).to_contain_text("Đã áp dụng bộ biện pháp mẫu")
    gaps = _new_level_3_system_and_plan(page, clicks)
    assert gaps == 66  # every level-3 row of TT 12/2022: nothing is in place yet
    _close_every_gap(page, clicks)
    print(f"\nPlan of a new level-3 system in a fresh commune: {gaps} gaps to 0 in {clicks.count} clicks "
          f"(budget {CLICK_BUDGET})")
    assert clicks.count <= CLICK_BUDGET
