"""From deadlines to outbox rows: each (deadline, threshold) is reminded once per recipient.

Steps: find the latest reached threshold of each deadline, drop keys already in the outbox
(one statement), resolve the recipients of all new reminders together (one statement
per 500 communes), insert with `notifications.notify_many` (a few hundred rows per statement),
whose unique (key, user) constraint absorbs a racing scheduler. When nothing is new, a job costs
its providers' reads and the key look-up, whatever the number of due items.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, select

from ir_app.db import one_of
from ir_app.domain.reminders import Threshold, latest_reached
from ir_app.models import Organisation, User
from ir_app.models.notifications import Notification
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.due.base import Deadline, DueContext
from ir_app.services.notifications.outbox import (
    Addressed,
    Message,
    notify_many,
    pick_holders,
    role_holders,
    users_with_roles,
)

KEY_CHUNK = 5000  # keys or user ids per IN list (SQLite takes up to 32,766 parameters)


@dataclass
class ReminderReport:
    due: int = 0          # deadlines with a reached threshold
    new_keys: int = 0     # of which not reminded before
    rows: int = 0         # outbox rows added (one per recipient)

    def summary(self) -> str:
        return f"{self.due} mục đến ngưỡng nhắc, {self.new_keys} mục mới, {self.rows} thông báo được tạo"


def reminder_key(deadline: Deadline, threshold: Threshold) -> str:
    return f"{deadline.uid}:{threshold.code}"


def send_due_reminders(ctx: DueContext, deadlines: list[Deadline], actor: Actor | None = None) -> ReminderReport:
    """Queue the reminders that are due at ctx.now. Flushes; the job commits."""
    report = ReminderReport()
    reached = []
    for deadline in deadlines:
        threshold = latest_reached(deadline.thresholds, deadline.due, ctx.now, ctx.zone, ctx.holidays,
                                   ctx.extra_workdays)
        if threshold is not None:
            reached.append((deadline, threshold))
    report.due = len(reached)
    known = _existing_keys(ctx, [reminder_key(d, t) for d, t in reached])
    new = [(deadline, threshold) for deadline, threshold in reached if reminder_key(deadline, threshold) not in known]
    report.new_keys = len(new)
    if new:
        resolver = _Recipients(ctx, [deadline for deadline, _ in new])
        report.rows = notify_many(ctx.session, [
            Addressed(_message(ctx, deadline, threshold, reminder_key(deadline, threshold)),
                      tuple(resolver.of(deadline)), deadline.commune_id)
            for deadline, threshold in new], ctx.now, ctx.zone)
    if report.rows:
        audit.record(ctx.session, actor or Actor.system("bộ lập lịch"), "remind", now=ctx.now,
                     object_type="notification", summary=report.summary())
    return report


def _existing_keys(ctx: DueContext, keys: list[str]) -> set[str]:
    """The keys already in the outbox. PostgreSQL: one statement with the keys as one array parameter
    (the nation's 8,000 training keys: 0.25 s, against 1.9 s in lists of 500); SQLite: lists of 5,000."""
    if not keys:
        return set()
    query = select(Notification.dedup_key).distinct()
    if ctx.session.get_bind().dialect.name == "postgresql":
        return set(ctx.session.scalars(query.where(one_of(ctx.session, Notification.dedup_key, keys, String))))
    found: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        found.update(ctx.session.scalars(query.where(Notification.dedup_key.in_(keys[start:start + KEY_CHUNK]))))
    return found


def _message(ctx: DueContext, deadline: Deadline, threshold: Threshold, key: str) -> Message:
    body = "\n".join(part for part in (f"Hạn: {format_due(deadline.due, ctx)}.", deadline.detail) if part)
    subject = f"[{threshold.phrase}] {deadline.title}" if deadline.show_threshold else deadline.title
    return Message(key=key, kind=deadline.kind, subject=subject, body=body, link=deadline.link)


def format_due(due: date | datetime, ctx: DueContext) -> str:
    if isinstance(due, datetime):
        return due.astimezone(ctx.zone).strftime("%H:%M %d/%m/%Y")
    return due.strftime("%d/%m/%Y")


class _Recipients:
    """Who each deadline addresses, read for all the deadlines at once: the role holders of their
    communes (and provinces, for overseers), the people named, and the holders of commune-less roles."""

    def __init__(self, ctx: DueContext, deadlines: list[Deadline]):
        session = ctx.session
        self.session = session
        in_communes = [d for d in deadlines if d.roles and d.commune_id is not None]
        roles = {role for deadline in in_communes for role in deadline.roles}
        self.parents: dict[int, int | None] = {}
        if "overseer" in roles:
            communes = sorted({deadline.commune_id for deadline in in_communes if "overseer" in deadline.roles})
            self.parents = dict(session.execute(select(Organisation.id, Organisation.parent_id)
                                                .where(Organisation.id.in_(communes))).all())
        org_ids = {d.commune_id for d in in_communes} | {p for p in self.parents.values() if p is not None}
        self.holders = role_holders(session, org_ids, roles) if in_communes else {}
        named = sorted({user_id for deadline in deadlines for user_id in deadline.user_ids})
        self.named = {user.id: user for start in range(0, len(named), KEY_CHUNK)
                      for user in session.scalars(select(User).where(User.id.in_(named[start:start + KEY_CHUNK])))}
        self.without_commune: dict[tuple[str, ...], list[User]] = {}

    def of(self, deadline: Deadline) -> list[User]:
        users: dict[int, User] = {}
        if deadline.roles and deadline.commune_id is None:
            roles = tuple(sorted(deadline.roles))
            if roles not in self.without_commune:
                self.without_commune[roles] = users_with_roles(self.session, roles)
            users.update((user.id, user) for user in self.without_commune[roles])
        elif deadline.roles:
            parent = self.parents.get(deadline.commune_id) if "overseer" in deadline.roles else None
            org_ids = [deadline.commune_id] + ([parent] if parent is not None else [])
            users.update((user.id, user) for user in pick_holders(self.holders, org_ids, deadline.roles))
        for user_id in deadline.user_ids:
            user = self.named.get(user_id)
            if user is not None and user.is_active:
                users[user.id] = user
        return list(users.values())
