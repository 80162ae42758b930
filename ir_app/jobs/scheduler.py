"""APScheduler 3.x with exactly one active scheduler per database.

Every scheduler process (the dedicated `ir-app scheduler`, or the one inside `ir-app serve` /
`ir-app demo` on a single PC) is a `SchedulerNode`. Each node schedules every job, but a job
only runs on the node that holds the lease row: the node renews the lease by heartbeat and
right before each run. A second node therefore stands by; when the first one crashes its lease
expires and the standby takes over at its next heartbeat. A node that loses the lease (it was
frozen longer than the lease lasts) stops running jobs at once.

Pitfalls avoided (STYLE.md): jobs live in a memory job store, never shared between processes;
the app factory starts nothing, so gunicorn workers and the debug reloader never run jobs;
coalesce + max_instances=1 + a misfire grace measured in minutes (not APScheduler's default of
one second) so a busy or sleeping PC still runs each missed job once.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from ir_app.jobs.env import JobEnv
from ir_app.jobs.registry import JOBS, Job
from ir_app.jobs.runner import JobOutcome, run_job
from ir_app.jobs import lease
from ir_app.jobs.lease import LeaseInfo

log = logging.getLogger(__name__)

LEASE_TTL = timedelta(seconds=90)
HEARTBEAT = timedelta(seconds=30)
HEARTBEAT_JOB_ID = "scheduler.heartbeat"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 600}


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseBusy(Exception):
    """Another scheduler holds the lease (for `ir-app scheduler --no-wait`)."""


class SchedulerNode:
    """One process that may run the jobs; it runs them only while it holds the lease."""

    def __init__(self, env: JobEnv, holder: str | None = None, ttl: timedelta = LEASE_TTL,
                 announce: Callable[[str], None] | None = None, jobs: tuple[Job, ...] = JOBS):
        self.env, self.ttl = env, ttl
        self.jobs = {job.id: job for job in jobs}
        self.holder = holder or default_holder()
        self.holds_lease = False
        self.announce = announce or log.info
        # The heartbeat job and job runs call heartbeat() from pool threads; one at a time,
        # so a slower call cannot overwrite a newer answer.
        self._heartbeat_lock = threading.Lock()
        self._released = False

    def heartbeat(self) -> bool:
        """Take or renew the lease; announces when this node gains or loses it."""
        with self._heartbeat_lock:
            if self._released:  # shutting down: a job still in flight must not take it back
                return False
            return self._heartbeat()

    def _heartbeat(self) -> bool:
        session = self.env.session_factory()
        try:
            holds = lease.acquire_or_renew(session, self.holder, self.env.clock.now(), self.ttl)
        except Exception:  # database briefly unreachable: act as if the lease were lost
            log.warning("lease heartbeat failed", exc_info=True)
            session.rollback()
            holds = False
        finally:
            session.close()
        if holds != self.holds_lease:
            self.announce(f"Bộ lập lịch {self.holder}: đã nhận quyền chạy các việc định kỳ." if holds else
                          f"Bộ lập lịch {self.holder}: không (còn) giữ quyền chạy; chuyển sang chờ.")
        self.holds_lease = holds
        return holds

    def run(self, job_id: str) -> JobOutcome | None:
        """What APScheduler calls for each job: run it only if the lease is still ours."""
        if not self.heartbeat():
            return None
        return run_job(self.env, self.jobs[job_id], self.env.clock.now())

    def release(self) -> None:
        with self._heartbeat_lock:
            self._released = True
            if not self.holds_lease:
                return
            session = self.env.session_factory()
            try:
                lease.release(session, self.holder, self.env.clock.now())
            finally:
                session.close()
            self.holds_lease = False

    def current_lease(self) -> LeaseInfo | None:
        session = self.env.session_factory()
        try:
            return lease.current(session)
        finally:
            session.close()


def build_scheduler(node: SchedulerNode, scheduler_class: type[BaseScheduler] = BlockingScheduler,
                    heartbeat: timedelta = HEARTBEAT) -> BaseScheduler:
    """Every job of the node under its stable id, plus the lease heartbeat. Not started."""
    scheduler = scheduler_class(timezone=node.env.zone, job_defaults=dict(JOB_DEFAULTS),
                                executors={"default": ThreadPoolExecutor(4)})
    scheduler.add_job(node.heartbeat, "interval", seconds=heartbeat.total_seconds(), id=HEARTBEAT_JOB_ID,
                      name="Gia hạn quyền chạy lịch", next_run_time=datetime.now(node.env.zone),
                      misfire_grace_time=max(1, int(heartbeat.total_seconds())))
    for job in node.jobs.values():
        scheduler.add_job(node.run, args=[job.id], id=job.id, name=job.title,
                          misfire_grace_time=job.misfire_grace_seconds, replace_existing=True, **job.trigger)
    return scheduler


def lease_message(info: LeaseInfo | None, env: JobEnv) -> str:
    if info is None:
        return "Chưa có bộ lập lịch nào giữ quyền chạy."
    until = info.expires_at.astimezone(env.zone).strftime("%H:%M:%S %d/%m/%Y")
    return (f"Một bộ lập lịch khác đang chạy ({info.holder}), giữ quyền đến {until} và tự gia hạn. "
            "Mỗi cơ sở dữ liệu chỉ được có một bộ lập lịch hoạt động.")


def run_forever(env: JobEnv, wait: bool = True, announce: Callable[[str], None] = print) -> None:
    """`ir-app scheduler`: block, running the jobs while holding the lease (or standing by)."""
    node = SchedulerNode(env, announce=announce)
    if not node.heartbeat():
        message = lease_message(node.current_lease(), env)
        if not wait:
            raise LeaseBusy(message)
        announce(message + " Bộ lập lịch này chờ và sẽ tự nhận quyền khi bộ kia dừng.")
    scheduler = build_scheduler(node, BlockingScheduler)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        node.release()


def start_in_process(env: JobEnv, announce: Callable[[str], None] = print) -> tuple[BaseScheduler, SchedulerNode]:
    """For the single-PC install (`ir-app serve` / `ir-app demo`): a background scheduler that
    runs jobs only when this process gets the lease. Call `stop_in_process` on shutdown."""
    node = SchedulerNode(env, announce=announce)
    scheduler = build_scheduler(node, BackgroundScheduler)
    scheduler.start()
    return scheduler, node


def stop_in_process(scheduler: BaseScheduler, node: SchedulerNode) -> None:
    scheduler.shutdown(wait=False)
    node.release()
