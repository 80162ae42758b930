"""What the scheduler keeps in the database: the lease that makes it one-per-deployment, the
last run of each job (shown to admins), and personal calendar-feed tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.org import User


class SchedulerLease(Base):
    """Exactly one scheduler per database holds this row; it renews it by heartbeat.

    A holder that stops renewing (crash, pulled plug) loses the lease when `expires_at` passes,
    and another scheduler takes over.
    """

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobRun(Base):
    """The latest run of one scheduled job, for the admins' status page."""

    __tablename__ = "job_runs"

    job_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str] = mapped_column(String(16), default="")
    last_summary: Mapped[str] = mapped_column(String(500), default="")
    last_error: Mapped[str] = mapped_column(String(1000), default="")
    run_count: Mapped[int] = mapped_column(Integer, default=0)


class CalendarFeed(Base):
    """A personal ICS feed: the secret URL token is kept only as its SHA-256; revoking deletes it."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
