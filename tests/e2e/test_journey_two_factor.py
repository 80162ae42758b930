"""Two-factor journey in a real browser: an approver turns on TOTP from the account page (QR code
and key shown, the first code proves the phone has it, ten recovery codes shown once), then signs
in again: after the password only the code page is reachable; the code (computed with pyotp, as
the phone app would) lets them in, and a recovery code works exactly once."""
from __future__ import annotations

import re
import subprocess
import sys
import time

import pyotp
from playwright.sync_api import expect

from tests.e2e.conftest import assert_fields_labelled, sign_in

EMAIL = "hai-buoc@vinh-lai.demo.vn"
PASSWORD = "mat-khau-2fa-2026"


def _create_account(server_env) -> None:
    subprocess.run([sys.executable, "-m", "ir_app", "create-user", "--email", EMAIL, "--name", "Lê Văn Hai Bước",
                    "--role", "approver", "--commune", "vinh-lai", "--password", PASSWORD],
                   env=server_env, check=True, capture_output=True, text=True)


def _password_step(page) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()


def test_approver_enrols_and_then_signs_in_with_the_code(make_page, server_env):
    _create_account(server_env)
    page = sign_in(make_page(), EMAIL, PASSWORD)

    page.get_by_role("link", name="Lê Văn Hai Bước").click()  # the account: password and two-factor
    page.get_by_role("link", name="Xác thực hai bước").click()
    expect(page.get_by_role("heading", name="Bật xác thực hai bước")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    assert_fields_labelled(page)
    secret = page.locator("#totp-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)

    page.get_by_label("Mã xác thực").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    expect(page.get_by_text("Mã xác thực không đúng")).to_be_visible()
    page.get_by_label("Mã xác thực").fill(totp.now())
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    page.get_by_role("button", name="Tôi đã lưu các mã, tiếp tục").click()
    expect(page.get_by_text("Đang bật. Còn 10 mã khôi phục chưa dùng.")).to_be_visible()
    _sign_out(page)

    # Password right, code not given yet: nothing behind the sign-in is reachable.
    _password_step(page)
    assert_fields_labelled(page)
    page.goto("/work")
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    _password_step(page)
    # The next 30-second step's code (the enrolment spent the current one); the app allows one step of drift.
    page.get_by_label("Mã xác thực").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    page.goto("/work")
    expect(page).to_have_url(re.compile(r"/work$"))
    _sign_out(page)

    # The phone is lost: a recovery code lets the approver in, once.
    _password_step(page)
    page.get_by_label("Mã xác thực").fill(codes[0])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("còn 9 mã chưa dùng")).to_be_visible()
    _sign_out(page)
    _password_step(page)
    page.get_by_label("Mã xác thực").fill(codes[0])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Mã xác thực không đúng hoặc đã được dùng.")).to_be_visible()
