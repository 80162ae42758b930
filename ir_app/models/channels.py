"""Alert channels besides e-mail (webhook, Telegram, Zalo OA) and what the outbox sent through them.

An endpoint belongs to a user (their own phone) or to a commune (the commune's group chat, its
monitoring system's webhook). Each delivery is one row per (reminder key, endpoint): the unique
constraint keeps it exactly once however many schedulers race, as for e-mail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime

CHANNEL_KINDS = ("webhook", "telegram", "zalo")
DELIVERY_STATUSES = ("pending", "sent", "failed")


class ChannelEndpoint(Base):
    __tablename__ = "channel_endpoints"
    __table_args__ = (
        CheckConstraint("kind IN ('webhook', 'telegram', 'zalo')", name="channel_kind"),
        CheckConstraint("(user_id IS NULL) <> (commune_id IS NULL)", name="channel_one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(120), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    # webhook: the URL; telegram: the chat id; zalo: the follower's user id or "group:<id>"
    address: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(128), default="")   # webhook HMAC key
    topics: Mapped[str] = mapped_column(String(200), default="")   # comma-separated; empty = every topic
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def topic_set(self) -> frozenset[str]:
        return frozenset(topic for topic in self.topics.split(",") if topic)


class ChannelDelivery(Base):
    __tablename__ = "channel_deliveries"
    __table_args__ = (
        UniqueConstraint("dedup_key", "endpoint_id"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="channel_delivery_status"),
        Index("ix_channel_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("channel_endpoints.id", ondelete="CASCADE"))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[ChannelEndpoint] = relationship()
