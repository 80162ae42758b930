"""The outbox: one row per (reminder, recipient); the e-mail side retries until delivered."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.org import User

EMAIL_STATUSES = ("pending", "sent", "failed", "skipped")


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # The deduplication key makes every reminder exactly-once per recipient, even when two
        # schedulers race: the second insert hits this constraint.
        UniqueConstraint("dedup_key", "user_id"),
        CheckConstraint("email_status IN ('pending', 'sent', 'failed', 'skipped')", name="email_status"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_email_due", "email_status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
