"""Each backup plan's next due moments, kept on its row (issue 17).

Whether a plan is overdue at `now` depends on the clock only through one threshold: the plan is
overdue from the first expected time no good run covers, plus the grace period, until the next
good run (domain `backup_health`). The restore test is overdue the day after its due date. Both
moments change only when a run or restore test is recorded or the plan is edited, so the services
recompute them in the same transaction, and the overview and the scheduler filter and count
with `next_overdue_at <= now` and `restore_due_on < today` in SQL.

The moments are computed in the configured zone (IR_TIMEZONE), as the pages compute health; after
changing it, run `ir-app backups recompute-due`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ir_app.domain.backups import (
    Destination,
    RunResult,
    ScheduleError,
    expected_at,
    has_away_copy,
    restore_test_due_on,
    schedule_spec,
)
from ir_app.models.backups import BackupPlan, BackupRun, RestoreTest

# What the moments are computed from (a BackupPlan or a row of these columns).
PLAN_COLUMNS = (BackupPlan.id, BackupPlan.is_active, BackupPlan.frequency, BackupPlan.time_of_day,
                BackupPlan.weekday, BackupPlan.day_of_month, BackupPlan.cron, BackupPlan.starts_at,
                BackupPlan.grace_hours, BackupPlan.restore_test_interval_months, BackupPlan.destinations)


@dataclass(frozen=True)
class DueMoments:
    next_overdue_at: datetime | None    # UTC; None: inactive plan or unreadable schedule
    restore_due_on: date
    has_away_copy: bool                 # 3-2-1: a copy off-site, offline or in the cloud (counted too)


def configured_zone() -> ZoneInfo:
    from ir_app.config import load_config

    return ZoneInfo(load_config()["IR_TIMEZONE"])


def due_moments(plan, last_ok: datetime | None, last_test: date | None, zone: tzinfo) -> DueMoments:
    """The moments of `plan` given its last good run and last good restore test."""
    next_overdue_at = None
    if plan.is_active:
        try:
            spec = schedule_spec(plan.frequency, plan.time_of_day, plan.weekday, plan.day_of_month, plan.cron)
        except ScheduleError:  # a row edited by hand: the pages show the error, never "overdue"
            pass
        else:
            next_overdue_at = (expected_at(spec, zone, plan.starts_at, last_ok)
                               + timedelta(hours=plan.grace_hours)).astimezone(timezone.utc)
    restore_due_on = restore_test_due_on(last_test, plan.starts_at.astimezone(zone).date(),
                                         plan.restore_test_interval_months)
    away = has_away_copy(Destination(item["kind"], "") for item in plan.destinations or [])
    return DueMoments(next_overdue_at, restore_due_on, away)


def refresh_due(session: Session, plans: Iterable[BackupPlan]) -> None:
    """Recompute the moments of `plans` after a change (flushed) that may move them. Does not
    bump the plan's version: recording a run must not make an open edit form conflict."""
    plans = list(plans)
    ids = [plan.id for plan in plans]
    _lock(session, ids)
    moments = recompute_due(session, ids)
    for plan in plans:
        # The row is written by a Core UPDATE: tell the loaded object (no pending change, no version).
        set_committed_value(plan, "next_overdue_at", moments[plan.id].next_overdue_at)
        set_committed_value(plan, "restore_due_on", moments[plan.id].restore_due_on)
        set_committed_value(plan, "has_away_copy", moments[plan.id].has_away_copy)


def _lock(session: Session, plan_ids: list[int]) -> None:
    """Two runs recorded at once for one plan: the second waits here for the first to commit, then
    reads both (PostgreSQL, read committed: the next statement sees what committed meanwhile). A
    NO KEY UPDATE lock does not wait on the key-share locks the new runs' foreign keys hold."""
    if session.get_bind().dialect.name != "sqlite":  # SQLite lets one writer in at a time
        session.execute(select(BackupPlan.id).where(BackupPlan.id.in_(plan_ids)).with_for_update(key_share=True))


def recompute_due(connection, plan_ids: list[int] | None = None, zone: tzinfo | None = None
                  ) -> dict[int, DueMoments]:
    """Recompute and store the moments of the plans named (all plans when None) in two statements.
    `connection` is a Session or a Connection (the migration back-fills with this)."""
    zone = zone or configured_zone()
    query = select(*PLAN_COLUMNS, _last_good_run().label("last_ok"), _last_good_test().label("last_test"))
    if plan_ids is not None:
        query = query.where(BackupPlan.id.in_(plan_ids))
    moments = {row.id: due_moments(row, _aware(row.last_ok), _as_date(row.last_test), zone)
               for row in connection.execute(query)}
    if moments:
        table = BackupPlan.__table__
        connection.execute(
            update(table).where(table.c.id == bindparam("plan_id"))
            .values(next_overdue_at=bindparam("next_at", type_=table.c.next_overdue_at.type),
                    restore_due_on=bindparam("restore_on", type_=table.c.restore_due_on.type),
                    has_away_copy=bindparam("away", type_=table.c.has_away_copy.type)),
            [{"plan_id": plan_id, "next_at": due.next_overdue_at, "restore_on": due.restore_due_on,
              "away": due.has_away_copy} for plan_id, due in moments.items()])
    return moments


def _last_good_run():
    return (select(func.max(BackupRun.ran_at))
            .where(BackupRun.plan_id == BackupPlan.id, BackupRun.result == RunResult.OK).scalar_subquery())


def _last_good_test():
    return (select(func.max(RestoreTest.tested_on))
            .where(RestoreTest.plan_id == BackupPlan.id, RestoreTest.result == RunResult.OK).scalar_subquery())


def _aware(value) -> datetime | None:
    """Aggregates in a subquery come back as text or naive on SQLite: read them as UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _as_date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
