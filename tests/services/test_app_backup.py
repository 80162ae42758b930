"""`ir-app backup` / `ir-app restore`: a round trip loses nothing — rows, files, the audit chain."""
from __future__ import annotations

import json
import zipfile

import pytest
from sqlalchemy import func, select, text

from ir_app.cli.data import backup, restore
from ir_app.cli.serving import demo
from ir_app.models import AuditEvent, InformationSystem, StoredFile
from ir_app.ops.backup import BackupError, make_backup, restore_backup
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.files import store_upload

PDF = b"%PDF-1.4 quy che bao dam an ninh mang" + bytes(range(256))


def _content(session):
    systems = [(s.code, s.name, s.information_types, s.updated_at) for s in
               session.scalars(select(InformationSystem).order_by(InformationSystem.id))]
    files = [(f.filename, f.sha256, f.data) for f in session.scalars(select(StoredFile).order_by(StoredFile.id))]
    events = session.scalar(select(func.count(AuditEvent.id)))
    return systems, files, events


def _seed(app, session, commune, clock):
    app.test_cli_runner().invoke(demo, ["--no-serve"])
    store_upload(session, Actor.system(), commune_id=commune.id, filename="quy-che.pdf", data=PDF, now=clock.now())
    session.commit()


def test_round_trip_restores_everything(app, session, commune, clock, tmp_path):
    _seed(app, session, commune, clock)
    before = _content(session)
    archive = tmp_path / "sao-luu.zip"
    runner = app.test_cli_runner()
    result = runner.invoke(backup, ["--out", str(archive)])
    assert result.exit_code == 0, result.output
    session.execute(InformationSystem.__table__.delete().where(InformationSystem.code == "CAMERA"))
    session.commit()
    assert _content(session) != before
    result = runner.invoke(restore, [str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "nhật ký toàn vẹn" in result.output
    session.expire_all()
    assert _content(session) == before
    assert audit.verify(session).ok


def test_portable_export_restores_into_the_other_path(app, session, commune, clock, tmp_path):
    """The JSON-lines export alone (as from PostgreSQL) restores too."""
    _seed(app, session, commune, clock)
    before = _content(session)
    archive = tmp_path / "sao-luu.zip"
    make_backup(app.extensions["ir_engine"], archive, clock.now())
    portable = tmp_path / "portable.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(portable, "w") as target:
        manifest = json.loads(source.read("manifest.json"))
        manifest["sha256"].pop("sqlite/ir_app.sqlite3", None)
        for name in source.namelist():
            if name not in ("manifest.json", "sqlite/ir_app.sqlite3"):
                target.writestr(name, source.read(name))
        target.writestr("manifest.json", json.dumps(manifest))
    session.close()
    report = restore_backup(app.extensions["ir_engine"], portable)
    assert report.method == "portable-export"
    assert _content(session) == before


def test_corrupt_archive_is_refused(app, session, commune, clock, tmp_path):
    _seed(app, session, commune, clock)
    archive = tmp_path / "sao-luu.zip"
    make_backup(app.extensions["ir_engine"], archive, clock.now())
    damaged = tmp_path / "hong.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data.replace(b"CAMERA", b"CAMERO") if name.endswith("information_systems.jsonl") else data)
    with pytest.raises(BackupError, match="SHA-256 không khớp"):
        restore_backup(app.extensions["ir_engine"], damaged)
    not_a_zip = tmp_path / "rac.zip"
    not_a_zip.write_bytes(b"rac")
    result = app.test_cli_runner().invoke(restore, [str(not_a_zip), "--yes"])
    assert result.exit_code != 0 and "không mở được" in result.output


def test_a_backup_made_before_an_upgrade_restores_and_is_migrated(app, session, tmp_path):
    """The office PC was upgraded after its last backup: the SQLite file comes back in its own
    schema and `ir-app restore` migrates it to this version."""
    import hashlib

    from ir_app.db import make_engine
    from ir_app.migrate import upgrade
    from ir_app.ops.backup import FORMAT, SQLITE_MEMBER

    if session.bind.dialect.name != "sqlite":
        pytest.skip("the whole-file restore is SQLite's; PostgreSQL restores the portable export")
    old_file = tmp_path / "truoc-nang-cap.sqlite3"
    old = make_engine(f"sqlite:///{old_file}")
    upgrade(old, "0007")  # before organisations had versions (0009) and the chain head row (0010)
    with old.begin() as connection:
        connection.execute(text("INSERT INTO organisations (kind, code, slug, name, address, phone, email) "
                                "VALUES ('province', '31', 'hai-phong', 'Thành phố Hải Phòng', '', '', '')"))
    old.dispose()
    data = old_file.read_bytes()
    manifest = {"format": FORMAT, "schema_revision": "0007", "dialect": "sqlite", "row_counts": {"organisations": 1},
                "sha256": {SQLITE_MEMBER: hashlib.sha256(data).hexdigest()}, "created_at": "2026-11-01T00:00:00"}
    archive = tmp_path / "sao-luu-cu.zip"
    with zipfile.ZipFile(archive, "w") as target:
        target.writestr(SQLITE_MEMBER, data)
        target.writestr("manifest.json", json.dumps(manifest))
    head = session.scalar(text("SELECT version_num FROM alembic_version"))
    session.close()
    result = app.test_cli_runner().invoke(restore, [str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert session.scalar(text("SELECT version_num FROM alembic_version")) == head
    assert session.execute(text("SELECT name, version FROM organisations")).all() == [("Thành phố Hải Phòng", 1)]

    manifest["schema_revision"] = "9999"  # made by a newer version of the app
    newer = tmp_path / "sao-luu-moi.zip"
    with zipfile.ZipFile(newer, "w") as target:
        target.writestr(SQLITE_MEMBER, data)
        target.writestr("manifest.json", json.dumps(manifest))
    result = app.test_cli_runner().invoke(restore, [str(newer), "--yes"])
    assert result.exit_code != 0 and "mới hơn phiên bản ATTT xã này" in result.output
