"""Serving the app (waitress), the demo and the synthetic province."""
from __future__ import annotations

import os

import signal

import click
from flask import current_app
from flask.cli import with_appcontext

from ir_app.cli.common import _engine, _job_env, _now, _parse_now, _session, fail, upgrade_database
from ir_app.db import refresh_statistics

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
    from ir_app.seed import demo as demo_data

    upgrade_database()
    session = _session()
    try:
        created = demo_data.load(session, current_app.config["IR_DEMO_PASSWORD"], _now(),
                                 current_app.extensions["ir_law"], current_app.config["IR_PLAYBOOKS_DIR"],
                                 current_app.config["IR_LEVEL_DOSSIERS_DIR"])
        session.commit()
    finally:
        session.close()
    click.echo(f"Dữ liệu mẫu: {created} bản ghi mới (chạy lại không tạo trùng).")
    click.echo(f"Cơ sở dữ liệu: {current_app.config['IR_DATABASE_URL']}")
    click.echo("Tài khoản mẫu (mật khẩu: %s):" % current_app.config["IR_DEMO_PASSWORD"])
    for email, label in demo_data.account_list():
        click.echo(f"  {email:<34} {label}")
    if "IR_TOTP_REQUIRED_ROLES" not in os.environ:
        # A demo is walked through by people without the demo accounts' phones: two-factor sign-in is
        # off here unless asked for (production keeps it required for admins, approvers, overseers).
        current_app.config["IR_TOTP_REQUIRED_ROLES"] = frozenset()
        click.echo("Bản demo: không bắt buộc xác thực hai bước (đặt IR_TOTP_REQUIRED_ROLES để bật).")
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

    from ir_app.seed.synthetic import ProvinceExists, SyntheticSpec, seed_province, steps_for
    from ir_app.services.incidents.data import response_data

    if not 1 <= len(province_code) <= 8 or not province_code.isalnum():
        fail("mã tỉnh gồm 1–8 chữ hoặc số.", 2)
    spec = SyntheticSpec(province_code=province_code, communes=communes, systems_per_commune=systems_per_commune,
                         incidents=incidents, seed=seed)
    if at:
        spec = replace(spec, now=_parse_now(at, _job_env()))
    upgrade_database()
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
