"""Two-factor sign-in: approvers, admins and overseers give a TOTP code after the password (policy);
recovery codes work once; wrong codes are throttled; an admin can reset a lost factor (audited).

The TOTP codes are computed with pyotp at the app's controlled clock."""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from ir_app.models import AuditEvent, Role, User
from ir_app.services import two_factor

PROTECTED = ("/", "/work", "/account/password", "/account/two-factor", "/admin/users")


@pytest.fixture(autouse=True)
def policy_on(app):
    app.config["IR_TOTP_REQUIRED_ROLES"] = frozenset({"admin", "approver", "overseer"})


def code_at(secret: str, clock, seconds: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=seconds))


def enrolled(session, user: User, clock) -> list[str]:
    """Enrols the user through the service (scan + first code) and returns the recovery codes."""
    secret = two_factor.new_secret()
    codes = two_factor.confirm_enrolment(session, user, secret, code_at(secret, clock), clock.now())
    session.commit()
    clock.advance(seconds=30)  # the enrolment code's step is spent
    return codes


def audit_actions(session, user: User) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "user",
                                                                 AuditEvent.object_id == str(user.id))
                                .order_by(AuditEvent.id)))


def assert_not_signed_in(client) -> None:
    for path in PROTECTED:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_approver_login_requires_the_code(session, commune, make_user, web, clock):
    approver = make_user(Role.APPROVER, organisation=commune)
    enrolled(session, approver, clock)

    response = web.login(approver)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert_not_signed_in(web)  # half-way: every protected page still refuses the session

    wrong = web.post_form("/login/code", {"code": "000000"})
    assert wrong.status_code == 401 and "Mã xác thực không đúng" in wrong.get_data(as_text=True)
    assert_not_signed_in(web)

    web.token = None
    response = web.post_form("/login/code", {"code": code_at(approver.totp_secret, clock)})
    assert response.status_code == 302
    assert web.get("/work").status_code == 200
    assert "login_second_factor" in audit_actions(session, approver)


def test_a_code_cannot_be_used_twice(session, commune, make_user, make_web, clock):
    approver = make_user(Role.APPROVER, organisation=commune)
    enrolled(session, approver, clock)
    code = code_at(approver.totp_secret, clock)
    first = make_web()
    first.login(approver)
    assert first.post_form("/login/code", {"code": code}).status_code == 302
    second = make_web()
    second.login(approver)
    assert second.post_form("/login/code", {"code": code}).status_code == 401
    assert_not_signed_in(second)


def test_code_from_a_phone_clock_off_by_a_step_is_accepted_but_not_older(session, commune, make_user, web, clock):
    approver = make_user(Role.APPROVER, organisation=commune)
    enrolled(session, approver, clock)
    web.login(approver)
    assert web.post_form("/login/code", {"code": code_at(approver.totp_secret, clock, -120)}).status_code == 401
    web.token = None
    assert web.post_form("/login/code", {"code": code_at(approver.totp_secret, clock, 30)}).status_code == 302


def test_required_role_without_factor_must_enrol_before_entering(session, commune, make_user, web, clock):
    admin = make_user(Role.ADMIN, organisation=commune)
    response = web.login(admin)
    assert response.headers["Location"].endswith("/login/enrol")
    page = web.get("/login/enrol").get_data(as_text=True)
    assert "<svg" in page
    assert_not_signed_in(web)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)

    web.token = None
    refused = web.post_form("/login/enrol", {"code": "123456"})
    assert "Mã xác thực không đúng" in refused.get_data(as_text=True)
    done = web.post_form("/login/enrol", {"code": code_at(secret, clock)})
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert web.get("/admin/users").status_code == 200
    assert "totp_enable" in audit_actions(session, admin)


def test_optional_role_signs_in_with_password_alone(commune, make_user, web):
    staff = make_user(Role.STAFF, organisation=commune)
    assert web.login(staff).status_code == 302
    assert web.get("/work").status_code == 200


