""""Việc của tôi": everything waiting on one user, sorted by legal deadline.

A user's work lives in their own commune (province users have none, except what belongs to no
commune, such as the shared playbooks). Each source is one function taking a `WorkContext`
and returning `WorkItem`s with a fixed number of statements, whatever the number of rows:

- `dossier_steps`: every open dossier whose current step waits on the user (workflow data);
- `plan_gaps`: protection-plan requirements not yet met (EXTENSION POINT, see below);
- `incident_tasks`: incident tasks assigned to the user; unassigned ones with a deadline go to
  the commune's incident handlers;
- `due_deadlines`: reporting clocks, backups and restore tests, the morning check, periodic
  reviews, annual report and transition dates — the `services/due` providers, kept once their
  first reminder threshold is reached (a running reporting clock always).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload, load_only

from ir_app.domain.reminders import latest_reached
from ir_app.models import Dossier, Incident, IncidentTask, InformationSystem, OrgKind, User
from ir_app.models.incidents import TERMINAL_STATES, incident_code
from ir_app.services.authz import Permission, has_permission
from ir_app.services.due.base import Deadline, DueContext
from ir_app.services.due.registry import PROVIDERS
from ir_app.services.lawdata import LawData
from ir_app.services.work.plan_gaps import dossier_gaps
from ir_app.services.work.steps import step_task, waits_on

# Kinds of work, in the order the filter offers them (labels are translated in the web layer).
DOSSIER_STEP, PLAN_GAPS, INCIDENT_TASK = "dossier_step", "plan_gaps", "incident_task"
# A running reporting clock is work from the moment it starts, not from its first reminder.
ALWAYS_SHOWN = frozenset({"incident_clock"})
# Providers replaced here by a richer source (every state, named assignees).
REPLACED_PROVIDERS = frozenset({"dossier_steps"})
PLAN_STATES = ("approved", "protecting")
STEP_COLUMNS = (Dossier.commune_id, Dossier.system_id, Dossier.state, Dossier.regime, Dossier.proposed_level,
                Dossier.determined_level, Dossier.procedure_level, Dossier.step_assignee_id, Dossier.step_due_on)


@dataclass(frozen=True)
class WorkItem:
    uid: str
    kind: str
    title: str
    due: date | datetime | None   # a date: by the end of that local day; a datetime: an instant
    link: str
    detail: str = ""
    is_named: bool = False        # assigned to this user by name (not through their role)
    commune_id: int | None = None


@dataclass
class WorkContext:
    session: Session
    user: User
    now: datetime
    zone: tzinfo
    law: LawData
    playbooks_dir: Path | None = None
    extra: dict = field(default_factory=dict)

    @property
    def commune_id(self) -> int | None:
        """The user's own commune; None for province-level users."""
        return self.user.organisation_id if self.user.organisation.kind == OrgKind.COMMUNE else None

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role.value for role in self.user.roles)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()


# --------------------------------------------------------------------------- sources

def dossier_steps(ctx: WorkContext) -> list[WorkItem]:
    """Open dossiers of the commune whose step waits on the user: two statements."""
    if ctx.commune_id is None:
        return []
    states = {state for rule in ctx.law.workflow.transitions for state in rule.from_states} - {"protecting"}
    # Only the columns a step reads: the answers, reasons and frozen plan are JSON to decode for nothing.
    query = (select(Dossier).where(Dossier.commune_id == ctx.commune_id, Dossier.state.in_(sorted(states)))
             .options(load_only(*STEP_COLUMNS), joinedload(Dossier.system).load_only(InformationSystem.name))
             .order_by(Dossier.id))
    items = []
    for dossier in ctx.session.scalars(query):
        if not waits_on(dossier, ctx.law, ctx.user):
            continue
        items.append(WorkItem(
            uid=f"dossier:{dossier.id}:{dossier.state}", kind=DOSSIER_STEP,
            title=f"{step_task(dossier, ctx.law)} «{dossier.system.name}»", due=dossier.step_due_on,
            link=f"/dossiers/{dossier.id}", detail=_dossier_detail(dossier, ctx.law),
            is_named=dossier.step_assignee_id == ctx.user.id, commune_id=dossier.commune_id))
    return items


def _dossier_detail(dossier: Dossier, law: LawData) -> str:
    try:
        state = law.workflow.state(dossier.state).title
    except KeyError:
        state = dossier.state
    level = f"Cấp độ {dossier.level} · " if dossier.level else ""
    return f"{level}{state}"


