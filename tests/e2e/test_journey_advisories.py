"""Journey 7 (issue 16): the province police (PA05) sends an advisory to two communes; Vĩnh Lại
acknowledges and completes it with evidence, Hải An does nothing; after the deadline the overseer's
matrix shows Vĩnh Lại done and Hải An overdue, and Hải An's officer was reminded exactly once.
The server's clock is moved through a file (tests/e2e/clock_server.py)."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _free_port, _ir_app, _wait_until_up, sign_in

HANOI = timezone(timedelta(hours=7))
ISSUED = datetime(2026, 12, 7, 9, 0, tzinfo=HANOI)
TITLE = "Cảnh báo chiến dịch lừa đảo giả danh cơ quan thuế"


@pytest.fixture(scope="module")
def clock_server(server_env, tmp_path_factory):
    """A server of its own (own demo database) whose clock the journey moves."""
    data_dir = tmp_path_factory.mktemp("advisory-data")
    env = dict(server_env, IR_DATA_DIR=str(data_dir), IR_SESSION_IDLE_MINUTES="100000",
               IR_SESSION_MAX_HOURS="100000")
    _ir_app(env, "demo", "--no-serve")
    clock_file = data_dir / "clock.txt"
    clock_file.write_text(ISSUED.isoformat())
    port = _free_port()
    script = Path(__file__).with_name("clock_server.py")
    process = subprocess.Popen([sys.executable, str(script), str(port), str(clock_file)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base_url = f"http://127.0.0.1:{port}"
    _wait_until_up(base_url, process)
    yield base_url, clock_file, env
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


def _page(browser, base_url):
    context = browser.new_context(base_url=base_url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    return context.new_page()


def _run_due(env, at: datetime) -> None:
    result = subprocess.run([sys.executable, "-m", "ir_app", "jobs", "run-due", "--now", at.isoformat()],
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_advisory_is_followed_commune_by_commune(browser, clock_server):
    base_url, clock_file, env = clock_server
    overseer = sign_in(_page(browser, base_url), "overseer@hai-phong.demo.vn")
    overseer.get_by_role("link", name="Khuyến nghị", exact=True).click()
    overseer.get_by_role("button", name="Gửi khuyến nghị mới").click()
    overseer.get_by_label("Tiêu đề").fill(TITLE)
    overseer.get_by_label("Số văn bản ban hành (nếu có)").fill("125/CAT-PA05")
    overseer.get_by_label("Mức độ").select_option(label="Cao")
    overseer.get_by_label("Việc cần làm (mỗi dòng một việc)").fill(
        "Phổ biến cảnh báo tới cán bộ, công chức\nKiểm tra bộ lọc thư rác của thư công vụ")
    overseer.get_by_label("Hạn thực hiện").fill("2026-12-09")
    overseer.get_by_label("Vĩnh Lại").check()
    overseer.get_by_label("Hải An").check()
    overseer.get_by_role("button", name="Gửi khuyến nghị").click()
    expect(overseer.locator(".notice.success")).to_contain_text("Đã gửi khuyến nghị tới các xã.")

    officer_a = sign_in(_page(browser, base_url), "officer@vinh-lai.demo.vn")
    officer_a.locator("#my-work").click()
    officer_a.get_by_role("link", name=re.compile(TITLE)).first.click()
    officer_a.get_by_role("button", name="Xác nhận đã nhận").click()
    expect(officer_a.locator("main")).to_contain_text("Đã xác nhận lúc")
    actions = officer_a.locator("ol.checklist > li")
    expect(actions).to_have_count(2)
    for number in (1, 2):
        item = actions.nth(number - 1)
        item.locator("summary").click()
        item.get_by_label("Đã thực hiện").check()
        item.get_by_label("Đã làm gì / lý do").fill(f"Đã làm việc {number}")
        item.get_by_label("Bằng chứng (ảnh chụp, biên bản…)").set_input_files(
            files=[{"name": f"bien-ban-{number}.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 bien ban"}])
        item.get_by_role("button", name="Lưu").click()
        expect(officer_a.locator(".notice.success")).to_contain_text(f"Đã ghi nhận việc {number}.")
    expect(officer_a.locator("#answer h2")).to_contain_text("Đã hoàn thành")

    # The day after the deadline: the scheduler sweeps twice (as cron would, an hour apart).
    after = datetime(2026, 12, 10, 9, 0, tzinfo=HANOI)
    clock_file.write_text(after.isoformat())
    _run_due(env, after)
    _run_due(env, after + timedelta(hours=1))

    overseer.get_by_role("link", name="Khuyến nghị", exact=True).click()
    overseer.get_by_role("button", name="Bảng theo dõi các xã").click()
    matrix = overseer.locator("#advisory-matrix")
    expect(matrix.locator("tr", has_text="Vĩnh Lại")).to_contain_text("Đã hoàn thành")
    expect(matrix.locator("tr", has_text="Hải An")).to_contain_text("Quá hạn")

    officer_b = sign_in(_page(browser, base_url), "officer@hai-an.demo.vn")
    officer_b.get_by_role("link", name=re.compile("^Thông báo")).click()
    expect(officer_b.locator(".inbox")).to_contain_text(TITLE)
    assert officer_b.locator(".inbox").get_by_text(re.compile(f"Quá hạn.*{TITLE}")).count() == 1
