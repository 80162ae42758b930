"""A lease row in the database makes the scheduler one-per-deployment.

Each contender calls `acquire_or_renew` with its own holder id. One conditional UPDATE decides:
it succeeds when the row is ours already or has expired, so of two racing processes exactly one
wins (PostgreSQL re-checks the condition on the locked row; SQLite serialises writers). A holder
that stops renewing loses the lease at `expires_at`, and the next contender takes it over.

Each call is its own short transaction: the lease must be visible to others at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ir_app.models.scheduling import SchedulerLease

SCHEDULER_LEASE = "scheduler"


@dataclass(frozen=True)
class LeaseInfo:
    holder: str
    acquired_at: datetime
    renewed_at: datetime
    expires_at: datetime

    def is_live(self, now: datetime) -> bool:
        return self.expires_at > now


def acquire_or_renew(session: Session, holder: str, now: datetime, ttl: timedelta,
                     name: str = SCHEDULER_LEASE) -> bool:
    """Take or keep the lease for `ttl`; False when another live holder has it. Commits."""
    renewed = session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(renewed_at=now, expires_at=now + ttl))
    if renewed.rowcount == 1:
        session.commit()
        return True
    taken = session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.expires_at <= now)
        .values(holder=holder, acquired_at=now, renewed_at=now, expires_at=now + ttl))
    if taken.rowcount == 1:
        session.commit()
        return True
    session.rollback()
    row = session.get(SchedulerLease, name)
    if row is not None:
        # A racing call of the same holder may have just taken it: that is still ours.
        return row.holder == holder and row.expires_at > now
    try:
        session.add(SchedulerLease(name=name, holder=holder, acquired_at=now, renewed_at=now,
                                   expires_at=now + ttl))
        session.commit()
    except IntegrityError:  # another contender created the row first
        session.rollback()
        return False
    return True


def release(session: Session, holder: str, now: datetime, name: str = SCHEDULER_LEASE) -> None:
    """Give the lease up at a clean shutdown, so a standby takes over without waiting."""
    session.execute(update(SchedulerLease).where(SchedulerLease.name == name, SchedulerLease.holder == holder)
                    .values(expires_at=now))
    session.commit()


def current(session: Session, name: str = SCHEDULER_LEASE) -> LeaseInfo | None:
    row = session.scalar(select(SchedulerLease).where(SchedulerLease.name == name)
                         .execution_options(populate_existing=True))
    if row is None:
        return None
    return LeaseInfo(row.holder, row.acquired_at, row.renewed_at, row.expires_at)
