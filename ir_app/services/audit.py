"""Record and verify the hash-chained audit log.

Each event's hash covers its content and the previous event's hash. Since the keyed chain, the
hash is an HMAC-SHA256 under the audit key, which lives outside the database (ops/audit_key.py):
someone able to write to the database can no longer edit an event and recompute the hashes that
follow. The head row (last id, last hash) is sealed with the same key, so dropping the last events
and moving the head back is noticed too. What the database alone cannot show — an old, validly
sealed state put back — a signed checkpoint kept elsewhere does (`ir-app audit checkpoint`).
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from ir_app.models import AuditChainHead, AuditEvent, User

GENESIS_HASH = "0" * 64
CHECKPOINT_FORMAT = "ir-app-audit-checkpoint/1"


class AuditKeyMissing(RuntimeError):
    """The session has no audit key: it was not made by the app's session factory."""


def chain_key(session: Session) -> bytes:
    """The audit key the app's session factory put on the session (db.make_session_factory)."""
    key = session.info.get("audit_key")
    if not key:
        raise AuditKeyMissing("phiên làm việc không có khóa nhật ký: hãy tạo phiên từ ir_session_factory của ứng dụng")
    return key


def key_id(key: bytes) -> str:
    """A short public fingerprint of the key: names it in backups and checkpoints, reveals nothing."""
    return hashlib.sha256(b"ir-app audit key id\0" + key).hexdigest()[:16]


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


def event_digest(event: AuditEvent, key: bytes | None = None) -> str:
    return row_digest({name: getattr(event, name) for name in HASHED_FIELDS}, key)


def row_digest(row: dict[str, Any], key: bytes | None = None) -> str:
    """The hash of one event given as a plain row (the columns of HASHED_FIELDS): HMAC-SHA256 under
    `key`, or plain SHA-256 for the events written before the chain was keyed (key None)."""
    payload = {name: row[name] for name in HASHED_FIELDS}
    payload["at"] = row["at"].isoformat()
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if key is None:
        return hashlib.sha256(canonical).hexdigest()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def head_mac(key: bytes, last_event_id: int, last_hash: str, keyed_from_id: int) -> str:
    """The seal of the head row: where the chain ends, and from where events are keyed."""
    message = f"ir-app audit head|{last_event_id}|{last_hash}|{keyed_from_id}".encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _head_is_sealed(key: bytes, head: AuditChainHead) -> bool:
    expected = head_mac(key, head.last_event_id, head.last_hash, head.keyed_from_id)
    return hmac.compare_digest(head.mac or "", expected)


