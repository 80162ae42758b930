"""Sign-in, throttling, logout and session invalidation, through the web layer."""
from __future__ import annotations

from sqlalchemy import func, select

from ir_app.models import AuditEvent, Role
from tests.conftest import PASSWORD, WebClient


def test_login_and_logout(make_web, make_user, commune):
    user = make_user(Role.STAFF, organisation=commune)
    client = make_web(user)
    assert client.get("/").status_code == 200
    assert client.get("/logout").status_code == 405  # logout is a POST
    response = client.post_form("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_gets_vietnamese_message(web, make_user, commune):
    user = make_user(Role.STAFF, organisation=commune)
    response = web.post_form("/login", {"email": user.email, "password": "sai"})
    assert response.status_code == 401
    assert "Sai địa chỉ e-mail hoặc mật khẩu" in response.get_data(as_text=True)


def test_five_failures_lock_the_account_for_15_minutes(web, make_user, commune, clock, session):
    user = make_user(Role.STAFF, organisation=commune)
    for _ in range(5):
        web.post_form("/login", {"email": user.email, "password": "sai"})
    response = web.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 401
    assert "tạm bị khóa 15 phút" in response.get_data(as_text=True)
    clock.advance(minutes=16)
    assert web.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    actions = dict(session.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all())
    assert actions["login_failed"] == 5 and actions["login_locked"] == 1 and actions["login"] == 1


def test_password_spraying_from_one_address_locks_that_address(app, make_user, commune):
    web = WebClient(app.test_client())
    web.client.environ_base["REMOTE_ADDR"] = "203.0.113.66"  # a client reaching the app directly
    users = [make_user(Role.STAFF, organisation=commune) for _ in range(21)]
    for user in users[:20]:
        assert "Sai địa chỉ" in web.post_form("/login", {"email": user.email, "password": "sai"}).get_data(as_text=True)
    response = web.post_form("/login", {"email": users[20].email, "password": PASSWORD})
    assert response.status_code == 401 and "khóa" in response.get_data(as_text=True)


def test_unsafe_next_is_ignored(web, make_user, commune):
    user = make_user(Role.STAFF, organisation=commune)
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        web.token = None
        response = web.post_form("/login", {"email": user.email, "password": PASSWORD, "next": target})
        assert response.location == "/", target
        web.post_form("/logout")
    web.token = None
    response = web.post_form("/login", {"email": user.email, "password": PASSWORD, "next": "/systems/"})
    assert response.location == "/systems/"


def test_password_change_ends_other_sessions(make_web, make_user, commune):
    user = make_user(Role.STAFF, organisation=commune)
    first, second = make_web(user), make_web(user)
    response = first.post_form("/account/password", {
        "current_password": PASSWORD, "new_password": "mat-khau-moi-123", "confirm_password": "mat-khau-moi-123"})
    assert response.status_code == 302
    assert first.get("/").status_code == 200      # the session that changed it stays
    assert second.get("/").status_code == 302     # the other one is signed out


def test_short_new_password_is_refused(make_web, make_user, commune):
    client = make_web(make_user(Role.STAFF, organisation=commune))
    response = client.post_form("/account/password", {
        "current_password": PASSWORD, "new_password": "ngan", "confirm_password": "ngan"})
    assert "ít nhất 8 ký tự" in response.get_data(as_text=True)


def test_disabling_or_changing_roles_ends_sessions(make_web, make_user, commune):
    admin = make_user(Role.ADMIN, organisation=commune)
    staff = make_user(Role.STAFF, organisation=commune)
    staff_client, admin_client = make_web(staff), make_web(admin)
    page = admin_client.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert staff.email in page
    response = admin_client.post_form(f"/admin/users/{staff.id}", {
        "name": staff.name, "roles": ["staff", "officer"], "is_active": "y", "version": "1"})
    assert response.status_code == 302
    assert staff_client.get("/").status_code == 302
    staff_client = make_web(staff)
    admin_client.post_form(f"/admin/users/{staff.id}", {"name": staff.name, "roles": ["staff"], "version": "2"})
    assert staff_client.get("/").status_code == 302
    response = make_web().post_form("/login", {"email": staff.email, "password": PASSWORD})
    page = response.get_data(as_text=True)  # the same answer as a wrong password: no account-state oracle
    assert response.status_code == 401 and "Sai địa chỉ e-mail hoặc mật khẩu" in page and "vô hiệu hóa" not in page


def test_session_cookie_flags(web, make_user, commune):
    user = make_user(Role.STAFF, organisation=commune)
    response = web.login(user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
