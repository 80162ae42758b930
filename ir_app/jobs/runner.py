"""Run a job once at a given moment: one unit of work, its outcome kept for the status page."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from ir_app.jobs.env import JobEnv
from ir_app.jobs.registry import JOBS, Job
from ir_app.models.scheduling import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobOutcome:
    job_id: str
    ok: bool
    summary: str


CONFLICT_RETRIES = 3


def run_job(env: JobEnv, job: Job, now: datetime) -> JobOutcome:
    """Run `job` as of `now`; an error is logged and recorded, never raised (the next job runs).

    A write conflict with a racing process (the same reminder, the next audit row) is retried from
    scratch: jobs are idempotent, so the second pass simply finds the work already done."""
    for attempt in range(1, CONFLICT_RETRIES + 1):
        outcome = _attempt(env, job, now, last=attempt == CONFLICT_RETRIES)
        if outcome is not None:
            break
    _remember(env, outcome, now)
    return outcome


def _attempt(env: JobEnv, job: Job, now: datetime, last: bool) -> JobOutcome | None:
    session = env.session_factory()
    try:
        summary = job.run(env, session, now)
        session.commit()
        return JobOutcome(job.id, True, summary)
    except (IntegrityError, OperationalError) as conflict:
        session.rollback()
        if not last:
            log.info("job %s met a concurrent write, retrying: %s", job.id, conflict)
            return None
        log.exception("job %s failed", job.id)
        return JobOutcome(job.id, False, f"{type(conflict).__name__}: {conflict}")
    except Exception as error:  # a failing job must not stop the others or the scheduler
        session.rollback()
        log.exception("job %s failed", job.id)
        return JobOutcome(job.id, False, f"{type(error).__name__}: {error}")
    finally:
        session.close()


def run_due(env: JobEnv, now: datetime, jobs: tuple[Job, ...] = JOBS) -> list[JobOutcome]:
    """Every job once, in registry order (reminders first, then the outbox)."""
    return [run_job(env, job, now) for job in jobs]


def _remember(env: JobEnv, outcome: JobOutcome, now: datetime) -> None:
    session = env.session_factory()
    try:
        for _ in range(2):  # a racing process may create the row between our look and our insert
            row = session.scalar(select(JobRun).where(JobRun.job_id == outcome.job_id))
            if row is None:
                row = JobRun(job_id=outcome.job_id, run_count=0)
                session.add(row)
            row.last_started_at = row.last_finished_at = now
            row.last_status = "ok" if outcome.ok else "error"
            row.last_summary = outcome.summary[:500] if outcome.ok else row.last_summary
            row.last_error = "" if outcome.ok else outcome.summary[:1000]
            row.run_count = (row.run_count or 0) + 1
            try:
                session.commit()
                return
            except IntegrityError:
                session.rollback()
    except Exception:  # bookkeeping must never break a job run
        session.rollback()
        log.warning("could not record the outcome of job %s", outcome.job_id, exc_info=True)
    finally:
        session.close()
