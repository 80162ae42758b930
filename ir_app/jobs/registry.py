"""Every scheduled job, with a stable id (used by APScheduler, the CLI and the status page).

Jobs are sweepers: each looks at the state of the data at `now` and acts on what is due, so
running one twice, late, or from two processes at once changes nothing (reminders are keyed;
e-mails are claimed). The trigger only says how often to look. Triggers are in local time.

The due items a reminder job sweeps come from the providers in `ir_app/services/due/registry.py`
(the job's `group`); to add a kind of reminder, add a provider there, not a job here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ir_app.i18n_markers import N_
from ir_app.jobs.env import JobEnv
from ir_app.services.notifications import channels, delivery
from ir_app.services.due.base import DueContext
from ir_app.services.due.registry import collect
from ir_app.services.due.reminders import send_due_reminders


@dataclass(frozen=True)
class Job:
    id: str
    title: str
    run: Callable[[JobEnv, Session, datetime], str]     # returns a one-line summary
    trigger: dict[str, Any] = field(default_factory=dict)   # APScheduler add_job trigger arguments
    misfire_grace_seconds: int = 600


def sweep(group: str) -> Callable[[JobEnv, Session, datetime], str]:
    def run(env: JobEnv, session: Session, now: datetime) -> str:
        ctx = DueContext(session, now, env.zone, env.playbooks_dir, reached_only=True)
        return send_due_reminders(ctx, collect(ctx, group)).summary()

    run.__name__ = f"sweep_{group}"
    return run


def deliver_outbox(env: JobEnv, session: Session, now: datetime) -> str:
    # The clock, not `now`, dates the claims: a long run must not outlast them (`--now` may be any time).
    email = delivery.deliver_due(session, env.smtp, now, base_url=env.base_url, max_attempts=env.max_attempts,
                                 clock=env.clock.now).summary()
    phones = channels.deliver_due(session, env.channels, now, base_url=env.base_url, max_attempts=env.max_attempts)
    return f"{email}; {phones.summary()}"


JOBS: tuple[Job, ...] = (
    Job("reminders.incident_clocks", N_("Thời hạn báo cáo sự cố: 12 giờ, 2 giờ trước và quá hạn"),
        sweep("incident_clocks"), {"trigger": "interval", "minutes": 15}, misfire_grace_seconds=600),
    Job("reminders.morning_check", N_("Nhắc kiểm tra hạ tầng buổi sáng (07:30 ngày làm việc)"),
        sweep("morning_check"), {"trigger": "cron", "hour": "7-11", "minute": 30}, misfire_grace_seconds=1800),
    Job("reminders.backups", N_("Sao lưu quá hạn và khôi phục thử đến hạn"),
        sweep("backups"), {"trigger": "cron", "minute": 5}, misfire_grace_seconds=1800),
    Job("reminders.deadlines",
        N_("Hạn hồ sơ cấp độ, kiểm tra định kỳ, báo cáo năm, chuyển tiếp, rà soát kịch bản, kế hoạch diễn tập"),
        sweep("daily"), {"trigger": "cron", "hour": "7-17", "minute": 0}, misfire_grace_seconds=3600),
    # Last, so `run-due` sends in the same run what the reminders above have just queued.
    Job("outbox.deliver", N_("Gửi e-mail và tin nhắn (Telegram, Zalo, webhook) trong hộp thư đi (thử lại khi lỗi)"),
        deliver_outbox, {"trigger": "interval", "minutes": 1}, misfire_grace_seconds=120),
)
JOBS_BY_ID = {job.id: job for job in JOBS}
