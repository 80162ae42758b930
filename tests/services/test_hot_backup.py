"""Backups taken while the app is in use restore — into a fresh SQLite and a fresh PostgreSQL — to
exactly the moment they were taken (D1: table-by-table reads gave archives that did not restore)."""
from __future__ import annotations

import io
import json
import threading
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import text

from ir_app import create_app
from ir_app.cli.admin import audit_verify, db_upgrade
from ir_app.cli.data import restore
from ir_app.models import Base, Organisation
from ir_app.ops.archive_rows import Content, decoder, row_digest, table_content
from ir_app.ops.backup import make_backup
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.files import store_upload
from ir_app.services.inventory.systems import create_system
from tests.conftest import make_org
from tests.ops_support import scratch_database  # noqa: F401  (fixture)

BACKUPS = 5
SYSTEM = {"system_type": "internal", "status": "in_operation", "hosting": "on_premises"}


class Writer(threading.Thread):
    """A user at work: creates systems (each with its audit event) until told to stop."""

    def __init__(self, app, commune_id, clock, prefix):
        super().__init__(daemon=True)
        self.factory, self.commune_id, self.clock, self.prefix = app.extensions["ir_session_factory"], commune_id, \
            clock, prefix
        self.stop, self.written, self.errors = threading.Event(), 0, []

    def run(self):
        session = self.factory()
        try:
            commune = session.get(Organisation, self.commune_id)
            while not self.stop.is_set():
                number = self.written + 1
                create_system(session, Actor.system("người dùng"), commune,
                              SYSTEM | {"code": f"{self.prefix}{number}", "name": f"Hệ thống số {number}"},
                              self.clock.now() + timedelta(seconds=number))
                session.commit()
                self.written = number
        except Exception as error:  # reported by the test, not lost in the thread
            self.errors.append(error)
        finally:
            session.close()


def _snapshot(archive_path):
    """Each table's content as the archive's export holds it (the moment of the backup)."""
    contents = {}
    with zipfile.ZipFile(archive_path) as archive:
        for table in Base.metadata.sorted_tables:
            decode, content = decoder(table), Content()
            for line in io.TextIOWrapper(archive.open(f"tables/{table.name}.jsonl"), encoding="utf-8"):
                content.add(row_digest(decode(json.loads(line))))
            contents[table.name] = content
        manifest = json.loads(archive.read("manifest.json"))
    return contents, manifest


def _contents(engine):
    with engine.connect() as connection:
        return {table.name: table_content(connection, table) for table in Base.metadata.sorted_tables}


@pytest.fixture
def make_target(scratch_database, tmp_path, clock):
    def make(kind, name):
        return create_app({"IR_DATABASE_URL": scratch_database(kind, name), "IR_DATA_DIR": tmp_path / name,
                           "SECRET_KEY": "x", "IR_CLOCK": clock})

    return make


@pytest.fixture(params=["sqlite", "postgresql"])
def source(request, make_target):
    """The app in use, on each kind of database (PostgreSQL when IR_TEST_DATABASE_URL is set)."""
    app = make_target(request.param, f"nguon_{request.param}")
    assert app.test_cli_runner().invoke(db_upgrade).exit_code == 0
    session = app.extensions["ir_session_factory"]()
    province = make_org(session, "31", "hai-phong", "Thành phố Hải Phòng", kind="province")
    commune = make_org(session, "11017", "vinh-lai", "Vĩnh Lại", parent=province)
    yield app, session, commune
    session.close()
    app.extensions["ir_engine"].dispose()


def _restores_exactly(archive_path, target, snapshot, commune_code):
    runner = target.test_cli_runner()
    outcome = runner.invoke(restore, [str(archive_path), "--yes"])
    assert outcome.exit_code == 0, outcome.output
    outcome = runner.invoke(audit_verify)
    assert outcome.exit_code == 0, outcome.output
    restored = _contents(target.extensions["ir_engine"])
    assert {name: content.rows for name, content in restored.items()} == {
        name: content.rows for name, content in snapshot.items()}
    assert restored == snapshot  # row for row, value for value
    session = target.extensions["ir_session_factory"]()
    try:  # the restored database takes new writes: ids, the chain head and sequences are right
        commune = session.query(Organisation).filter_by(code=commune_code).one()
        create_system(session, Actor.system("sau khôi phục"), commune, SYSTEM | {"code": "SAUKP", "name": "Sau khôi phục"},
                      target.extensions["ir_clock"].now())
        store_upload(session, Actor.system(), commune_id=commune.id, filename="sau.pdf", data=b"%PDF-1.4 sau",
                     now=target.extensions["ir_clock"].now())
        session.commit()
        assert audit.verify(session).ok
    finally:
        session.close()