def plan_gaps(ctx: WorkContext) -> list[WorkItem]:
    """Protection-plan requirements no measure answers yet, one item per dossier in force, for those
    who edit plans; due by the earliest date planned for the measures that will close them.
    A fixed number of statements (the plans are derived from the commune's measures' columns at once)."""
    if ctx.commune_id is None or not has_permission(ctx.user, Permission.EDIT_DOSSIER):
        return []
    if not ctx.roles & {"staff", "officer"}:
        return []
    return [WorkItem(uid=f"plan:{found.dossier_id}", kind=PLAN_GAPS,
                     title=f"Phương án «{found.system_name}»: còn {found.gaps} yêu cầu chưa đạt",
                     due=found.earliest_planned, link=f"/dossiers/{found.dossier_id}/plan", commune_id=ctx.commune_id,
                     detail="Hạn sớm nhất là ngày dự kiến của các biện pháp còn thiếu." if found.earliest_planned else "")
            for found in dossier_gaps(ctx.session, ctx.commune_id, PLAN_STATES, ctx.law.catalogue)]


def incident_tasks(ctx: WorkContext) -> list[WorkItem]:
    """Open tasks of open incidents assigned to the user, and — for incident handlers — the
    unassigned ones that carry a deadline. One statement."""
    if ctx.commune_id is None:
        return []
    mine = IncidentTask.assignee_id == ctx.user.id
    if has_permission(ctx.user, Permission.HANDLE_INCIDENT):
        mine = or_(mine, and_(IncidentTask.assignee_id.is_(None), IncidentTask.due_at.is_not(None)))
    query = (select(IncidentTask.id, IncidentTask.title, IncidentTask.due_at, IncidentTask.assignee_id,
                    Incident.id, Incident.commune_code, Incident.year, Incident.number, Incident.title)
             .join(Incident, Incident.id == IncidentTask.incident_id)
             .where(Incident.commune_id == ctx.commune_id, Incident.state.not_in(TERMINAL_STATES),
                    IncidentTask.done_at.is_(None), IncidentTask.is_not_applicable.is_(False), mine)
             .order_by(IncidentTask.id))
    return [WorkItem(uid=f"incident-task:{task_id}", kind=INCIDENT_TASK, title=f"{incident_code(code, year, number)} — {title}",
                     due=due_at, link=f"/incidents/{incident_id}#task-{task_id}", detail=incident_title,
                     is_named=assignee_id == ctx.user.id, commune_id=ctx.commune_id)
            for task_id, title, due_at, assignee_id, incident_id, code, year, number, incident_title
            in ctx.session.execute(query)]


def due_deadlines(ctx: WorkContext) -> list[WorkItem]:
    """The due providers' deadlines addressed to the user, once a reminder threshold is reached."""
    due_ctx = DueContext(ctx.session, ctx.now, ctx.zone, ctx.playbooks_dir,
                         commune_ids=[ctx.commune_id] if ctx.commune_id else [], reached_only=True)
    items = []
    for provider in PROVIDERS:
        if provider.name in REPLACED_PROVIDERS:
            continue
        for deadline in provider.collect(due_ctx):
            if addressed_to(deadline, ctx) and _is_current(deadline, due_ctx):
                items.append(WorkItem(uid=deadline.uid, kind=deadline.kind, title=deadline.title, due=deadline.due,
                                      link=deadline.link, detail=deadline.detail,
                                      is_named=ctx.user.id in deadline.user_ids, commune_id=deadline.commune_id))
    return items


def addressed_to(deadline: Deadline, ctx: WorkContext) -> bool:
    """By name, or by a role the user holds in the deadline's commune (or in none)."""
    if ctx.user.id in deadline.user_ids:
        return True
    return bool(ctx.roles & set(deadline.roles)) and deadline.commune_id in (None, ctx.commune_id)


def _is_current(deadline: Deadline, ctx: DueContext) -> bool:
    if deadline.kind in ALWAYS_SHOWN:
        return True
    return latest_reached(deadline.thresholds, deadline.due, ctx.now, ctx.zone, ctx.holidays,
                          ctx.extra_workdays) is not None


Source = Callable[[WorkContext], Iterable[WorkItem]]
SOURCES: tuple[Source, ...] = (dossier_steps, plan_gaps, incident_tasks, due_deadlines)


# --------------------------------------------------------------------------- the queue

def work_for(ctx: WorkContext, sources: Iterable[Source] = SOURCES) -> list[WorkItem]:
    """Every item waiting on the user: the nearest legal deadline first, undated ones last."""
    items: dict[str, WorkItem] = {}
    for source in sources:
        for item in source(ctx):
            items.setdefault(item.uid, item)
    return sorted(items.values(), key=lambda item: sort_key(item, ctx.zone))


def sort_key(item: WorkItem, zone: tzinfo) -> tuple:
    return (item.due is None, due_moment(item.due, zone) if item.due is not None else datetime.min, item.uid)


def due_moment(due: date | datetime, zone: tzinfo) -> datetime:
    """A date deadline runs to the end of that local day."""
    if isinstance(due, datetime):
        return due
    return datetime.combine(due + timedelta(days=1), time(0), zone)


def time_left(item: WorkItem, ctx_now: datetime, zone: tzinfo) -> timedelta | None:
    """Negative once overdue; None for undated work."""
    return None if item.due is None else due_moment(item.due, zone) - ctx_now


def counts_by_kind(items: Iterable[WorkItem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return counts
