"""Scheduled jobs (run-due, run, list), the scheduler loop and backup runs recorded by scripts."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from ir_app.cli.common import _job_env, _now, _parse_now, _session, fail
from ir_app.services.audit import Actor

jobs_group = AppGroup("jobs", help="Việc định kỳ: nhắc việc, gửi e-mail (dùng được thay bộ lập lịch, qua cron).")


NOW_HELP = "Chạy như thể lúc này (ISO 8601, ví dụ 2026-11-26T07:31; không ghi múi giờ thì là giờ Việt Nam)."


def _report(outcomes) -> None:
    for outcome in outcomes:
        click.echo(f"{'OK ' if outcome.ok else 'LỖI'} {outcome.job_id}: {outcome.summary}")
    if not all(outcome.ok for outcome in outcomes):
        fail("có việc định kỳ bị lỗi (xem chi tiết ở trên).")


@jobs_group.command("run-due")
@click.option("--now", "at", metavar="ISO-8601", help=NOW_HELP)
def jobs_run_due(at: str | None) -> None:
    """Run every job once as of now (or --now): for cron, and for tests."""
    from ir_app.jobs.runner import run_due

    env = _job_env()
    _report(run_due(env, _parse_now(at, env)))


@jobs_group.command("run")
@click.argument("job_id")
@click.option("--now", "at", metavar="ISO-8601", help=NOW_HELP)
def jobs_run(job_id: str, at: str | None) -> None:
    """Run one job by its id (see `ir-app jobs list`)."""
    from ir_app.jobs.registry import JOBS_BY_ID
    from ir_app.jobs.runner import run_job

    if job_id not in JOBS_BY_ID:
        fail(f"không có việc «{job_id}»; các việc: {', '.join(JOBS_BY_ID)}.", 2)
    env = _job_env()
    _report([run_job(env, JOBS_BY_ID[job_id], _parse_now(at, env))])


@jobs_group.command("list")
def jobs_list() -> None:
    """The scheduled jobs, their ids and when they run."""
    from ir_app.jobs.registry import JOBS

    for job in JOBS:
        when = ", ".join(f"{key}={value}" for key, value in job.trigger.items() if key != "trigger")
        click.echo(f"{job.id:<28} {job.trigger['trigger']:<8} {when:<22} {job.title}")


@click.command("scheduler")
@with_appcontext
@click.option("--no-wait", is_flag=True, help="Thoát (mã 2) nếu đã có bộ lập lịch khác đang chạy, thay vì chờ.")
def scheduler_command(no_wait: bool) -> None:
    """Run the scheduler loop: exactly one active per database (a lease row decides)."""
    from ir_app.jobs.scheduler import LeaseBusy, run_forever

    click.echo("Bộ lập lịch ATTT xã (Ctrl+C để dừng).")
    try:
        run_forever(_job_env(), wait=not no_wait, announce=click.echo)
    except LeaseBusy as busy:
        fail(str(busy), 2)


backups_group = AppGroup("backups", help="Sao lưu: ghi nhận lần sao lưu từ tập lệnh, cấp mã API.")


def _plan(session, plan_id: int):
    from ir_app.models import BackupPlan

    plan = session.get(BackupPlan, plan_id)
    if plan is None:
        fail(f"không có phương án sao lưu số {plan_id}.", 2)
    return plan


@backups_group.command("record")
@click.option("--plan", "plan_id", required=True, type=int, help="Số của phương án sao lưu.")
@click.option("--result", required=True, type=click.Choice(["ok", "partial", "failed"]))
@click.option("--size", default="", help="Dung lượng, ví dụ 1.5GB, 700MB hoặc số byte.")
@click.option("--notes", default="", help="Ghi chú (tên tệp, lỗi…).")
@click.option("--at", "at", metavar="ISO-8601", help="Thời điểm sao lưu (mặc định: bây giờ).")
def backups_record(plan_id: int, result: str, size: str, notes: str, at: str | None) -> None:
    """Record a backup run (for backup scripts on the same machine)."""
    from ir_app.domain.backups import parse_size
    from ir_app.services.backups import plans as backups
    from ir_app.services.errors import ValidationFailed

    env = _job_env()
    try:
        size_bytes = parse_size(size) if size else None
    except ValueError as error:
        fail(str(error), 2)
    session = _session()
    try:
        plan = _plan(session, plan_id)
        run = backups.record_run(session, Actor.system("ir-app backups record"), plan, result=result,
                                 ran_at=_parse_now(at, env), now=_now(), size_bytes=size_bytes, notes=notes,
                                 source="cli")
        session.commit()
    except ValidationFailed as failure:
        fail("; ".join(failure.errors.values()), 2)
    finally:
        session.close()
    click.echo(f"Đã ghi nhận lần sao lưu #{run.id} ({result}) cho phương án «{plan.name}».")


@backups_group.command("token")
@click.option("--plan", "plan_id", required=True, type=int, help="Số của phương án sao lưu.")
@click.option("--revoke", is_flag=True, help="Thu hồi mã hiện có thay vì cấp mã mới.")
def backups_token(plan_id: int, revoke: bool) -> None:
    """Issue (or revoke) the secret a backup script uses with the HTTP endpoint."""
    from ir_app.services.backups import tokens as backup_tokens

    session = _session()
    actor = Actor.system("ir-app backups token")
    try:
        plan = _plan(session, plan_id)
        if revoke:
            backup_tokens.revoke_api_token(session, actor, plan, _now())
            token = None
        else:
            token = backup_tokens.issue_api_token(session, actor, plan, _now())
        session.commit()
    finally:
        session.close()
    if token is None:
        click.echo(f"Đã thu hồi mã API của phương án «{plan.name}».")
        return
    click.echo(f"Mã API mới của phương án «{plan.name}» (chỉ hiện một lần, mã cũ hết hiệu lực):")
    click.echo(token)


@backups_group.command("recompute-due")
def backups_recompute_due() -> None:
    """Recompute every plan's stored due moments (after changing IR_TIMEZONE or editing rows by hand)."""
    from ir_app.services.backups.due import recompute_due

    env = _job_env()
    session = _session()
    try:
        count = len(recompute_due(session, zone=env.zone))
        session.commit()
    finally:
        session.close()
    click.echo(f"Đã tính lại hạn sao lưu của {count} phương án.")
