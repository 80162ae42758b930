"""Time of one `run-due` pass (every scheduled job once) over the synthetic province.

The pass runs on a copy of the benchmark database (the HTTP benchmark's data stays as built), at
the province's fixed "now" (Thursday 26/11/2026 09:00, Hanoi) — a working morning, so every kind of
reminder is due. A local SMTP sink (aiosmtpd) receives the e-mails, so the outbox job really sends
its batch. The second pass shows the steady state: reminders already queued are not queued again.

    PYTHONPATH=. .venv/bin/python bench/bench_scheduler.py                # both databases
    PYTHONPATH=. .venv/bin/python bench/bench_scheduler.py --only sqlite
"""
from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import province as bench_province  # noqa: E402
from ir_app.config import load_config  # noqa: E402
from ir_app.db import make_engine, make_session_factory  # noqa: E402
from ir_app.domain.clock import FixedClock  # noqa: E402
from ir_app.jobs.env import JobEnv  # noqa: E402
from ir_app.jobs.registry import JOBS  # noqa: E402
from ir_app.jobs.runner import run_job  # noqa: E402
from ir_app.models import Notification  # noqa: E402
from ir_app.ops.audit_key import resolve_audit_key  # noqa: E402
from ir_app.services.notifications.delivery import SmtpSettings  # noqa: E402
from ir_app.seed.synthetic import BASE_TIME  # noqa: E402


class _Discard:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


@contextmanager
def smtp_sink():
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port (aiosmtpd cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(_Discard(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpSettings(host="127.0.0.1", port=port)
    finally:
        controller.stop()


def copy_database(url: str) -> str:
    """A scratch copy for the pass: SQLite's online backup, or a PostgreSQL template copy."""
    if url.startswith("sqlite"):
        source = Path(make_url(url).database)
        target = source.with_name("scheduler-pass.sqlite3")
        target.unlink(missing_ok=True)
        with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
            original.backup(copy)
        return f"sqlite:///{target}"
    parsed = make_url(url)
    scratch = f"{parsed.database}_scheduler"
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}"'))
        connection.execute(text(f'CREATE DATABASE "{scratch}" TEMPLATE "{parsed.database}"'))
    admin.dispose()
    return parsed.set(database=scratch).render_as_string(hide_password=False)


def run_pass(env: JobEnv, engine, label: str) -> float:
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(1))
    total = 0.0
    print(f"\n{label}")
    print("| job | seconds | SQL statements | summary |")
    print("|---|---:|---:|---|")
    for job in JOBS:
        statements.clear()
        began = time.perf_counter()
        outcome = run_job(env, job, BASE_TIME)
        seconds = time.perf_counter() - began
        total += seconds
        print(f"| {job.id} | {seconds:.2f} | {len(statements)} | {'' if outcome.ok else 'ERROR '}"
              f"{outcome.summary[:90]} |")
    print(f"| **whole pass** | **{total:.2f}** | | |")
    return total


def bench(url: str, label: str, use_smtp: bool) -> None:
    print(f"\n== {label}")
    scratch = copy_database(url)
    engine = make_engine(scratch)
    config = load_config()
    try:
        with (smtp_sink() if use_smtp else _no_smtp()) as smtp:
            audit_key = resolve_audit_key(config["IR_AUDIT_KEY"], config["IR_DATA_DIR"])
            env = JobEnv(session_factory=make_session_factory(engine, audit_key), clock=FixedClock(BASE_TIME),
                         zone=ZoneInfo("Asia/Ho_Chi_Minh"), smtp=smtp, playbooks_dir=config["IR_PLAYBOOKS_DIR"])
            print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
            run_pass(env, engine, "first pass (reminders queued and e-mailed for the first time)")
            run_pass(env, engine, "second pass, same moment (nothing new is due)")
        with engine.connect() as connection:
            queued = connection.scalar(select(func.count()).select_from(Notification).where(
                Notification.dedup_key.not_like("synthetic:%")))
        print(f"\nnotifications queued by the passes: {queued}")
    finally:
        engine.dispose()


@contextmanager
def _no_smtp():
    yield SmtpSettings(host="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    bench_province.add_arguments(parser)
    parser.add_argument("--only", choices=("pg", "sqlite"))
    parser.add_argument("--no-smtp", action="store_true", help="no SMTP sink: the outbox marks e-mails skipped")
    args = parser.parse_args()
    province = bench_province.province_from(args)
    targets = []
    if args.only != "sqlite":
        targets.append((args.pg_url, "PostgreSQL"))
    if args.only != "pg":
        targets.append((bench_province.sqlite_url(args.data_dir), "SQLite"))
    for url, label in targets:
        print(f"{label} province: {bench_province.ensure_province(url, province, args.data_dir, args.rebuild)}")
        bench(url, label, not args.no_smtp)


if __name__ == "__main__":
    main()