def test_recovery_code_works_once(session, province, make_user, make_web, clock):
    overseer = make_user(Role.OVERSEER, organisation=province)
    codes = enrolled(session, overseer, clock)

    client = make_web()
    client.login(overseer)
    response = client.post_form("/login/code", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/work").status_code == 200

    again = make_web()
    again.login(overseer)
    assert again.post_form("/login/code", {"code": codes[0]}).status_code == 401
    assert_not_signed_in(again)
    again.token = None
    assert again.post_form("/login/code", {"code": codes[1]}).status_code == 302
    assert two_factor.remaining_recovery_codes(session, overseer) == 8


def test_wrong_codes_are_throttled_then_released(session, commune, make_user, web, clock):
    approver = make_user(Role.APPROVER, organisation=commune)
    enrolled(session, approver, clock)
    web.login(approver)
    for _ in range(5):
        web.post_form("/login/code", {"code": "999999"})
    locked = web.post_form("/login/code", {"code": code_at(approver.totp_secret, clock)})
    assert locked.status_code == 401 and "tạm bị khóa" in locked.get_data(as_text=True)
    assert_not_signed_in(web)
    assert "totp_locked" in audit_actions(session, approver)

    clock.advance(minutes=16)
    fresh = type(web)(web.application.test_client())
    fresh.login(approver)  # the pending step itself expires after ten minutes
    assert fresh.post_form("/login/code", {"code": code_at(approver.totp_secret, clock)}).status_code == 302


def test_pending_step_expires(session, commune, make_user, web, clock):
    approver = make_user(Role.APPROVER, organisation=commune)
    enrolled(session, approver, clock)
    web.login(approver)
    clock.advance(minutes=11)
    response = web.post_form("/login/code", {"code": code_at(approver.totp_secret, clock)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert_not_signed_in(web)


def test_admin_reset_is_audited_and_forces_new_enrolment(session, commune, make_user, make_web, app, clock):
    approver = make_user(Role.APPROVER, organisation=commune)
    enrolled(session, approver, clock)
    app.config["IR_TOTP_REQUIRED_ROLES"] = frozenset({"approver"})  # the admin below signs in with a password
    admin = make_user(Role.ADMIN, organisation=commune)
    admin_web = make_web(admin)
    assert "Đặt lại xác thực hai bước" in admin_web.get(f"/admin/users/{approver.id}").get_data(as_text=True)
    response = admin_web.post_form(f"/admin/users/{approver.id}/reset-two-factor")
    assert response.status_code == 302

    session.expire_all()
    assert not session.get(User, approver.id).totp_enabled
    assert "totp_reset" in audit_actions(session, approver)
    client = make_web()
    assert client.login(approver).headers["Location"].endswith("/login/enrol")


def test_only_admins_reset(session, commune, make_user, make_web, clock):
    approver = make_user(Role.APPROVER, organisation=commune)
    enrolled(session, approver, clock)
    staff_web = make_web(make_user(Role.STAFF, organisation=commune))
    assert staff_web.post_form(f"/admin/users/{approver.id}/reset-two-factor").status_code == 403
    session.expire_all()
    assert session.get(User, approver.id).totp_enabled


def test_session_signed_in_before_the_policy_is_ended(commune, make_user, make_web, app):
    app.config["IR_TOTP_REQUIRED_ROLES"] = frozenset()
    approver = make_user(Role.APPROVER, organisation=commune)
    client = make_web(approver)
    assert client.get("/work").status_code == 200
    app.config["IR_TOTP_REQUIRED_ROLES"] = frozenset({"approver"})
    assert_not_signed_in(client)


def test_optional_user_enrols_from_the_account_page_and_can_turn_it_off(session, commune, make_user, make_web,
                                                                         clock):
    staff = make_user(Role.STAFF, organisation=commune, email="staff@vinh-lai.test")
    client = make_web(staff)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert client.get("/account/two-factor").get_data(as_text=True).count(secret) == 1  # same secret on reload
    done = client.post_form("/account/two-factor", {"code": code_at(secret, clock)})
    assert "recovery-codes" in done.get_data(as_text=True)
    assert client.get("/work").status_code == 200  # this session gave its code: it stays

    clock.advance(seconds=30)
    client.post_form("/account/two-factor/disable", {"code": code_at(secret, clock)})
    session.expire_all()
    assert not session.get(User, staff.id).totp_enabled
    assert "totp_disable" in audit_actions(session, staff)
    assert client.get("/work").status_code == 200


def test_policy_defaults_to_admins_approvers_and_overseers():
    from ir_app.config import ConfigError, totp_required_roles

    assert totp_required_roles(None) == {"admin", "approver", "overseer"}
    assert totp_required_roles("") == frozenset()  # explicitly off
    assert totp_required_roles(" approver , staff ") == {"approver", "staff"}
    with pytest.raises(ConfigError, match="giam-doc"):
        totp_required_roles("approver,giam-doc")


def test_a_secret_shown_to_another_browser_is_never_the_one_enrolled(session, commune, make_user, make_web, clock):
    """Someone with the password opens the enrolment page too: each browser has its own secret, and
    once the real user enrolled, the other one's secret enables nothing."""
    admin = make_user(Role.ADMIN, organisation=commune)
    intruder, owner = make_web(), make_web()
    intruder.login(admin)
    seen = re.search(r'id="totp-secret">([A-Z2-7]+)<', intruder.get("/login/enrol").get_data(as_text=True)).group(1)
    owner.login(admin)
    shown = re.search(r'id="totp-secret">([A-Z2-7]+)<', owner.get("/login/enrol").get_data(as_text=True)).group(1)
    assert shown != seen
    owner.token = None
    assert "recovery-codes" in owner.post_form("/login/enrol", {"code": code_at(shown, clock)}).get_data(as_text=True)
    intruder.token = None
    refused = intruder.post_form("/login/enrol", {"code": code_at(seen, clock)})
    assert refused.status_code == 302 and refused.location.endswith("/login")
    assert_not_signed_in(intruder)
    session.expire_all()
    assert session.get(User, admin.id).totp_secret == shown
