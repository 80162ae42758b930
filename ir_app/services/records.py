"""Saving an editable record the same way everywhere: the version the user loaded must still be
current (optimistic locking), and the audit event says what changed."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ConflictError


def snapshot(obj: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def check_version(obj: Any, expected_version: int | None) -> None:
    """Optimistic locking for forms: the version the user loaded must still be current."""
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError()


def save_record(session: Session, actor: Actor, record: Any, values: dict[str, Any], *, object_type: str,
                commune_id: int, now: datetime, expected_version: int | None = None) -> Any:
    """Create `record` (new, never flushed) or update it with `values`: version-checked, and audited
    with what changed. For a commune's simple records (contacts, units)."""
    if record.id is None:
        before, action = {}, "create"
        session.add(record)
    else:
        check_version(record, expected_version)
        before, action = snapshot(record, list(values)), "update"
    for name, value in values.items():
        setattr(record, name, value)
    session.flush()
    audit.record(session, actor, action, now=now, object_type=object_type, object_id=record.id,
                 commune_id=commune_id, summary=record.name, changes=audit.diff(before, values))
    return record
