"""Every change to an incident lands twice: on its timeline (for the people working it) and in the
hash-chained audit log (for whoever checks later)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ir_app.models import Incident, TimelineEntry
from ir_app.services import audit
from ir_app.services.audit import Actor


def log_event(session: Session, actor: Actor, incident: Incident, now: datetime, event: str, text: str, *,
              at: datetime | None = None, automatic: bool = True, action: str = "update",
              object_type: str = "incident", object_id: Any = None,
              changes: dict[str, Any] | None = None) -> TimelineEntry:
    """A timeline entry plus the matching audit event; flushes, the caller commits."""
    entry = TimelineEntry(incident_id=incident.id, at=at or now, recorded_at=now, actor_id=actor.user_id,
                          actor_label=actor.label, is_automatic=automatic, event=event, text=text)
    session.add(entry)
    session.flush()
    audit.record(session, actor, action, now=now, object_type=object_type, object_id=object_id or incident.id,
                 commune_id=incident.commune_id, summary=f"{incident.code}: {text}"[:500], changes=changes)
    return entry

