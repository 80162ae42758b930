"""The `ir-app` console script. The same commands work as `flask --app ir_app ...`."""
from __future__ import annotations

import json
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from ir_app.db import refresh_statistics
from ir_app.services.audit import Actor


def _engine():
    return current_app.extensions["ir_engine"]


def _session():
    return current_app.extensions["ir_session_factory"]()


def _now():
    return current_app.extensions["ir_clock"].now()


def fail(message: str, code: int = 1) -> None:
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(code)


db_group = AppGroup("db", help="Cơ sở dữ liệu.")


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations shipped with the package."""
    from ir_app.migrate import upgrade

    upgrade(_engine())
    click.echo("Đã cập nhật cấu trúc cơ sở dữ liệu.")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", required=True, multiple=True, help="Có thể lặp lại để gán nhiều vai trò.")
@click.option("--commune", required=True, help="Mã (hoặc slug) của xã, hoặc của tỉnh cho tài khoản giám sát.")
@click.password_option("--password", prompt="Mật khẩu", confirmation_prompt="Nhập lại mật khẩu")
def create_user(email: str, name: str, roles: tuple[str, ...], commune: str, password: str) -> None:
    """Create a user; asks for the password."""
    from ir_app.services import accounts
    from ir_app.services.errors import ValidationFailed

    session = _session()
    try:
        user = accounts.create_user(session, Actor.system("ir-app create-user"), email=email, name=name,
                                    password=password, roles=list(roles), organisation_code=commune,
                                    now=_now())
        session.commit()
    except ValidationFailed as failure:
        fail("; ".join(failure.errors.values()))
    finally:
        session.close()
    click.echo(f"Đã tạo tài khoản {user.email}.")


audit_group = AppGroup("audit", help="Nhật ký kiểm tra.")


@audit_group.command("verify")
def audit_verify() -> None:
    """Check the hash chain; exit 1 at the first broken row."""
    from ir_app.services import audit

    session = _session()
    try:
        result = audit.verify(session)
    finally:
        session.close()
    if not result.ok:
        fail(f"chuỗi nhật ký bị phá vỡ tại bản ghi #{result.broken_id}: {result.reason} "
             f"({result.checked} bản ghi trước đó hợp lệ).")
    click.echo(f"Nhật ký toàn vẹn: {result.checked} bản ghi đã kiểm tra.")


@click.command("level-check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def level_check(file: Path) -> None:
    """Print the level decision for the system described in FILE (JSON, DESIGN.md §5)."""
    from ir_app.domain.levels import LevelInputError, determine, regime_for

    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"không đọc được tệp JSON {file}: {error}", code=2)
    law = current_app.extensions["ir_law"]
    try:
        decision = determine(raw, regime_for(raw, law.regimes))
    except LevelInputError as error:
        for name, message in error.problems:
            click.echo(f"  {name}: {message}", err=True)
        fail(f"dữ liệu kiểm tra cấp độ không hợp lệ ({len(error.problems)} lỗi).", code=2)
    click.echo(json.dumps(decision.to_json(), ensure_ascii=False, indent=2))


playbooks_group = AppGroup("playbooks", help="Kịch bản ứng cứu sự cố.")


@playbooks_group.command("validate")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def playbooks_validate(directory: Path | None) -> None:
    """Validate every playbook (schema and meaning); non-zero exit on any error."""
    from ir_app.datafiles.playbooks import playbook_paths, validate_directory

    folder = directory or current_app.config["IR_PLAYBOOKS_DIR"]
    errors = validate_directory(folder)
    for error in errors:
        click.echo(f"LỖI {error}", err=True)
    if errors:
        fail(f"{len(errors)} lỗi trong {folder}")
    click.echo(f"Hợp lệ: {len(playbook_paths(folder))} kịch bản trong {folder}.")


NO_SCHEDULER_HELP = ("Không chạy bộ lập lịch trong tiến trình này (khi đã có một «ir-app scheduler» "
                     "riêng, hoặc cron chạy «ir-app jobs run-due»).")


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help=NO_SCHEDULER_HELP)
def serve(host: str, port: int, threads: int, no_scheduler: bool) -> None:
    """Serve the configured database with waitress (and, on a single PC, the scheduler)."""
    _serve(host, port, threads, with_scheduler=not no_scheduler)


def _stop_on_sigterm(_signum, _frame) -> None:
    raise SystemExit(0)


def _serve(host: str, port: int, threads: int, with_scheduler: bool = True) -> None:
    from waitress import create_server

    from ir_app.jobs.env import JobEnv
    from ir_app.jobs.scheduler import start_in_process, stop_in_process

    app = current_app._get_current_object()
    try:
        server = create_server(app, host=host, port=port, threads=threads)  # bind first: fail early
    except OSError as error:
        fail(f"không mở được cổng {host}:{port} ({error.strerror or error}).")
    # Single-PC install: the scheduler runs in this process, but jobs run only while this
    # process holds the database lease, so a separate `ir-app scheduler` is never doubled.
    running = start_in_process(JobEnv.from_app(app), announce=click.echo) if with_scheduler else None
    click.echo(f"ATTT xã đang chạy tại http://{host}:{port}/  (Ctrl+C để dừng)")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # a service stop releases the lease too
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
        if running:
            stop_in_process(*running)


@click.command("demo")
@with_appcontext
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Chỉ tạo dữ liệu mẫu, không chạy máy chủ.")
@click.option("--no-scheduler", is_flag=True, help=NO_SCHEDULER_HELP)
def demo(port: int, no_serve: bool, no_scheduler: bool) -> None:
    """Create/upgrade the demo database, load demo data idempotently, print the accounts, serve."""
    from ir_app.migrate import upgrade
    from ir_app.seed import demo as demo_data

    upgrade(_engine())
    session = _session()
    try:
        created = demo_data.load(session, current_app.config["IR_DEMO_PASSWORD"], _now(),
                                 current_app.extensions["ir_law"], current_app.config["IR_PLAYBOOKS_DIR"])
        session.commit()
    finally:
        session.close()
    click.echo(f"Dữ liệu mẫu: {created} bản ghi mới (chạy lại không tạo trùng).")
    click.echo(f"Cơ sở dữ liệu: {current_app.config['IR_DATABASE_URL']}")
    click.echo("Tài khoản mẫu (mật khẩu: %s):" % current_app.config["IR_DEMO_PASSWORD"])
    for email, label in demo_data.account_list():
        click.echo(f"  {email:<34} {label}")
    if not no_serve:
        _serve("127.0.0.1", port, 8, with_scheduler=not no_scheduler)


@click.command("seed-synthetic")
@with_appcontext
@click.option("--communes", default=100, show_default=True, type=click.IntRange(1, 5000))
@click.option("--systems-per-commune", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--incidents", default=20000, show_default=True, type=click.IntRange(0, 10_000_000),
              help="Tổng số sự cố của cả tỉnh.")
@click.option("--seed", default=1, show_default=True, type=int, help="Cùng hạt giống → cùng dữ liệu.")
@click.option("--province-code", default="91", show_default=True,
              help="Mã của tỉnh mô phỏng; từ chối chạy nếu mã này đã có trong cơ sở dữ liệu.")
@click.option("--now", "at", metavar="ISO-8601", help="Mốc «hôm nay» của dữ liệu (mặc định 26/11/2026 09:00, cố định).")
def seed_synthetic(communes: int, systems_per_commune: int, incidents: int, seed: int, province_code: str,
                   at: str | None) -> None:
    """Build a synthetic province (deterministic) for scale tests and benchmarks."""
    from dataclasses import replace

    from ir_app.migrate import upgrade
    from ir_app.services.incidents.data import response_data
    from ir_app.seed.synthetic import ProvinceExists, SyntheticSpec, seed_province, steps_for

    if not 1 <= len(province_code) <= 8 or not province_code.isalnum():
        fail("mã tỉnh gồm 1–8 chữ hoặc số.", 2)
    spec = SyntheticSpec(province_code=province_code, communes=communes, systems_per_commune=systems_per_commune,
                         incidents=incidents, seed=seed)
    if at:
        spec = replace(spec, now=_parse_now(at, _job_env()))
    upgrade(_engine())
    session = _session()
    try:
        with click.progressbar(length=steps_for(spec), label="Tạo dữ liệu mô phỏng", show_pos=True) as bar:
            report = seed_province(session, spec, current_app.extensions["ir_law"],
                                   response_data(current_app.config["IR_PLAYBOOKS_DIR"]),
                                   current_app.config["IR_DEMO_PASSWORD"], progress=bar.update)
        session.commit()
        refresh_statistics(_engine())
    except ProvinceExists as refused:
        session.rollback()
        fail(str(refused))
    finally:
        session.close()
    click.echo(f"Đã tạo tỉnh mô phỏng mã {province_code}: {report.rows} dòng "
               f"({communes} xã, {communes * systems_per_commune} hệ thống, {incidents} sự cố).")
    for table, count in sorted(report.counts.items()):
        click.echo(f"  {table:<22} {count:>9}")
    click.echo(f"Tài khoản: officer@mp{province_code.lower()}-0001.synth.vn, overseer@mp{province_code.lower()}.synth.vn"
               f" … (mật khẩu: IR_DEMO_PASSWORD)")


# --- Scheduled jobs ---------------------------------------------------------------------------------

jobs_group = AppGroup("jobs", help="Việc định kỳ: nhắc việc, gửi e-mail (dùng được thay bộ lập lịch, qua cron).")
NOW_HELP = "Chạy như thể lúc này (ISO 8601, ví dụ 2026-11-26T07:31; không ghi múi giờ thì là giờ Việt Nam)."


def _job_env():
    from ir_app.jobs.env import JobEnv

    return JobEnv.from_app(current_app)


def _parse_now(text: str | None, env) -> datetime:
    if not text:
        return env.clock.now()
    try:
        moment = datetime.fromisoformat(text.strip())
        return (moment if moment.tzinfo else moment.replace(tzinfo=env.zone)).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        fail(f"thời điểm «{text}» không đúng dạng ISO 8601 (ví dụ 2026-11-26T07:31).", 2)


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


# --- Backups (for backup scripts) ---------------------------------------------------------------------

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


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(out: Path) -> None:
    """Consistent backup of ATTT xã's own data (files and audit log included)."""
    from ir_app.ops.backup import BackupError, make_backup

    with click.progressbar(length=0, label="Sao lưu", show_pos=True) as bar:
        try:
            manifest = make_backup(_engine(), out, _now(), progress=lambda _name: bar.update(1))
        except (BackupError, OSError) as error:
            fail(str(error))
    click.echo(f"Đã sao lưu {sum(manifest['row_counts'].values())} dòng của {len(manifest['row_counts'])} bảng "
               f"vào {out}.")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Không hỏi xác nhận.")
