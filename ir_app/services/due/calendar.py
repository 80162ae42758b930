"""A personal calendar (ICS, RFC 5545) of every deadline the user is responsible for.

The feed URL carries a secret token, so a phone calendar can subscribe without signing in.
Only the token's SHA-256 is stored; rotating or revoking it breaks the old URL at once.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.models import OrgKind, User
from ir_app.models.scheduling import CalendarFeed
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.due.base import Deadline, DueContext
from ir_app.services.due.registry import collect

if TYPE_CHECKING:
    from icalendar import Event

UID_DOMAIN = "attt-xa"
TIMED_EVENT_LENGTH = timedelta(minutes=30)
LAST_USED_PRECISION = timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_of(session: Session, user: User) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def issue_feed_token(session: Session, actor: Actor, user: User, now: datetime) -> str:
    """A new secret URL token for the user's feed (the old URL stops working)."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(session, user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=_hash(token), created_at=now)
        session.add(feed)
    else:
        feed.token_hash, feed.created_at, feed.last_used_at = _hash(token), now, None
    session.flush()
    audit.record(session, actor, "issue_token", now=now, object_type="calendar_feed", object_id=user.id,
                 commune_id=user.organisation_id, summary=f"Lịch cá nhân (ICS) của {user.email}")
    return token


def revoke_feed(session: Session, actor: Actor, user: User, now: datetime) -> bool:
    feed = feed_of(session, user)
    if feed is None:
        return False
    session.delete(feed)
    session.flush()
    audit.record(session, actor, "revoke_token", now=now, object_type="calendar_feed", object_id=user.id,
                 commune_id=user.organisation_id, summary=f"Thu hồi lịch cá nhân (ICS) của {user.email}")
    return True


def user_for_token(session: Session, token: str, now: datetime) -> User | None:
    """The active owner of a feed token; None for an unknown or revoked token.

    Notes when the feed was last read (at most once an hour: a phone polls often), so the user
    can see whether a calendar still uses it. Flushes; the caller commits.
    """
    if not token or len(token) > 200:
        return None
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None or not feed.user.is_active:
        return None
    if feed.last_used_at is None or now - feed.last_used_at > LAST_USED_PRECISION:
        feed.last_used_at = now
        session.flush()
    return feed.user


def deadlines_for(session: Session, user: User, now: datetime, zone: ZoneInfo,
                  playbooks_dir: Path | None) -> list[Deadline]:
    """Deadlines addressed to the user: by name, or by a role they hold in their own commune."""
    own_commune = user.organisation_id if user.organisation.kind == OrgKind.COMMUNE else None
    ctx = DueContext(session, now, zone, playbooks_dir, commune_ids=[own_commune] if own_commune else [])
    roles = {role.value for role in user.roles}
    mine = []
    for deadline in collect(ctx):
        if not deadline.in_calendar:
            continue
        named = user.id in deadline.user_ids
        by_role = bool(roles.intersection(deadline.roles)) and deadline.commune_id in (None, own_commune)
        if named or by_role:
            mine.append(deadline)
    return sorted(mine, key=lambda d: (_as_datetime(d.due, zone), d.uid))


def render_ics(deadlines: list[Deadline], now: datetime, zone: ZoneInfo, base_url: str = "",
               name: str = "ATTT xã") -> bytes:
    from icalendar import Calendar  # loaded by the first feed, not by every worker

    calendar = Calendar()
    calendar.add("prodid", "-//ATTT xa//Lich han cong viec//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(zone))
    for deadline in deadlines:
        calendar.add_component(_event(deadline, now, base_url))
    return calendar.to_ical()


def _event(deadline: Deadline, now: datetime, base_url: str) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", f"{deadline.uid}@{UID_DOMAIN}")
    event.add("dtstamp", now.astimezone(timezone.utc))
    event.add("summary", deadline.title)
    if isinstance(deadline.due, datetime):
        start = deadline.due.astimezone(timezone.utc)
        event.add("dtstart", start)
        event.add("dtend", start + TIMED_EVENT_LENGTH)
    else:
        event.add("dtstart", deadline.due)
        event.add("dtend", deadline.due + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    link = f"{base_url.rstrip('/')}{deadline.link}" if base_url and deadline.link else ""
    description = "\n".join(part for part in (deadline.detail, link) if part)
    if description:
        event.add("description", description)
    if link:
        event.add("url", link)
    event.add("categories", [deadline.kind])
    return event


def _as_datetime(due: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(due, datetime):
        return due
    return datetime.combine(due, datetime.min.time(), zone)
