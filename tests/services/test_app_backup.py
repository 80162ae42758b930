"""`ir-app backup` / `ir-app restore`: a round trip loses nothing — rows, files, the audit chain."""
from __future__ import annotations

import json
import zipfile

import pytest
from sqlalchemy import func, select

from ir_app.cli import backup, demo, restore
from ir_app.models import AuditEvent, InformationSystem, StoredFile
from ir_app.services import audit
from ir_app.services.app_backup import BackupError, make_backup, restore_backup
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
