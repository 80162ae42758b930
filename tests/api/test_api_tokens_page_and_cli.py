"""A user manages their own API tokens in the account area; an admin does it with `ir-app api-token`."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ir_app.models import ApiToken, AuditEvent, Role
from ir_app.services.api_tokens import hash_secret
from tests.api.test_api_contract import bearer, issue


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune, email="officer@vinh-lai.test")


def _secret(page: str) -> str:
    match = re.search(r'id="token-secret">(irt_[A-Za-z0-9_-]+)<', page)
    assert match, page[:2000]
    return match.group(1)


def test_a_user_creates_a_token_sees_it_once_and_uses_it(app, session, make_web, officer):
    browser = make_web(officer)
    page = browser.get("/account/tokens").get_data(as_text=True)
    assert "incidents:write" in page and "backups:write" in page
    created = browser.post_form("/account/tokens", {"name": "Zabbix", "scopes": ["read", "incidents:write"],
                                                    "expires": "90d"})
    assert created.status_code == 201
    secret = _secret(created.get_data(as_text=True))
    token = session.scalar(select(ApiToken).where(ApiToken.user_id == officer.id))
    assert token.secret_hash == hash_secret(secret) and secret not in (token.prefix, token.secret_hash)
    assert token.scopes == ["incidents:write", "read"] and token.expires_at is not None
    assert secret not in browser.get("/account/tokens").get_data(as_text=True)  # shown once
    assert app.test_client().get("/api/v1/communes", headers=bearer(secret)).status_code == 200


def test_a_scope_beyond_the_role_is_refused(make_web, make_user, commune, session):
    auditor = make_user(Role.AUDITOR, organisation=commune)
    browser = make_web(auditor)
    assert "incidents:write" not in browser.get("/account/tokens").get_data(as_text=True)
    refused = browser.post_form("/account/tokens", {"name": "x", "scopes": ["incidents:write"], "expires": "30d"})
    assert refused.status_code in (400, 422)
    assert session.scalar(select(ApiToken)) is None


def test_a_user_revokes_their_own_token_but_not_anothers(app, session, make_web, make_user, commune, officer,
                                                         clock):
    secret = issue(session, officer, ["read"], clock.now())
    token = session.scalar(select(ApiToken))
    stranger = make_web(make_user(Role.ADMIN, organisation=commune))
    assert stranger.post_form("/account/tokens/revoke", {"token_id": token.id}).status_code == 404
    browser = make_web(officer)
    assert browser.post("/account/tokens/revoke", data={"token_id": token.id}).status_code == 400  # CSRF guards it
    assert browser.post_form("/account/tokens/revoke", {"token_id": "²"}).status_code == 404
    assert browser.post_form("/account/tokens/revoke", {"token_id": token.id}).status_code == 302
    assert app.test_client().get("/api/v1/communes", headers=bearer(secret)).status_code == 401
    session.expire_all()
    assert session.get(ApiToken, token.id).revoked_at is not None
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token_revoke"))


def test_cli_creates_lists_and_revokes(app, session, officer):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["api-token", "create", "--user", "officer@vinh-lai.test", "--scope", "read",
                                  "--scope", "backups:write", "--expires", "30d", "--name", "sao lưu"])
    assert created.exit_code == 0, created.output
    secret = re.search(r"^(irt_\S+)$", created.output, re.M).group(1)
    assert app.test_client().get("/api/v1/backup-runs", headers=bearer(secret)).status_code == 200
    listed = runner.invoke(args=["api-token", "list"])
    assert "officer@vinh-lai.test\tsao lưu\tbackups:write,read" in listed.output and secret not in listed.output
    token_id = session.scalar(select(ApiToken.id))
    assert runner.invoke(args=["api-token", "revoke", str(token_id)]).exit_code == 0
    assert "revoked" in runner.invoke(args=["api-token", "list"]).output
    assert app.test_client().get("/api/v1/backup-runs", headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize("args", [["--user", "nobody@x.vn", "--scope", "read"],
                                  ["--user", "officer@vinh-lai.test", "--scope", "admin"],
                                  ["--user", "officer@vinh-lai.test", "--scope", "read", "--expires", "²d"],
                                  ["--user", "officer@vinh-lai.test", "--scope", "read", "--expires", "9999d"]])
def test_cli_refuses_bad_input_with_a_clear_message(app, officer, args):
    result = app.test_cli_runner().invoke(args=["api-token", "create", *args])
    assert result.exit_code == 2 and "Lỗi:" in result.output
