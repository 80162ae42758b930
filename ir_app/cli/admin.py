"""Setting up and checking: the database, users, the audit chain, the law and response data files."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ir_app.cli.common import _now, _session, fail, upgrade_database
from ir_app.services.audit import Actor

db_group = AppGroup("db", help="Cơ sở dữ liệu.")


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations shipped with the package (and seal the audit chain's head)."""
    upgrade_database()
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
@click.option("--checkpoint", "checkpoint_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Điểm kiểm tra đã xuất (ir-app audit checkpoint): chứng minh không bản ghi nào trước đó bị đổi.")
def audit_verify(checkpoint_file: Path | None) -> None:
    """Check the keyed hash chain and its sealed head; exit 1 at the first broken row."""
    from ir_app.services import audit

    checkpoint = _read_checkpoint(checkpoint_file) if checkpoint_file else None
    session = _session()
    try:
        result = audit.verify(session, checkpoint=checkpoint)
    finally:
        session.close()
    if not result.ok:
        fail(f"chuỗi nhật ký bị phá vỡ tại bản ghi #{result.broken_id}: {result.reason} "
             f"({result.checked} bản ghi trước đó hợp lệ).")
    click.echo(f"Nhật ký toàn vẹn: {result.checked} bản ghi đã kiểm tra.")
    if result.checkpoint_id is not None:
        click.echo(f"Khớp điểm kiểm tra: bản ghi #1–#{result.checkpoint_id} không thay đổi từ lúc xuất điểm kiểm tra "
                   f"({checkpoint['created_at']}).")


def _read_checkpoint(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"không đọc được tệp điểm kiểm tra {path}: {error}", code=2)


@audit_group.command("checkpoint")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def audit_checkpoint(out: Path) -> None:
    """Export the chain's end, signed with the audit key: keep it off this machine."""
    from ir_app.services import audit

    session = _session()
    try:
        checkpoint = audit.make_checkpoint(session, _now())
    except ValueError as broken:
        fail(f"không xuất điểm kiểm tra: {broken}")
    finally:
        session.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(checkpoint, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    click.echo(f"Đã ghi điểm kiểm tra vào {out}: {checkpoint['count']} bản ghi, bản ghi cuối "
               f"#{checkpoint['last_event_id']}. Hãy cất tệp này ngoài máy chủ (USB, thư điện tử) để sau này "
               f"chạy «ir-app audit verify --checkpoint {out.name}».")


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


measures_group = AppGroup("measures", help="Thư viện biện pháp và danh mục nguy cơ.")


@measures_group.command("validate")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def measures_validate(directory: Path | None) -> None:
    """Validate the measure libraries (and the threat catalogues next to them); non-zero exit on any error."""
    from ir_app.datafiles.measures import MEASURES_FOLDER, validate_measures_dir

    folder = directory or current_app.config["IR_LEVEL_DOSSIERS_DIR"] / MEASURES_FOLDER
    if not folder.is_dir():
        fail(f"không có thư mục {folder}")
    errors = validate_measures_dir(folder, current_app.extensions["ir_law"].catalogue)
    errors += _risk_matrix_errors(folder.parent)
    for error in errors:
        click.echo(f"LỖI {error}", err=True)
    if errors:
        fail(f"{len(errors)} lỗi trong {folder}")
    click.echo(f"Hợp lệ: {len(list(folder.glob('*.yaml')))} thư viện biện pháp trong {folder}.")


def _risk_matrix_errors(root: Path) -> list[str]:
    """The risk matrix next to the libraries (level_dossiers/risks/), when that folder exists."""
    from ir_app.datafiles.measures import THREATS_FOLDER, load_threat_catalogue
    from ir_app.datafiles.risks import RISKS_FOLDER, validate_risks_dir
    from ir_app.domain.measures import LibraryError

    if not (root / RISKS_FOLDER).is_dir():
        return []
    try:
        threats = load_threat_catalogue(root / THREATS_FOLDER / "commune-threats.yaml")
    except LibraryError:
        return []  # already reported by the measure libraries' check
    return validate_risks_dir(root / RISKS_FOLDER, threats)


# --- Scheduled jobs ---------------------------------------------------------------------------------


# --- Backups (for backup scripts) ---------------------------------------------------------------------
