"""The app's own backup and restore, and dossier documents exported to files."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ir_app.cli.common import _engine, _now, _session, audit_export, fail
from ir_app.db import refresh_statistics


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(out: Path) -> None:
    """Consistent backup of ATTT xã's own data (files and audit log included)."""
    from ir_app.ops.backup import BackupError, make_backup

    with click.progressbar(length=0, label="Sao lưu", show_pos=True) as bar:
        try:
            manifest = make_backup(_engine(), out, _now(), progress=lambda _name: bar.update(1),
                                   audit_key=current_app.extensions["ir_audit_key"])
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
    from ir_app.ops.backup import BackupError, restore_backup
    from ir_app.services import audit

    if not yes:
        click.confirm("Toàn bộ dữ liệu hiện có sẽ bị thay bằng bản sao lưu. Tiếp tục?", abort=True)
    upgrade(_engine())
    with click.progressbar(length=0, label="Khôi phục", show_pos=True) as bar:
        try:
            report = restore_backup(_engine(), file, progress=lambda _name: bar.update(1),
                                    audit_key=current_app.extensions["ir_audit_key"])
        except BackupError as error:
            fail(str(error))
    upgrade(_engine())  # a backup made by an earlier version comes back in its own schema
    refresh_statistics(_engine())
    session = _session()
    try:
        audit.rebuild_head(session)  # derived from the restored events, not taken from the archive
        session.commit()
        verified = audit.verify(session)
    finally:
        session.close()
    if not verified.ok:
        fail(f"đã khôi phục nhưng chuỗi nhật ký hỏng tại bản ghi #{verified.broken_id}: {verified.reason}")
    if report.nul_cleaned:
        click.echo(f"Đã bỏ ký tự NUL (0x00) khỏi {report.nul_cleaned} ô văn bản: PostgreSQL không lưu được ký tự này.")
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
        records = documents.load_dossier(session, dossier.id, current_app.extensions["ir_law"])
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
@click.option("--commune", "code", help="Mã đơn vị hành chính (hoặc slug) của xã.")
@click.option("--province", "province_code",
              help="Mã (hoặc slug) của tỉnh: mọi xã/phường của tỉnh, mỗi xã một thư mục.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def dossier_bundle(code: str | None, province_code: str | None, out: Path) -> None:
    """All dossiers of a commune, or of every commune of a province, as one ZIP (with a SHA-256
    manifest), written to OUT as it goes."""
    from ir_app.services.dossiers import documents

    if bool(code) == bool(province_code):
        fail("cần đúng một trong hai tùy chọn --commune hoặc --province.", 2)
    session = _session()
    try:
        place, commune_ids = _bundle_place(session, code, province_code)
        dossiers = documents.bundled_dossiers(session, commune_ids, commune_folders=bool(province_code))
        with click.progressbar(length=len(dossiers), label="Đóng gói hồ sơ", show_pos=True, show_eta=True) as bar:
            summary = _write_then_rename(out, lambda target: documents.write_bundle(
                session, _documents_catalogue(), dossiers, current_app.extensions["ir_law"], _now(), target,
                progress=lambda _dossier: bar.update(1)))
        audit_export(session, place.kind, place.id, None if province_code else place.id,
                     f"Đóng gói {summary.dossiers} hồ sơ ra {out.name}")
    finally:
        session.close()
    click.echo(f"Đã ghi {summary.dossiers} hồ sơ ({summary.files} tệp) của {place.full_name} vào {out}.")


def _bundle_place(session, code: str | None, province_code: str | None):
    """The commune or province asked for, and the ids of the communes it covers. The command runs
    as the operator of the deployment: every commune of the database is open to it."""
    from sqlalchemy import select

    from ir_app.models import Organisation
    from ir_app.services.dossiers import documents

    wanted = code or province_code
    kind = "commune" if code else "province"
    place = session.scalar(select(Organisation).where((Organisation.code == wanted) | (Organisation.slug == wanted)))
    if place is None or place.kind != kind:
        fail(f"không có {'xã/phường' if code else 'tỉnh/thành phố'} mã «{wanted}».")
    return place, [place.id] if code else documents.province_commune_ids(session, place.id)


def _write_then_rename(out: Path, write):
    """Write into OUT.part and rename it to OUT once complete: a failed run leaves no half bundle."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    try:
        with partial.open("wb") as target:
            result = write(target)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return result
