"""Put reminders and alerts in the outbox, exactly once per (key, recipient)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ir_app.domain.reminders import next_digest_at
from ir_app.models import Organisation, User, UserRole
from ir_app.models.notifications import Notification
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.notifications import channels
from ir_app.services.notifications.once import insert_once
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
    return pick_holders(role_holders(session, org_ids, wanted), org_ids, wanted)


ORGANISATIONS_PER_LOOKUP = 500


def role_holders(session: Session, org_ids: Iterable[int], roles: Iterable[str]) -> dict[int, list[tuple[User, str]]]:
    """(user, role) of the active users of these organisations holding any of the roles, by organisation:
    the recipients of many communes at once (one statement per 500 organisations)."""
    org_ids, wanted = sorted(set(org_ids)), sorted(set(roles))
    holders: dict[int, list[tuple[User, str]]] = {}
    for start in range(0, len(org_ids), ORGANISATIONS_PER_LOOKUP):
        query = (select(User, UserRole.role).join(UserRole)
                 .where(User.organisation_id.in_(org_ids[start:start + ORGANISATIONS_PER_LOOKUP]),
                        User.is_active.is_(True), UserRole.role.in_(wanted)).order_by(User.id))
        for user, role in session.execute(query):
            holders.setdefault(user.organisation_id, []).append((user, role))
    return holders


def pick_holders(holders: dict[int, list[tuple[User, str]]], org_ids: Iterable[int], roles: Iterable[str]
                 ) -> list[User]:
    """The users of `role_holders` in these organisations holding any of the roles, each once, by id."""
    wanted = set(roles)
    users = {user.id: user for org_id in org_ids for user, role in holders.get(org_id, ()) if role in wanted}
    return [users[user_id] for user_id in sorted(users)]


@dataclass(frozen=True)
class Addressed:
    """A message and the users it is for."""
    message: Message
    users: tuple[User, ...]
    commune_id: int | None = None


def notify(session: Session, message: Message, users: Iterable[User], now: datetime,
           commune_id: int | None = None, zone: tzinfo = DEFAULT_ZONE) -> int:
    """Queue the message for each user not yet holding it; returns how many rows were added.

    Users who chose a daily digest get the e-mail with the next digest (urgent kinds excepted);
    users who turned e-mail off only see it in the app.
    """
    return notify_many(session, [Addressed(message, tuple(users), commune_id)], now, zone)


def notify_many(session: Session, batch: Iterable[Addressed], now: datetime, zone: tzinfo = DEFAULT_ZONE) -> int:
    """`notify` for many messages at once: one multi-row insert per few hundred (key, user) rows, and
    the phone channels of all the recipients looked up together. Returns how many rows were added."""
    batch = list(batch)
    rows: dict[tuple[str, int], dict] = {}
    for item in batch:
        message = item.message
        for user in item.users:
            rows.setdefault((message.key, user.id), dict(
                dedup_key=message.key, user_id=user.id, commune_id=item.commune_id, kind=message.kind,
                subject=message.subject[:300], body=message.body, link=message.link[:500], created_at=now,
                next_attempt_at=first_attempt_at(user, message.kind, now, zone),
                email_status="pending" if user.email_notifications else "skipped"))
    added = insert_once(session, Notification.__table__, list(rows.values()), ["dedup_key", "user_id"])
    # Phones and other systems: the users' own channels and the commune's shared ones, each once.
    channels.enqueue_many(session, [channels.Queued(
        item.message.key, item.message.kind, item.message.subject, item.message.body, item.message.link,
        tuple(user.id for user in item.users), item.commune_id) for item in batch], now)
    return added


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
