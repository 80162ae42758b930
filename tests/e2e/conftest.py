"""Browser journeys: a real Debian Chromium, driven by Playwright, against the app served by
`ir-app serve` on a free port with a fresh demo database."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_PASSWORD = "demo12345"


def pytest_collection_modifyitems(config, items):
    reason = None
    if not Path(CHROMIUM).exists():
        reason = "không có Chromium (cài: apt-get install -y chromium) — bỏ qua hành trình trình duyệt"
    elif os.environ.get("IR_TEST_DATABASE_URL"):
        reason = "hành trình trình duyệt chạy một lần, ở lượt SQLite"
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ir_app(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "ir_app", *args], env=env, check=True, capture_output=True,
                          text=True, **kwargs)


@pytest.fixture(scope="session")
def server_env(tmp_path_factory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("e2e-data")
    env = {key: value for key, value in os.environ.items() if not key.startswith("IR_")}
    # The checkout first; then whatever made the libraries importable here (see the root conftest.py).
    python_path = os.pathsep.join(filter(None, [str(Path(__file__).parents[2]), os.environ.get("PYTHONPATH")]))
    # IR_TOTP_REQUIRED_ROLES empty: demo accounts sign in with a password; the two-factor journey
    # enrols its own account.
    env.update(IR_DATA_DIR=str(data_dir), IR_DEMO_PASSWORD=DEMO_PASSWORD, PYTHONPATH=python_path,
               IR_TOTP_REQUIRED_ROLES="")
    return env


@pytest.fixture(scope="session")
def live_server(server_env):
    _ir_app(server_env, "demo", "--no-serve")
    port = _free_port()
    # No in-process scheduler: reminders appear only when a journey runs `ir-app jobs run-due`, so
    # what the inbox shows does not depend on the minute the tests happen to cross.
    process = subprocess.Popen([sys.executable, "-m", "ir_app", "serve", "--port", str(port), "--no-scheduler"],
                               env=server_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base_url = f"http://127.0.0.1:{port}"
    _wait_until_up(base_url, process)
    yield base_url
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


def _wait_until_up(base_url: str, process) -> None:
    deadline = time.monotonic() + 90  # a loaded machine (CI beside other work) starts slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start within 90 s")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.journey_failed = report.failed


@pytest.fixture
def make_page(browser, live_server, request):
    """A fresh browser context per user; on failure the screenshot and HTML are kept."""
    contexts = []

    def make(viewport=None, **options):
        context = browser.new_context(base_url=live_server, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                      viewport=viewport or {"width": 1280, "height": 900}, accept_downloads=True,
                                      **options)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    if getattr(request.node, "journey_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                stem = ARTIFACTS / f"{name}-{index}-{number}"
                page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
    for context in contexts:
        context.close()


def sign_in(page, email: str, password: str = DEMO_PASSWORD):
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    # "attached": on a phone the button sits in the folded menu (☰ Menu), present but not shown.
    page.get_by_role("button", name="Đăng xuất", include_hidden=True).wait_for(state="attached")
    return page


def assert_fields_labelled(page) -> None:
    """Every visible form field has an accessible name (a label or aria-label)."""
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                      && !el.getAttribute('aria-labelledby'))
        .map(el => el.name || el.id)""")
    assert unlabelled == [], f"fields without a label: {unlabelled}"