def _advance_head(key: bytes, head: AuditChainHead, last_event_id: int, last_hash: str) -> None:
    """Move the head to the new last event and re-seal it — unless its seal was already wrong.

    A head that does not verify was changed behind the app's back; sealing the moved head would
    launder that change, so the broken seal is left for `audit verify` to report. Only an empty
    chain (a new database) may start unsealed."""
    trusted = _head_is_sealed(key, head) or (not head.mac and head.last_event_id == 0)
    head.last_event_id, head.last_hash = last_event_id, last_hash
    if trusted:
        head.mac = head_mac(key, last_event_id, last_hash, head.keyed_from_id)


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
        head = AuditChainHead(id=1, last_event_id=0, last_hash=GENESIS_HASH, keyed_from_id=1, mac="")
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
    key = chain_key(session)
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
    event.hash = event_digest(event, key)
    session.add(event)
    _advance_head(key, head, event.id, event.hash)
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
    key = chain_key(session)
    head = _lock_chain_head(session)
    next_id, previous_hash, batch, written = head.last_event_id + 1, head.last_hash, [], 0
    for draft in drafts:
        row = {"id": next_id, "at": draft.at.astimezone(timezone.utc), "actor_id": draft.actor.user_id,
               "actor_label": draft.actor.label, "commune_id": draft.commune_id, "action": draft.action,
               "object_type": draft.object_type, "object_id": str(draft.object_id or ""),
               "summary": draft.summary[:500], "changes": _plain(draft.changes or {}),
               "ip_address": draft.actor.ip_address, "prev_hash": previous_hash}
        row["hash"] = previous_hash = row_digest(row, key)
        batch.append(row)
        next_id += 1
        if len(batch) >= batch_size:
            written += _write_batch(write, batch)
    written += _write_batch(write, batch)
    _advance_head(key, head, next_id - 1, previous_hash)
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
    checkpoint_id: int | None = None  # the checkpoint's last event, when one was checked

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(session: Session, batch_size: int = 1000, checkpoint: dict[str, Any] | None = None) -> VerifyResult:
    """Walk the chain in id order; report the first row whose hash or link is wrong, then check
    the head's seal and, when given, that the chain still holds the checkpoint's events unchanged."""
    key = chain_key(session)
    if checkpoint is not None and (problem := checkpoint_problem(key, checkpoint)):
        return VerifyResult(0, int(checkpoint.get("last_event_id") or 0), problem)
    head = session.execute(select(AuditChainHead).where(AuditChainHead.id == 1)
                           .execution_options(populate_existing=True)).scalar_one_or_none()
    mark = (int(checkpoint["last_event_id"]), checkpoint["last_hash"]) if checkpoint else None
    walked, last_hash = _walk(session, key, head.keyed_from_id if head is not None else 1, mark, batch_size)
    if not walked.ok:
        return walked
    checked = walked.checked
    if mark and checked < mark[0]:
        return VerifyResult(checked, checked + 1, f"các bản ghi đến #{mark[0]} có trong điểm kiểm tra đã bị xóa")
    problem = _head_problem(key, head, checked, last_hash)
    if problem:
        return VerifyResult(checked, checked + 1 if head is None or head.last_event_id > checked else checked,
                            problem)
    return VerifyResult(checked, checkpoint_id=mark[0] if mark else None)


def _walk(session: Session, key: bytes, keyed_from: int, mark: tuple[int, str] | None,
          batch_size: int) -> tuple[VerifyResult, str]:
    """Every event's link and hash (SHA-256 before `keyed_from`, HMAC from it); the last hash."""
    previous_hash, expected_id, checked = GENESIS_HASH, 1, 0
    for event in _iterate_events(session, batch_size):
        if event.id != expected_id:
            return VerifyResult(checked, expected_id, "thiếu bản ghi (đã bị xóa)"), previous_hash
        if event.prev_hash != previous_hash:
            return VerifyResult(checked, event.id, "liên kết với bản ghi trước bị sai"), previous_hash
        keyed = event.id >= keyed_from
        if not hmac.compare_digest(event_digest(event, key if keyed else None), event.hash):
            reason = ("nội dung đã bị sửa (mã xác thực HMAC không khớp, hoặc khóa nhật ký không phải khóa đã ký)"
                      if keyed else "nội dung đã bị sửa (mã băm không khớp)")
            return VerifyResult(checked, event.id, reason), previous_hash
        if mark and event.id == mark[0] and event.hash != mark[1]:
            return (VerifyResult(checked, event.id, "khác với điểm kiểm tra: nhật ký đến bản ghi này đã bị viết lại"),
                    previous_hash)
        previous_hash, expected_id, checked = event.hash, event.id + 1, checked + 1
    return VerifyResult(checked), previous_hash


def _head_problem(key: bytes, head: AuditChainHead | None, last_id: int, last_hash: str) -> str:
    if head is None:
        return "thiếu dòng đầu chuỗi nhật ký" if last_id else ""
    if head.last_event_id != last_id or head.last_hash != last_hash:
        return ("các bản ghi cuối chuỗi đã bị xóa" if head.last_event_id > last_id else
                "đầu chuỗi không khớp với bản ghi cuối (bản ghi cuối đã bị thêm, xóa hoặc sửa)")
    if not head.mac and last_id >= head.keyed_from_id:  # keyed events exist: the app sealed this head
        return "đầu chuỗi chưa được niêm phong dù đã có bản ghi có khóa: đầu chuỗi đã bị sửa"
    if not head.mac:
        return ("đầu chuỗi chưa được niêm phong bằng khóa nhật ký (cơ sở dữ liệu vừa nâng cấp?): "
                "chạy «ir-app db upgrade»" if last_id else "")
    if not _head_is_sealed(key, head):
        return ("niêm phong đầu chuỗi không khớp: đầu chuỗi đã bị sửa (các bản ghi cuối bị xóa?), "
                "hoặc khóa nhật ký không phải khóa đã ký")
    return ""


