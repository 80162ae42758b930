"""Backup plans per system, the runs that happened, and restore tests."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.domain.backups import Frequency, Method, RunResult
from ir_app.models.base import Base, UTCDateTime, enum_check
from ir_app.models.inventory import InformationSystem
from ir_app.models.org import Organisation, User

RUN_SOURCES = ("manual", "cli", "api")


class BackupPlan(Base):
    """Phương án sao lưu: what is copied, how often, where the copies go, who is responsible."""

    __tablename__ = "backup_plans"
    __table_args__ = (
        CheckConstraint(enum_check("method", Method), name="method"),
        CheckConstraint(enum_check("frequency", Frequency), name="frequency"),
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("day_of_month IS NULL OR day_of_month BETWEEN 1 AND 28", name="day_of_month"),
        CheckConstraint("grace_hours >= 0 AND retention_days >= 0", name="non_negative"),
        CheckConstraint("restore_test_interval_months BETWEEN 1 AND 60", name="restore_interval"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("information_systems.id", ondelete="CASCADE"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(Text, default="")            # what is backed up
    method: Mapped[str] = mapped_column(String(16), default=Method.FULL)
    frequency: Mapped[str] = mapped_column(String(16), default=Frequency.DAILY)
    time_of_day: Mapped[str] = mapped_column(String(5), default="22:00")   # local time
    weekday: Mapped[int | None] = mapped_column(Integer)          # 0 = Monday (weekly plans)
    day_of_month: Mapped[int | None] = mapped_column(Integer)     # monthly plans
    cron: Mapped[str] = mapped_column(String(100), default="")    # cron-like rule (frequency = cron)
    grace_hours: Mapped[int] = mapped_column(Integer, default=12)
    retention_days: Mapped[int] = mapped_column(Integer, default=30)
    # [{"kind": "on_site" | "off_site" | "offline" | "cloud", "description": "..."}]
    destinations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    is_encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    encryption_detail: Mapped[str] = mapped_column(String(300), default="")
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                            index=True)
    rpo_hours: Mapped[int | None] = mapped_column(Integer)
    rto_hours: Mapped[int | None] = mapped_column(Integer)
    restore_test_interval_months: Mapped[int] = mapped_column(Integer, default=6)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)      # no run is expected before this
    # What the plan's health needs of the clock, kept by services/backups/due.py whenever a run, a
    # restore test or the plan changes, so overdue plans are counted in SQL (issue 17):
    # overdue = next_overdue_at <= now (NULL: inactive plan or unreadable schedule);
    # restore test overdue = active and restore_due_on < today; has_away_copy from destinations.
    next_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    restore_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    has_away_copy: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The backup script's secret: only its SHA-256 is kept; revoking clears it.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    api_token_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    system: Mapped[InformationSystem] = relationship()
    commune: Mapped[Organisation] = relationship()
    responsible_user: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class BackupRun(Base):
    """One backup that happened (or failed), recorded by hand, by the CLI or by a script."""

    __tablename__ = "backup_runs"
    __table_args__ = (
        CheckConstraint(enum_check("result", RunResult), name="result"),
        CheckConstraint("source IN ('manual', 'cli', 'api')", name="source"),
        CheckConstraint("size_bytes IS NULL OR size_bytes >= 0", name="size"),
        Index("ix_backup_runs_plan_ran_at", "plan_id", "ran_at"),
        # "last good run of each plan" (health, overview) reads one index entry per plan
        Index("ix_backup_runs_plan_result_ran_at", "plan_id", "result", "ran_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("backup_plans.id", ondelete="CASCADE"))
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime)
    result: Mapped[str] = mapped_column(String(16))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="manual")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    plan: Mapped[BackupPlan] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class RestoreTest(Base):
    """Khôi phục thử: proof that the copies can actually be restored, and how long it takes."""

    __tablename__ = "restore_tests"
    __table_args__ = (
        CheckConstraint(enum_check("result", RunResult), name="result"),
        CheckConstraint("minutes_to_restore IS NULL OR minutes_to_restore >= 0", name="minutes"),
        Index("ix_restore_tests_plan_tested_on", "plan_id", "tested_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("backup_plans.id", ondelete="CASCADE"))
    tested_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(16))
    minutes_to_restore: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    plan: Mapped[BackupPlan] = relationship()
    recorded_by: Mapped[User | None] = relationship()
