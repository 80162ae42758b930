"""The `ir-app` console script. The same commands work as `flask --app ir_app ...`."""
from __future__ import annotations

import json
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
        _serve("127.0.0.1", port, 8)


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(out: Path) -> None:
    """Consistent backup of ATTT xã's own data (files and audit log included)."""
    from ir_app.services.app_backup import BackupError, make_backup

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
    from ir_app.services.app_backup import BackupError, restore_backup

    if not yes:
        click.confirm("Toàn bộ dữ liệu hiện có sẽ bị thay bằng bản sao lưu. Tiếp tục?", abort=True)
    upgrade(_engine())
    with click.progressbar(length=0, label="Khôi phục", show_pos=True) as bar:
        try:
            report = restore_backup(_engine(), file, progress=lambda _name: bar.update(1))
        except BackupError as error:
            fail(str(error))
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
    from ir_app.services import documents, dossiers

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
    from ir_app.services import documents

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
                    backup, restore):
        app.cli.add_command(command)


def main() -> None:
    group = FlaskGroup(create_app=lambda: __import__("ir_app").create_app(), add_default_commands=False,
                       add_version_option=False, load_dotenv=False,
                       help="ATTT xã — quản lý an ninh mạng hệ thống thông tin cấp xã.")
    group.main(prog_name="ir-app")


