"""Behind the documented nginx every request comes from 127.0.0.1: one user's bad passwords must
not lock everybody out, and the audit log must show the real client address — taken from
X-Forwarded-For only when IR_PROXY_HOPS says a proxy adds it (issue 14, D7)."""
from __future__ import annotations

import pytest
from flask import request
from sqlalchemy import select

from ir_app import create_app
from ir_app.models import AuditEvent, Role
from tests.conftest import PASSWORD, WebClient


@pytest.fixture
def proxied_app(database_url, tmp_path, clock):
    """The app as deployed behind nginx: one proxy adds X-Forwarded-For and X-Forwarded-Proto."""
    app = create_app({"IR_DATABASE_URL": database_url, "IR_DATA_DIR": tmp_path / "data",
                      "SECRET_KEY": "test-secret-key", "IR_CLOCK": clock, "TESTING": True, "IR_PROXY_HOPS": 1})
    yield app
    app.extensions["ir_engine"].dispose()


def through_nginx(app, client_address: str) -> WebClient:
    """A browser at `client_address`; nginx connects from 127.0.0.1 and appends the address."""
    client = WebClient(app.test_client())
    client.client.environ_base.update({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": client_address,
                                       "HTTP_X_FORWARDED_PROTO": "https",
                                       "HTTP_REFERER": "https://localhost/login"})  # CSRF checks it on HTTPS
    return client


def audited_addresses(session, action: str) -> list[str]:
    return list(session.scalars(select(AuditEvent.ip_address).where(AuditEvent.action == action)
                                .order_by(AuditEvent.id)))


def test_without_proxy_hops_bad_passwords_of_one_user_do_not_lock_the_others(web, make_user, commune):
    """IR_PROXY_HOPS=0 behind nginx: everybody is 127.0.0.1, a known proxy address."""
    careless, colleague = make_user(Role.STAFF, organisation=commune), make_user(Role.STAFF, organisation=commune)
    for _ in range(5):
        web.post_form("/login", {"email": careless.email, "password": "sai"})
    assert web.post_form("/login", {"email": colleague.email, "password": PASSWORD}).status_code == 302
    locked = WebClient(web.client.application.test_client())
    assert locked.post_form("/login", {"email": careless.email, "password": PASSWORD}).status_code == 401


def test_forwarded_for_is_not_trusted_without_proxy_hops(web, make_user, commune, session):
    user = make_user(Role.STAFF, organisation=commune)
    web.client.environ_base.update({"REMOTE_ADDR": "198.51.100.20", "HTTP_X_FORWARDED_FOR": "10.9.9.9"})
    web.post_form("/login", {"email": user.email, "password": "sai"})
    assert audited_addresses(session, "login_failed") == ["198.51.100.20"]


def test_behind_nginx_the_audit_shows_the_real_client_address(proxied_app, make_user, commune, session):
    user = make_user(Role.STAFF, organisation=commune)
    client = through_nginx(proxied_app, "203.0.113.5")
    client.post_form("/login", {"email": user.email, "password": "sai"})
    # A spoofed header from the browser comes first; nginx appends the real address last.
    spoofing = through_nginx(proxied_app, "10.0.0.1, 203.0.113.9")
    spoofing.post_form("/login", {"email": user.email, "password": "sai"})
    assert audited_addresses(session, "login_failed") == ["203.0.113.5", "203.0.113.9"]
    assert client.login(user).status_code == 302
    assert audited_addresses(session, "login") == ["203.0.113.5"]


def test_behind_nginx_the_scheme_and_address_are_the_browsers(proxied_app):
    seen = {}

    @proxied_app.get("/__scheme_probe")
    def probe():
        seen["scheme"], seen["address"] = request.scheme, request.remote_addr
        return ""

    probe.ir_access = "public"
    through_nginx(proxied_app, "203.0.113.5").client.get("/__scheme_probe")
    assert seen == {"scheme": "https", "address": "203.0.113.5"}


def test_behind_nginx_a_locked_pair_does_not_lock_the_account_elsewhere(proxied_app, make_user, commune):
    user = make_user(Role.STAFF, organisation=commune)
    attacker = through_nginx(proxied_app, "203.0.113.66")
    for _ in range(5):
        attacker.post_form("/login", {"email": user.email, "password": "sai"})
    refused = attacker.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert refused.status_code == 401 and "tạm bị khóa" in refused.get_data(as_text=True)
    assert through_nginx(proxied_app, "198.51.100.7").login(user).status_code == 302
