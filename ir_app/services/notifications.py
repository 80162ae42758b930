"""Put reminders and alerts in the outbox, exactly once per (key, recipient)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ir_app.models import Organisation, User, UserRole
from ir_app.models.notifications import Notification


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
           commune_id: int | None = None) -> int:
    """Queue the message for each user not yet holding it; returns how many rows were added."""
    added = 0
    for user in users:
        if session.scalar(select(Notification.id).where(Notification.dedup_key == message.key,
                                                        Notification.user_id == user.id)):
            continue
        row = Notification(dedup_key=message.key, user_id=user.id, commune_id=commune_id, kind=message.kind,
                           subject=message.subject[:300], body=message.body, link=message.link[:500],
                           created_at=now, next_attempt_at=now,
                           email_status="pending" if user.email_notifications else "skipped")
        try:
            with session.begin_nested():  # a racing scheduler may have inserted it meanwhile
                session.add(row)
        except IntegrityError:
            continue
        added += 1
    return added


def notify_roles(session: Session, message: Message, commune_id: int, roles: Iterable[str],
                 now: datetime) -> int:
    return notify(session, message, recipients(session, commune_id, roles), now, commune_id)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0
