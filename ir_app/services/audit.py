"""Record and verify the hash-chained audit log."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from ir_app.models import AuditChainHead, AuditEvent, User

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who acts: a user, or the system itself (scheduler, CLI) with a label."""

    user_id: int | None
    label: str
    ip_address: str = ""

    @classmethod
    def of(cls, user: User, ip_address: str = "") -> Actor:
        return cls(user.id, user.email, ip_address)

    @classmethod
    def system(cls, label: str = "hệ thống") -> Actor:
        return cls(None, label)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields only, as {field: [old, new]}."""
    return {
        key: [_plain(old.get(key)), _plain(new.get(key))]
        for key in sorted(set(old) | set(new))
        if _plain(old.get(key)) != _plain(new.get(key))
    }


HASHED_FIELDS = ("id", "at", "actor_id", "actor_label", "commune_id", "action", "object_type", "object_id",
                 "summary", "changes", "ip_address", "prev_hash")


def event_digest(event: AuditEvent) -> str:
    return row_digest({name: getattr(event, name) for name in HASHED_FIELDS})


def row_digest(row: dict[str, Any]) -> str:
    """The hash of one event given as a plain row (the columns of HASHED_FIELDS)."""
    payload = {name: row[name] for name in HASHED_FIELDS}
    payload["at"] = row["at"].isoformat()
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock_chain_head(session: Session) -> AuditChainHead:
    """The chain head, locked until the caller commits, and read fresh.

    SQLite ignores FOR UPDATE, and the driver runs reads outside any transaction until the first
    write: a head read first could be extended by another process before this one writes, and two
    events would claim the same place. A no-op UPDATE first makes this transaction the writer
    (others wait on the busy timeout); on PostgreSQL it takes the row lock like FOR UPDATE."""
    session.execute(update(AuditChainHead.__table__).where(AuditChainHead.id == 1)
                    .values(last_event_id=AuditChainHead.last_event_id))
    head = session.execute(
        select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()
        .execution_options(populate_existing=True)  # sessions live across commits (CLI, jobs)
    ).scalar_one_or_none()
    if head is None:
        head = AuditChainHead(id=1, last_event_id=0, last_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    now: datetime,
    object_type: str,
    object_id: Any = "",
    commune_id: int | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Flushes; the caller commits with its own unit of work."""
    head = _lock_chain_head(session)
    event = AuditEvent(
        id=head.last_event_id + 1,
        at=now.astimezone(timezone.utc),
        actor_id=actor.user_id,
        actor_label=actor.label,
        commune_id=commune_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        summary=summary[:500],
        changes=_plain(changes or {}),
        ip_address=actor.ip_address,
        prev_hash=head.last_hash,
        hash="",
    )
    event.hash = event_digest(event)
    session.add(event)
    head.last_event_id = event.id
    head.last_hash = event.hash
    session.flush()
    return event


@dataclass(frozen=True)
class Draft:
    """One event to append in bulk (see record_many)."""

    at: datetime
    actor: Actor
    action: str
    object_type: str
    object_id: Any = ""
    commune_id: int | None = None
    summary: str = ""
    changes: dict[str, Any] | None = None


def record_many(session: Session, drafts: Iterable[Draft], batch_size: int = 2000,
                write: Callable[[Table, list[dict[str, Any]]], None] | None = None) -> int:
    """Append many events in the given order: the same chain ``record`` builds, for bulk loads
    (synthetic data) where one flush per event would take minutes. ``write`` inserts a batch of
    rows (default: a Core insert). Returns the count."""
    write = write or (lambda table, rows: session.execute(insert(table), rows))
    head = _lock_chain_head(session)
    next_id, previous_hash, batch, written = head.last_event_id + 1, head.last_hash, [], 0
    for draft in drafts:
        row = {"id": next_id, "at": draft.at.astimezone(timezone.utc), "actor_id": draft.actor.user_id,
               "actor_label": draft.actor.label, "commune_id": draft.commune_id, "action": draft.action,
               "object_type": draft.object_type, "object_id": str(draft.object_id or ""),
               "summary": draft.summary[:500], "changes": _plain(draft.changes or {}),
               "ip_address": draft.actor.ip_address, "prev_hash": previous_hash}
        row["hash"] = previous_hash = row_digest(row)
        batch.append(row)
        next_id += 1
        if len(batch) >= batch_size:
            written += _write_batch(write, batch)
    written += _write_batch(write, batch)
    head.last_event_id, head.last_hash = next_id - 1, previous_hash
    session.flush()
    return written


def _write_batch(write: Callable[[Table, list[dict[str, Any]]], None], rows: list[dict[str, Any]]) -> int:
    if rows:
        write(AuditEvent.__table__, rows)
    count = len(rows)
    rows.clear()
    return count


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(session: Session, batch_size: int = 1000) -> VerifyResult:
    """Walk the chain in id order; report the first row whose hash or link is wrong."""
    previous_hash, expected_id, checked = GENESIS_HASH, 1, 0
    for event in _iterate_events(session, batch_size):
        if event.id != expected_id:
            return VerifyResult(checked, expected_id, "thiếu bản ghi (đã bị xóa)")
        if event.prev_hash != previous_hash:
            return VerifyResult(checked, event.id, "liên kết với bản ghi trước bị sai")
        if event_digest(event) != event.hash:
            return VerifyResult(checked, event.id, "nội dung đã bị sửa (mã băm không khớp)")
        previous_hash, expected_id, checked = event.hash, event.id + 1, checked + 1
    head = session.get(AuditChainHead, 1)
    if head is not None and head.last_event_id != checked:
        return VerifyResult(checked, checked + 1, "các bản ghi cuối chuỗi đã bị xóa")
    return VerifyResult(checked)


def _iterate_events(session: Session, batch_size: int) -> Iterable[AuditEvent]:
    last_id = 0
    while True:
        batch = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch_size)
        ).all()
        if not batch:
            return
        for event in batch:
            yield event
            session.expunge(event)  # keep memory flat on long chains
        last_id = batch[-1].id
