"""The `ir-app` console script. The same commands work as `flask --app ir_app ...`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

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


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the configured database with waitress."""
    _serve(host, port, threads)


def _serve(host: str, port: int, threads: int) -> None:
    from waitress import serve as waitress_serve

    click.echo(f"ATTT xã đang chạy tại http://{host}:{port}/  (Ctrl+C để dừng)")
    waitress_serve(current_app._get_current_object(), host=host, port=port, threads=threads)


@click.command("demo")
@with_appcontext
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Chỉ tạo dữ liệu mẫu, không chạy máy chủ.")
def demo(port: int, no_serve: bool) -> None:
    """Create/upgrade the demo database, load demo data idempotently, print the accounts, serve."""
    from ir_app.migrate import upgrade
    from ir_app.services import demo as demo_data

    upgrade(_engine())
    session = _session()
    try:
        created = demo_data.load(session, current_app.config["IR_DEMO_PASSWORD"], _now(),
                                 current_app.config["IR_PLAYBOOKS_DIR"])
        session.commit()
    finally:
        session.close()
    click.echo(f"Dữ liệu mẫu: {created} bản ghi mới (chạy lại không tạo trùng).")
    click.echo(f"Cơ sở dữ liệu: {current_app.config['IR_DATABASE_URL']}")
    click.echo("Tài khoản mẫu (mật khẩu: %s):" % current_app.config["IR_DEMO_PASSWORD"])
    for email, label in demo_data.account_list():
        click.echo(f"  {email:<34} {label}")
    if not no_serve:
        _serve("127.0.0.1", port, 8)


def register(app) -> None:
    for command in (db_group, create_user, audit_group, playbooks_group, serve, demo):
        app.cli.add_command(command)


def main() -> None:
    group = FlaskGroup(create_app=lambda: __import__("ir_app").create_app(), add_default_commands=False,
                       add_version_option=False, load_dotenv=False,
                       help="ATTT xã — quản lý an ninh mạng hệ thống thông tin cấp xã.")
    group.main(prog_name="ir-app")


