"""Append-only, hash-chained audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ir_app.models.base import Base, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_commune_at", "commune_id", "at"),
        # A commune's log, newest first (the audit page): read backwards, no sort, no filtering.
        Index("ix_audit_events_commune_id_order", "commune_id", "id"),
        Index("ix_audit_events_object", "object_type", "object_id"),
        # The newest event of no commune (services/change_mark.py) in one probe, however long the log.
        Index("ix_audit_events_unowned", "id", postgresql_where=text("commune_id IS NULL"),
              sqlite_where=text("commune_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(200))  # kept even if the user is renamed
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[str] = mapped_column(String(500), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """A single row locked by every writer so the chain has one order.

    Events from `keyed_from_id` on are sealed with HMAC-SHA256 under the audit key (kept outside
    the database); older ones, written before keying, keep their plain SHA-256. `mac` seals this
    row itself, so dropping the last events and moving the head back is noticed."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    keyed_from_id: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    mac: Mapped[str] = mapped_column(String(64), default="", server_default="")