def test_backups_taken_while_records_are_being_written_restore_into_sqlite_and_postgresql(source, make_target, clock,
                                                                                          tmp_path):
    app, session, commune = source
    engine = app.extensions["ir_engine"]
    store_upload(session, Actor.system(), commune_id=commune.id, filename="quy-che.pdf",
                 data=b"%PDF-1.4 " + bytes(range(256)), now=clock.now())
    session.commit()
    writer = Writer(app, commune.id, clock, "HT")
    writer.start()
    archives = []
    try:
        while writer.written < 20 and not writer.errors:
            writer.join(0.05)
        assert not writer.errors, writer.errors
        for number in range(BACKUPS):
            before = writer.written
            path = tmp_path / f"sao-luu-{number}.zip"
            # A slow reader (a table every 20 ms) so that the writer surely writes meanwhile.
            make_backup(engine, path, clock.now(), progress=lambda _table: writer.join(0.02),
                        audit_key=app.extensions["ir_audit_key"])
            assert writer.written > before, "nothing was written during the backup: the test proves nothing"
            archives.append(path)
    finally:
        writer.stop.set()
        writer.join(30)
    assert not writer.errors, writer.errors
    for number, path in enumerate(archives):
        snapshot, manifest = _snapshot(path)
        assert {name: content.rows for name, content in snapshot.items()} == manifest["row_counts"]
        with zipfile.ZipFile(path) as archive:
            head = json.loads(archive.read("tables/audit_chain_head.jsonl"))
        assert head["last_event_id"] == snapshot["audit_events"].rows  # head and events: the same moment
        for kind in ("sqlite", "postgresql"):
            if kind == "postgresql" and not _has_postgresql():
                continue
            target = make_target(kind, f"khoi_phuc_{kind}_{number}")
            try:
                _restores_exactly(path, target, snapshot, commune.code)
            finally:
                target.extensions["ir_engine"].dispose()


def _has_postgresql():
    from tests.conftest import PG_URL

    return bool(PG_URL)


@pytest.mark.parametrize("source", ["sqlite"], indirect=True)
def test_nul_characters_from_sqlite_do_not_block_a_restore_into_postgresql(source, make_target, clock, tmp_path):
    app, session, commune = source
    if not _has_postgresql():
        pytest.skip("cần PostgreSQL làm đích khôi phục: đặt IR_TEST_DATABASE_URL")
    system = create_system(session, Actor.system(), commune, SYSTEM | {"code": "NUL", "name": "Tên thường"}, clock.now())
    session.commit()
    session.execute(text("UPDATE information_systems SET name = :name, purpose = :purpose WHERE id = :id"),
                    {"name": "Một\x00cửa", "purpose": "\x00", "id": system.id})
    session.commit()
    archive = tmp_path / "co-nul.zip"
    make_backup(app.extensions["ir_engine"], archive, clock.now(), audit_key=app.extensions["ir_audit_key"])
    target = make_target("postgresql", "khoi_phuc_nul")
    try:
        outcome = target.test_cli_runner().invoke(restore, [str(archive), "--yes"])
        assert outcome.exit_code == 0, outcome.output
        assert "Đã bỏ ký tự NUL (0x00) khỏi 2 ô văn bản" in outcome.output
        with target.extensions["ir_engine"].connect() as connection:
            assert connection.scalar(text("SELECT name FROM information_systems WHERE code = 'NUL'")) == "Mộtcửa"
    finally:
        target.extensions["ir_engine"].dispose()

    # An audit event cannot lose its NUL without breaking the chain: a clear refusal instead.
    session.execute(text("UPDATE audit_events SET summary = :summary WHERE id = 1"), {"summary": "Một\x00cửa"})
    session.commit()
    make_backup(app.extensions["ir_engine"], archive, clock.now(), audit_key=app.extensions["ir_audit_key"])
    target = make_target("postgresql", "khoi_phuc_nul_nhat_ky")
    try:
        outcome = target.test_cli_runner().invoke(restore, [str(archive), "--yes"])
        assert outcome.exit_code == 1 and "bản ghi nhật ký #1 chứa ký tự NUL" in outcome.output
    finally:
        target.extensions["ir_engine"].dispose()


def test_a_backup_is_refused_by_a_machine_with_another_audit_key(app, session, commune, clock, tmp_path,
                                                                 scratch_database):
    create_system(session, Actor.system(), commune, SYSTEM | {"code": "MOTCUA", "name": "Một cửa"}, clock.now())
    session.commit()
    archive = tmp_path / "sao-luu.zip"
    make_backup(app.extensions["ir_engine"], archive, clock.now(), audit_key=app.extensions["ir_audit_key"])
    other = create_app({"IR_DATABASE_URL": scratch_database("sqlite", "may_khac"),
                        "IR_DATA_DIR": tmp_path / "may-khac", "SECRET_KEY": "x", "IR_AUDIT_KEY": "z" * 40})
    try:
        outcome = other.test_cli_runner().invoke(restore, [str(archive), "--yes"])
    finally:
        other.extensions["ir_engine"].dispose()
    assert outcome.exit_code == 1 and "khóa nhật ký khác" in outcome.output and "audit_key" in outcome.output
