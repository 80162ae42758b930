"""Shared fixtures: a real database built from the migrations, the app, clients, factories.

SQLite always; PostgreSQL instead when IR_TEST_DATABASE_URL is set (CI runs both).
"""
from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, text

from ir_app import create_app
from ir_app.db import make_engine
from ir_app.domain.clock import FixedClock
from ir_app.migrate import upgrade
from ir_app.models import Organisation, Role, User, UserRole
from ir_app.services.accounts import hash_password, new_session_token

PG_URL = os.environ.get("IR_TEST_DATABASE_URL", "")
# One audit key for every app a test builds (databases are copied between apps with their own data
# dirs); tests of the key file itself override it with IR_AUDIT_KEY=None.
TEST_AUDIT_KEY = "cle-nhat-ky-thu-nghiem-0123456789abcdef"
os.environ.setdefault("IR_AUDIT_KEY", TEST_AUDIT_KEY)
# Production requires a second factor (TOTP) for admins, approvers and overseers; every app a test
# builds signs them in with a password alone, and the two-factor tests turn the policy back on.
os.environ.setdefault("IR_TOTP_REQUIRED_ROLES", "")
PASSWORD = "mat-khau-thu-nghiem"
_FAST_HASH = None


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="cần PostgreSQL: đặt IR_TEST_DATABASE_URL (ví dụ "
                                      "postgresql://postgres@127.0.0.1:5432/test) để chạy")
    for item in items:
        if "postgres" in item.keywords and not PG_URL:
            item.add_marker(skip_pg)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> str:
    """Migrate once per session: a SQLite file to copy, or the PostgreSQL schema itself."""
    if PG_URL:
        engine = make_engine(PG_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade(engine)
        engine.dispose()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def database_url(template_database, tmp_path) -> str:
    if PG_URL:
        _truncate_all(PG_URL)
        return PG_URL
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(template_database, target)
    return f"sqlite:///{target}"


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    names = ", ".join(f'"{name}"' for name in metadata.tables if name != "alembic_version")
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    # Thursday 26/11/2026, 09:00 in Hanoi.
    return FixedClock(datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc))


@pytest.fixture
def app(database_url, tmp_path, clock):
    app = create_app({
        "IR_DATABASE_URL": database_url,
        "IR_DATA_DIR": tmp_path / "data",
        "SECRET_KEY": "test-secret-key",
        "IR_CLOCK": clock,
        "TESTING": True,
    })
    yield app
    app.extensions["ir_engine"].dispose()


@pytest.fixture
def session(app):
    session = app.extensions["ir_session_factory"]()
    yield session
    session.close()


@pytest.fixture
def province(session) -> Organisation:
    return make_org(session, "31", "hai-phong", "Thành phố Hải Phòng", kind="province")


@pytest.fixture
def commune(session, province) -> Organisation:
    return make_org(session, "11017", "vinh-lai", "Vĩnh Lại", parent=province)


@pytest.fixture
def other_commune(session, province) -> Organisation:
    return make_org(session, "11311", "hai-an", "Hải An", parent=province, commune_type="phuong")


@pytest.fixture
def foreign_commune(session) -> Organisation:
    """A commune in another province: overseers of Hải Phòng must not see it."""
    ha_tinh = make_org(session, "42", "ha-tinh", "Tỉnh Hà Tĩnh", kind="province")
    return make_org(session, "18445", "mai-phu", "Mai Phụ", parent=ha_tinh)


def make_org(session, code, slug, name, kind="commune", parent=None, commune_type="xa") -> Organisation:
    org = Organisation(code=code, slug=slug, name=name, kind=kind, parent_id=parent.id if parent else None,
                       commune_type=commune_type if kind == "commune" else None)
    session.add(org)
    session.commit()
    return org


def _password_hash() -> str:
    global _FAST_HASH
    if _FAST_HASH is None:
        _FAST_HASH = hash_password(PASSWORD)
    return _FAST_HASH


@pytest.fixture
def make_user(session):
    counter = {"n": 0}

    def make(*roles: Role | str, organisation: Organisation, email: str | None = None, **values: Any) -> User:
        counter["n"] += 1
        role_values = [Role(role).value for role in roles]
        user = User(email=email or f"{'-'.join(role_values)}{counter['n']}@{organisation.slug}.test",
                    name=values.pop("name", f"Người dùng {counter['n']}"), password_hash=_password_hash(),
                    organisation_id=organisation.id, session_token=new_session_token(),
                    role_rows=[UserRole(role=role) for role in role_values], **values)
        session.add(user)
        session.commit()
        return user

    return make


TOKEN_RE = re.compile(r'name="csrf-token" content="([^"]+)"|name="csrf_token" type="hidden" value="([^"]+)"')


class WebClient:
    """A test client that signs in and posts forms with a real CSRF token (CSRF stays on)."""

    def __init__(self, client):
        self.client = client
        self.token: str | None = None

    def __getattr__(self, name):
        return getattr(self.client, name)

    def csrf(self, page: str = "/login") -> str:
        if self.token is None:
            html = self.client.get(page).get_data(as_text=True)
            match = TOKEN_RE.search(html)
            assert match, f"no CSRF token on {page}"
            self.token = match.group(1) or match.group(2)
        return self.token

    def login(self, user_or_email, password: str = PASSWORD):
        email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
        response = self.post_form("/login", {"email": email, "password": password})
        self.token = None  # the session was cleared on sign-in: take a fresh token
        return response

    def post_form(self, url: str, data: dict[str, Any] | None = None, **kwargs):
        payload = {"csrf_token": self.csrf()}
        payload.update(data or {})
        return self.client.post(url, data=payload, **kwargs)


@pytest.fixture
def web(app) -> WebClient:
    return WebClient(app.test_client())


@pytest.fixture
def make_web(app):
    def make(user: User | None = None) -> WebClient:
        client = WebClient(app.test_client())
        if user is not None:
            response = client.login(user)
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return make


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
