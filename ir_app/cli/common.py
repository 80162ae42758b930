"""What every command shares: the app's engine, session and clock, and how a command fails."""
from __future__ import annotations

import sys
from datetime import datetime, timezone

import click
from flask import current_app

from ir_app.services.audit import Actor


def _engine():
    return current_app.extensions["ir_engine"]


def _session():
    return current_app.extensions["ir_session_factory"]()


def _now():
    return current_app.extensions["ir_clock"].now()


def upgrade_database() -> None:
    """Apply the migrations, then seal the audit chain's head with the audit key (migrations do
    not have the key: a database upgraded to the keyed chain is sealed here)."""
    from ir_app.migrate import upgrade
    from ir_app.services import audit

    upgrade(_engine())
    session = _session()
    try:
        audit.seal_head(session)
        session.commit()
    finally:
        session.close()


def fail(message: str, code: int = 1) -> None:
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(code)


def _job_env():
    from ir_app.jobs.env import JobEnv

    return JobEnv.from_app(current_app)


def _parse_now(text: str | None, env) -> datetime:
    if not text:
        return env.clock.now()
    try:
        moment = datetime.fromisoformat(text.strip())
        return (moment if moment.tzinfo else moment.replace(tzinfo=env.zone)).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        fail(f"thời điểm «{text}» không đúng dạng ISO 8601 (ví dụ 2026-11-26T07:31).", 2)


def audit_export(session, object_type: str, object_id, commune_id, summary: str) -> None:
    from ir_app.services import audit

    audit.record(session, Actor.system("ir-app"), "export", now=_now(), object_type=object_type,
                 object_id=object_id, commune_id=commune_id, summary=summary)
    session.commit()