@with_appcontext
def restore(file: Path, yes: bool) -> None:
    """Replace the configured database's content with a backup made by `ir-app backup`."""
    from ir_app.migrate import upgrade
    from ir_app.services import audit
    from ir_app.ops.backup import BackupError, restore_backup

    if not yes:
        click.confirm("Toàn bộ dữ liệu hiện có sẽ bị thay bằng bản sao lưu. Tiếp tục?", abort=True)
    upgrade(_engine())
    with click.progressbar(length=0, label="Khôi phục", show_pos=True) as bar:
        try:
            report = restore_backup(_engine(), file, progress=lambda _name: bar.update(1))
        except BackupError as error:
            fail(str(error))
    upgrade(_engine())  # a backup made by an earlier version comes back in its own schema
    refresh_statistics(_engine())
    session = _session()
    try:
        verified = audit.verify(session)
    finally:
        session.close()
    if not verified.ok:
        fail(f"đã khôi phục nhưng chuỗi nhật ký hỏng tại bản ghi #{verified.broken_id}: {verified.reason}")
    click.echo(f"Đã khôi phục {report.rows} dòng ({report.tables} bảng, cách: {report.method}); "
               f"nhật ký toàn vẹn ({verified.checked} bản ghi).")


dossier_group = AppGroup("dossier", help="Văn bản hồ sơ cấp độ.")


