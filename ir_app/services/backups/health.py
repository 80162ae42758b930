"""Backup health: is each plan on schedule, is its restore test due (a bounded number of statements)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Iterable

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from ir_app.domain.backups import (
    BackupHealth,
    Destination,
    RunResult,
    ScheduleError,
    backup_health,
    restore_test_due_on,
    restore_test_overdue,
    rule_321_warnings,
    schedule_spec,
)
from ir_app.models.backups import BackupPlan, BackupRun, RestoreTest



@dataclass(frozen=True)
class PlanStatus:
    plan: BackupPlan
    health: BackupHealth | None           # None: inactive plan
    last_run_at: datetime | None
    last_run_result: str | None
    restore_due_on: date
    restore_overdue: bool
    warnings: list[str] = field(default_factory=list)
    schedule_error: str = ""            # a schedule that cannot be read (edited outside the app)

    @property
    def is_overdue(self) -> bool:
        return bool(self.health and self.health.is_overdue)

    @property
    def is_healthy(self) -> bool:
        return not self.is_overdue and not self.restore_overdue


def destinations_of(plan: BackupPlan) -> list[Destination]:
    return [Destination(item["kind"], item.get("description", "")) for item in plan.destinations or []]


def plan_statuses(session: Session, plans: Iterable[BackupPlan], now: datetime, zone: tzinfo) -> dict[int, PlanStatus]:
    """Health of many plans in three statements, whatever their number."""
    plans = list(plans)
    ids = [plan.id for plan in plans]
    if not ids:
        return {}
    last_ok, last_test = _last_good(session, ids)
    last_any = _last_runs(session, ids)
    today = now.astimezone(zone).date()
    return {plan.id: _status(plan, last_ok.get(plan.id), last_any.get(plan.id, (None, None)),
                             last_test.get(plan.id), now, zone, today) for plan in plans}


def _last_good(session: Session, plan_ids) -> tuple[dict[int, datetime], dict[int, date]]:
    """Per plan: the last good backup run and the last good restore test. `plan_ids` is a list
    or a SELECT of ids (a province's hundreds of plans are better named by their query)."""
    runs = (select(BackupRun.plan_id, func.max(BackupRun.ran_at))
            .where(BackupRun.plan_id.in_(plan_ids), BackupRun.result == RunResult.OK).group_by(BackupRun.plan_id))
    tests = (select(RestoreTest.plan_id, func.max(RestoreTest.tested_on))
             .where(RestoreTest.plan_id.in_(plan_ids), RestoreTest.result == RunResult.OK)
             .group_by(RestoreTest.plan_id))
    return ({plan_id: _aware(ran_at) for plan_id, ran_at in session.execute(runs)},
            dict(session.execute(tests).all()))


def _last_runs(session: Session, ids: list[int]) -> dict[int, tuple[datetime, str]]:
    latest = (select(BackupRun.plan_id, func.max(BackupRun.ran_at).label("ran_at"))
              .where(BackupRun.plan_id.in_(ids)).group_by(BackupRun.plan_id).subquery())
    rows = session.execute(select(BackupRun.plan_id, BackupRun.ran_at, BackupRun.result).join(
        latest, (BackupRun.plan_id == latest.c.plan_id) & (BackupRun.ran_at == latest.c.ran_at)))
    return {plan_id: (ran_at, result) for plan_id, ran_at, result in rows}


def _aware(value: datetime | None) -> datetime | None:
    """Aggregates bypass the UTC column type on SQLite: put the zone back."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def _status(plan: BackupPlan, last_ok: datetime | None, last_run: tuple, last_test: date | None,
            now: datetime, zone: tzinfo, today: date) -> PlanStatus:
    """Where `plan` stands at `now`, computed from its runs and tests (the pages' detail)."""
    health, error = None, ""
    if plan.is_active:
        try:
            spec = schedule_spec(plan.frequency, plan.time_of_day, plan.weekday, plan.day_of_month, plan.cron)
        except ScheduleError as problem:  # validated on save; a row edited by hand must not break pages
            error = str(problem)
        else:
            health = backup_health(spec, zone, plan.starts_at, last_ok, now, timedelta(hours=plan.grace_hours))
    due_on = restore_test_due_on(last_test, plan.starts_at.astimezone(zone).date(),
                                 plan.restore_test_interval_months)
    return PlanStatus(plan, health, _aware(last_run[0]), last_run[1], due_on,
                      plan.is_active and restore_test_overdue(due_on, today),
                      rule_321_warnings(destinations_of(plan)), error)


def plans_query(commune_ids_query=None, system_id: int | None = None):
    query = (select(BackupPlan).options(selectinload(BackupPlan.system), selectinload(BackupPlan.commune),
                                        selectinload(BackupPlan.responsible_user))
             .order_by(BackupPlan.commune_id, BackupPlan.system_id, BackupPlan.id))
    if commune_ids_query is not None:
        query = query.where(BackupPlan.commune_id.in_(commune_ids_query))
    if system_id is not None:
        query = query.where(BackupPlan.system_id == system_id)
    return query


@dataclass
class CommuneBackupSummary:
    plans: int = 0
    overdue: int = 0
    restore_overdue: int = 0
    without_offsite: int = 0


def commune_summaries(session: Session, commune_ids_query, now: datetime, zone: tzinfo
                      ) -> dict[int, CommuneBackupSummary]:
    """Backup health per commune for the overview, in one grouped statement over the moments each
    plan keeps on its row (services/backups/due.py), exact at `now` whatever the number of plans."""
    today = now.astimezone(zone).date()
    query = (select(BackupPlan.commune_id, func.count(),
                    _count(BackupPlan.next_overdue_at <= now), _count(BackupPlan.restore_due_on < today),
                    _count(BackupPlan.has_away_copy.is_(False)))
             .where(BackupPlan.is_active.is_(True)).group_by(BackupPlan.commune_id))
    if commune_ids_query is not None:
        query = query.where(BackupPlan.commune_id.in_(commune_ids_query))
    return {commune_id: CommuneBackupSummary(*figures) for commune_id, *figures in session.execute(query)}


def _count(condition):
    return func.count(case((condition, 1)))
