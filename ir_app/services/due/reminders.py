"""From deadlines to outbox rows: each (deadline, threshold) is reminded once per recipient.

Steps: find the latest reached threshold of each deadline, drop keys already in the outbox
(one statement per 500 keys), resolve recipients (cached per commune and roles), insert with
`notifications.notify`, whose unique (key, user) constraint absorbs a racing scheduler.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ir_app.domain.reminders import Threshold, latest_reached
from ir_app.models import User
from ir_app.models.notifications import Notification
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.due.base import Deadline, DueContext
from ir_app.services.notifications.outbox import Message, notify, recipients, users_with_roles

KEY_CHUNK = 500


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
    resolver = _Recipients(ctx)
    for deadline, threshold in reached:
        key = reminder_key(deadline, threshold)
        if key in known:
            continue
        report.new_keys += 1
        report.rows += notify(ctx.session, _message(ctx, deadline, threshold, key), resolver.of(deadline),
                              ctx.now, deadline.commune_id, ctx.zone)
    if report.rows:
        audit.record(ctx.session, actor or Actor.system("bộ lập lịch"), "remind", now=ctx.now,
                     object_type="notification", summary=report.summary())
    return report


def _existing_keys(ctx: DueContext, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start:start + KEY_CHUNK]
        found.update(ctx.session.scalars(select(Notification.dedup_key).where(
            Notification.dedup_key.in_(chunk)).distinct()))
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
    """Resolve who a deadline addresses, remembering each (commune, roles) lookup for the run."""

    def __init__(self, ctx: DueContext):
        self.ctx = ctx
        self.by_roles: dict[tuple[int | None, tuple[str, ...]], list[User]] = {}

    def of(self, deadline: Deadline) -> list[User]:
        users: dict[int, User] = {}
        if deadline.roles:
            cache_key = (deadline.commune_id, tuple(sorted(deadline.roles)))
            if cache_key not in self.by_roles:
                self.by_roles[cache_key] = (
                    users_with_roles(self.ctx.session, deadline.roles) if deadline.commune_id is None
                    else recipients(self.ctx.session, deadline.commune_id, deadline.roles))
            users.update((user.id, user) for user in self.by_roles[cache_key])
        for user_id in deadline.user_ids:
            user = self.ctx.session.get(User, user_id)
            if user is not None and user.is_active:
                users[user.id] = user
        return list(users.values())
