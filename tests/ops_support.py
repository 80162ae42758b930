"""Helpers for the backup, reminder and scheduler tests: a real local SMTP server and factories.

Import the `smtp` fixture into a test module with `from tests.ops_support import smtp  # noqa: F401`.
"""
from __future__ import annotations

import asyncio
import email
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from ir_app.services.backups.due import refresh_due
from ir_app.jobs.env import JobEnv
from ir_app.jobs.runner import run_due
from ir_app.models import BackupPlan, InformationSystem

UTC = timezone.utc


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collector:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.sink.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)  # a slow server: other connections go on meanwhile
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps what it receives; stop() it to simulate an outage."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay  # seconds the server takes to accept each message
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    def start(self) -> None:
        for _ in range(50):  # the port may linger briefly after a stop
            try:
                self.controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port)
                self.controller.start()
                return
            except (OSError, RuntimeError):
                self.controller = None
                time.sleep(0.1)
        raise RuntimeError("could not restart the test SMTP server")

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


@pytest.fixture
def smtp(app):
    sink = SmtpSink()
    sink.start()
    app.config.update(IR_SMTP_HOST="127.0.0.1", IR_SMTP_PORT=sink.port, IR_SMTP_FROM="attt@vinh-lai.test",
                      IR_BASE_URL="https://attt.example.vn")
    yield sink
    sink.stop()


def job_env(app) -> JobEnv:
    return JobEnv.from_app(app)


def run_all(app, now: datetime):
    outcomes = run_due(job_env(app), now)
    assert all(outcome.ok for outcome in outcomes), outcomes
    return {outcome.job_id: outcome.summary for outcome in outcomes}


def make_system(session, commune, code="MOTCUA", name="Một cửa điện tử", **values) -> InformationSystem:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    system = InformationSystem(commune_id=commune.id, code=code, name=name, created_at=now, updated_at=now, **values)
    session.add(system)
    session.commit()
    return system


def make_plan(session, system, responsible=None, starts_at=None, **values) -> BackupPlan:
    starts_at = starts_at or datetime(2026, 11, 1, tzinfo=UTC)
    plan = BackupPlan(system_id=system.id, commune_id=system.commune_id, name=values.pop("name", "Sao lưu hằng đêm"),
                      frequency=values.pop("frequency", "daily"), time_of_day=values.pop("time_of_day", "22:00"),
                      responsible_user_id=responsible.id if responsible else None, starts_at=starts_at,
                      created_at=starts_at, updated_at=starts_at, **values)
    session.add(plan)
    session.flush()
    refresh_due(session, [plan])  # a row written without the service: keep its stored moments too
    session.commit()
    return plan


def hanoi(*args) -> datetime:
    """A Hanoi wall-clock time as aware UTC (Vietnam has no daylight saving)."""
    return datetime(*args, tzinfo=timezone(timedelta(hours=7))).astimezone(UTC)


def _pg_schema(name: str, create: bool) -> None:
    from sqlalchemy import text

    from ir_app.db import make_engine
    from tests.conftest import PG_URL

    engine = make_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        if create:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()


@pytest.fixture
def scratch_database(tmp_path):
    """make(kind, name) → the URL of a new, empty database of that kind ("sqlite" or "postgresql"):
    a SQLite file, or a schema of its own inside the test PostgreSQL database (IR_TEST_DATABASE_URL),
    found through search_path and dropped after the test (dispose its engines first)."""
    from tests.conftest import PG_URL

    schemas = []

    def make(kind: str, name: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        if not PG_URL:
            pytest.skip("cần PostgreSQL: đặt IR_TEST_DATABASE_URL")
        _pg_schema(name, create=True)
        schemas.append(name)
        return f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{name}"

    yield make
    for name in schemas:
        _pg_schema(name, create=False)
