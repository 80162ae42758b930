"""Put reminders and alerts in the outbox, exactly once per (key, recipient)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ir_app.domain.reminders import next_digest_at
from ir_app.models import Organisation, User, UserRole
from ir_app.models.notifications import Notification
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.notifications import channels
from ir_app.services.records import check_version

DEFAULT_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# Kinds that never wait for a user's daily digest: a reporting clock cannot wait until tomorrow.
URGENT_KINDS = frozenset({"incident", "incident_clock", "quick_report", "check_failure"})


def is_urgent(kind: str) -> bool:
    return kind in URGENT_KINDS or kind.startswith("incident")


def first_attempt_at(user: User, kind: str, now: datetime, zone: tzinfo = DEFAULT_ZONE) -> datetime:
    """When the e-mail should first go out: now, or at the next digest for digest readers."""
    if user.daily_digest and not is_urgent(kind):
        return next_digest_at(now, zone)
    return now


@dataclass(frozen=True)
class Message:
    key: str            # e.g. "incident:12:clock:nd331-report-72h:12h" — stable for the same event
    kind: str           # e.g. "incident_clock", "dossier_due", "backup_overdue", "quick_report"
    subject: str
    body: str = ""
    link: str = ""


def recipients(session: Session, commune_id: int, roles: Iterable[str]) -> list[User]:
    """Active users of the commune holding any of the roles, plus overseers of its province
    when asked for "overseer"."""
    wanted = set(roles)
    commune = session.get(Organisation, commune_id)
    org_ids = [commune_id] + ([commune.parent_id] if commune and commune.parent_id and "overseer" in wanted else [])
    query = (select(User).join(UserRole).where(User.organisation_id.in_(org_ids), User.is_active.is_(True),
                                               UserRole.role.in_(wanted)).order_by(User.id))
    return list(session.scalars(query).unique())


def notify(session: Session, message: Message, users: Iterable[User], now: datetime,
           commune_id: int | None = None, zone: tzinfo = DEFAULT_ZONE) -> int:
    """Queue the message for each user not yet holding it; returns how many rows were added.

    Users who chose a daily digest get the e-mail with the next digest (urgent kinds excepted);
    users who turned e-mail off only see it in the app.
    """
    users = list(users)
    holding = set(session.scalars(select(Notification.user_id).where(
        Notification.dedup_key == message.key, Notification.user_id.in_([user.id for user in users]))))
    added = 0
    for user in users:
        if user.id in holding:
            continue
        added += _insert_once(session, dict(
            dedup_key=message.key, user_id=user.id, commune_id=commune_id, kind=message.kind,
            subject=message.subject[:300], body=message.body, link=message.link[:500], created_at=now,
            next_attempt_at=first_attempt_at(user, message.kind, now, zone),
            email_status="pending" if user.email_notifications else "skipped"))
    # Phones and other systems: the users' own channels and the commune's shared ones, each once.
    channels.enqueue(session, key=message.key, kind=message.kind, subject=message.subject, body=message.body,
                     link=message.link, user_ids=[user.id for user in users], commune_id=commune_id, now=now)
    return added


def _insert_once(session: Session, values: dict) -> int:
    """INSERT … ON CONFLICT DO NOTHING: a racing scheduler may have queued the same reminder a moment
    ago. No savepoint: on SQLite the driver would commit a savepoint opened before any other write,
    outside the job's unit of work. Returns 1 when the row was added."""
    table = Notification.__table__
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    statement = (insert(table).values(**values).on_conflict_do_nothing(index_elements=["dedup_key", "user_id"])
                 .returning(table.c.id))  # a row back only when it was added (rowcount is not reliable here)
    return 1 if session.execute(statement).first() is not None else 0


def notify_roles(session: Session, message: Message, commune_id: int, roles: Iterable[str],
                 now: datetime) -> int:
    return notify(session, message, recipients(session, commune_id, roles), now, commune_id)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def users_with_roles(session: Session, roles: Iterable[str]) -> list[User]:
    """Active users holding any of the roles anywhere (for deadlines that belong to no commune,
    such as the shared playbooks, which the admins keep)."""
    query = (select(User).join(UserRole).where(User.is_active.is_(True), UserRole.role.in_(set(roles)))
             .order_by(User.id))
    return list(session.scalars(query).unique())


# --- The in-app inbox --------------------------------------------------------------------------

def inbox_query(user_id: int, unread_only: bool = False):
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def mark_read(session: Session, user: User, notification_id: int, now: datetime) -> Notification | None:
    """Mark one of the user's own notifications read; None if it is not theirs (no leak)."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        return None
    if row.read_at is None:
        row.read_at = now
        session.flush()
    return row


def mark_all_read(session: Session, user: User, now: datetime) -> int:
    result = session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=now))
    return result.rowcount or 0


def update_preferences(session: Session, actor: Actor, user: User, *, email_notifications: bool, daily_digest: bool,
                       now: datetime, expected_version: int | None, zone: tzinfo = DEFAULT_ZONE) -> User:
    """Change how a user receives e-mail, and move their waiting e-mails to match."""
    check_version(user, expected_version)
    before = {"email_notifications": user.email_notifications, "daily_digest": user.daily_digest}
    user.email_notifications, user.daily_digest = email_notifications, daily_digest
    pending = session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.email_status == "pending")).all()
    for row in pending:
        if not email_notifications:
            row.email_status, row.last_error = "skipped", "người nhận đã tắt e-mail"
        else:
            row.next_attempt_at = first_attempt_at(user, row.kind, now, zone)
    session.flush()
    after = {"email_notifications": email_notifications, "daily_digest": daily_digest}
    audit.record(session, actor, "update", now=now, object_type="user_preferences", object_id=user.id,
                 commune_id=user.organisation_id, summary=user.email, changes=audit.diff(before, after))
    return user