def seal_head(session: Session) -> bool:
    """Seal the head of a database just upgraded to the keyed chain (no keyed event yet), when the
    chain verifies and ends where the head says. Any other unsealed or wrongly sealed head stays as
    it is: the app seals every head it moves, so that is for `audit verify` to report. Returns True
    when it sealed. Flushes; the caller commits."""
    key = chain_key(session)
    head = _lock_chain_head(session)
    if head.mac or head.last_event_id >= head.keyed_from_id:
        return False
    walked, last_hash = _walk(session, key, head.keyed_from_id, None, 1000)
    if not walked.ok or (head.last_event_id, head.last_hash) != (walked.checked, last_hash):
        return False
    head.mac = head_mac(key, head.last_event_id, head.last_hash, head.keyed_from_id)
    session.flush()
    return True


def rebuild_head(session: Session) -> AuditChainHead:
    """After a restore: derive the head from the events restored instead of trusting the archived
    head row (an archive read table by table had its head older than its events). Where keying
    starts is derived too: the first event whose hash is an HMAC under this key. Then seal it.
    Flushes; the caller commits; `verify` then checks the whole chain as usual."""
    key = chain_key(session)
    head = _lock_chain_head(session)
    last_id, last_hash, keyed_from = 0, GENESIS_HASH, None
    for event in _iterate_events(session, 1000):
        if keyed_from is None and hmac.compare_digest(event_digest(event, key), event.hash):
            keyed_from = event.id
        last_id, last_hash = event.id, event.hash
    head.last_event_id, head.last_hash = last_id, last_hash
    head.keyed_from_id = keyed_from if keyed_from is not None else last_id + 1
    head.mac = head_mac(key, last_id, last_hash, head.keyed_from_id)
    session.flush()
    return head


# --- Checkpoints: the head, signed, kept outside the database --------------------------------------

def _checkpoint_mac(key: bytes, body: dict[str, Any]) -> str:
    canonical = json.dumps({name: body[name] for name in sorted(body) if name != "mac"}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def make_checkpoint(session: Session, now: datetime) -> dict[str, Any]:
    """The current end of a chain that verifies, signed with the audit key. Raises ValueError with
    the reason when the chain does not verify (a broken chain is not worth certifying)."""
    key = chain_key(session)
    result = verify(session)
    if not result.ok:
        raise ValueError(f"chuỗi nhật ký bị phá vỡ tại bản ghi #{result.broken_id}: {result.reason}")
    head = session.get(AuditChainHead, 1)
    body = {"format": CHECKPOINT_FORMAT, "last_event_id": head.last_event_id if head else 0,
            "last_hash": head.last_hash if head else GENESIS_HASH, "count": result.checked,
            "created_at": now.astimezone(timezone.utc).isoformat(), "key_id": key_id(key)}
    body["mac"] = _checkpoint_mac(key, body)
    return body


def checkpoint_problem(key: bytes, checkpoint: dict[str, Any]) -> str:
    """Why the checkpoint cannot be trusted, or "" when its signature holds."""
    fields = {"format", "last_event_id", "last_hash", "count", "created_at", "key_id", "mac"}
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != CHECKPOINT_FORMAT or set(checkpoint) != fields:
        return "tệp điểm kiểm tra không đúng định dạng"
    if checkpoint["key_id"] != key_id(key):
        return (f"điểm kiểm tra được ký bằng khóa nhật ký khác (mã khóa {checkpoint['key_id']}, "
                f"máy này dùng {key_id(key)})")
    if not hmac.compare_digest(str(checkpoint["mac"]), _checkpoint_mac(key, checkpoint)):
        return "chữ ký của điểm kiểm tra không khớp: tệp đã bị sửa"
    if checkpoint["count"] != checkpoint["last_event_id"]:
        return "điểm kiểm tra không nhất quán (số bản ghi khác mã bản ghi cuối)"
    return ""


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