def _documents_catalogue():
    from ir_app.documents.catalog import load_documents

    folder = current_app.config["IR_LEVEL_DOSSIERS_DIR"]
    return load_documents(folder / "documents.yaml", folder / "templates")


@dossier_group.command("export")
@click.option("--system", "system_id", required=True, type=int, help="Mã số (ID) của hệ thống.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
def dossier_export(system_id: int, out: Path) -> None:
    """Write the system's dossier documents (.docx) into OUT."""
    from ir_app.models import InformationSystem
    from ir_app.services.dossiers import documents
    from ir_app.services.dossiers import lifecycle as dossiers

    session = _session()
    try:
        system = session.get(InformationSystem, system_id)
        dossier = dossiers.current_dossier(session, system_id) if system else None
        if dossier is None:
            fail(f"hệ thống #{system_id} không tồn tại hoặc chưa có hồ sơ cấp độ.")
        records = documents.load_dossier(session, dossier.id)
        files = documents.dossier_files(session, _documents_catalogue(), records, current_app.extensions["ir_law"],
                                        _now())
        out.mkdir(parents=True, exist_ok=True)
        with click.progressbar(files, label="Tạo văn bản") as bar:
            for name, data in bar:
                (out / name).write_bytes(data)
        audit_export(session, "dossier", dossier.id, dossier.commune_id, f"Xuất {len(files)} tệp ra {out}")
    finally:
        session.close()
    click.echo(f"Đã ghi {len(files)} tệp vào {out}.")


@dossier_group.command("bundle")
@click.option("--commune", "code", required=True, help="Mã đơn vị hành chính (hoặc slug) của xã.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def dossier_bundle(code: str, out: Path) -> None:
    """All dossiers of a commune as one ZIP (with a SHA-256 manifest)."""
    from sqlalchemy import select

    from ir_app.models import Organisation
    from ir_app.services.dossiers import documents

    session = _session()
    try:
        commune = session.scalar(select(Organisation).where((Organisation.code == code) | (Organisation.slug == code)))
        if commune is None or commune.kind != "commune":
            fail(f"không có xã/phường mã «{code}».")
        ids = documents.commune_dossier_ids(session, commune.id)
        with click.progressbar(length=len(ids), label="Đóng gói hồ sơ") as bar:
            data = documents.commune_bundle(session, _documents_catalogue(), commune.id,
                                            current_app.extensions["ir_law"], _now(), progress=lambda _: bar.update(1))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        audit_export(session, "commune", commune.id, commune.id, f"Đóng gói {len(ids)} hồ sơ ra {out.name}")
    finally:
        session.close()
    click.echo(f"Đã ghi {len(ids)} hồ sơ của {commune.full_name} vào {out}.")


def audit_export(session, object_type: str, object_id, commune_id, summary: str) -> None:
    from ir_app.services import audit

    audit.record(session, Actor.system("ir-app"), "export", now=_now(), object_type=object_type,
                 object_id=object_id, commune_id=commune_id, summary=summary)
    session.commit()


def register(app) -> None:
    for command in (db_group, create_user, audit_group, level_check, playbooks_group, dossier_group, serve, demo,
                    seed_synthetic, backup, restore, jobs_group, scheduler_command, backups_group):
        app.cli.add_command(command)


def main() -> None:
    group = FlaskGroup(create_app=lambda: __import__("ir_app").create_app(), add_default_commands=False,
                       add_version_option=False, load_dotenv=False,
                       help="ATTT xã — quản lý an ninh mạng hệ thống thông tin cấp xã.")
    group.main(prog_name="ir-app")


