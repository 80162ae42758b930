"""Backup and restore of ATTT xã's own data (not the commune's systems — see backups of plans).

The archive is a ZIP with a manifest (format, app version, schema revision, row counts and the
SHA-256 of every member). Every backup carries a portable export (one JSON-lines file per table),
so it restores into SQLite or PostgreSQL alike; a SQLite backup also carries the database file.

One snapshot, also while the app is in use: on SQLite the online backup API copies the database
in one step (one read transaction; writers carry on under WAL) and the export is then read from
that copy, so the file and the export are the same moment; on PostgreSQL the export runs in one
SERIALIZABLE READ ONLY DEFERRABLE transaction. Reading table by table outside one transaction
gave archives whose audit head and events disagreed, and that did not restore.

A restore is checked against what it restored: each table's rows and a digest of their content,
read back from the target, must equal what the archive held (for the SQLite file, what the file
held). The audit chain's head is then derived from the restored events (ir-app restore).
"""
from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import Connection, Engine, Table, create_engine, delete, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from ir_app import __version__
from ir_app.config import make_private_dir, make_private_file
from ir_app.migrate import is_known_revision
from ir_app.models import Base
from ir_app.ops.archive_rows import (BackupError, Content, decoder, encode, nul_cleaner, raw_contents, row_digest,
                                     table_content)
from ir_app.services.audit import key_id

__all__ = ["BackupError", "FORMAT", "SQLITE_MEMBER", "RestoreReport", "make_backup", "read_manifest", "restore_backup"]

FORMAT = "ir-app-backup/1"
SQLITE_MEMBER = "sqlite/ir_app.sqlite3"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    method: str
    nul_cleaned: int = 0  # text values whose NUL characters were dropped (PostgreSQL cannot store them)


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)  # parents before children


def _revision(connection: Connection) -> str:
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


# --- Making a backup ----------------------------------------------------------------------------------

def make_backup(engine: Engine, out: Path, now: datetime, progress: Progress = lambda _: None,
                audit_key: bytes | None = None) -> dict[str, Any]:
    """Write the archive atomically (a half-written file never takes the final name)."""
    out = Path(out)
    make_private_dir(out.parent)
    members: dict[str, str] = {}
    partial = make_private_file(out.with_name(out.name + ".partial"))  # personal data: 0600
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if engine.dialect.name == "sqlite":
            with _sqlite_snapshot(engine) as copy_path:
                progress("sqlite")
                members[SQLITE_MEMBER] = _add_file(archive, SQLITE_MEMBER, copy_path)
                snapshot = create_engine(f"sqlite:///{copy_path}")
                try:
                    with snapshot.connect() as connection, connection.begin():
                        revision, counts = _export(connection, archive, members, progress)
                finally:
                    snapshot.dispose()
            method = "sqlite-online-backup"
        else:
            with engine.connect() as connection, connection.begin():
                # First statement of the transaction: every table below is read from one snapshot.
                connection.execute(text("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE"))
                revision, counts = _export(connection, archive, members, progress)
            method = "postgresql-serializable-snapshot"
        manifest = {"format": FORMAT, "app_version": __version__, "created_at": now.isoformat(),
                    "dialect": engine.dialect.name, "snapshot": method, "schema_revision": revision,
                    "row_counts": counts, "sha256": members}
        if audit_key:
            manifest["audit_key_id"] = key_id(audit_key)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    partial.replace(out)
    return manifest


@contextmanager
def _sqlite_snapshot(engine: Engine) -> Iterator[Path]:
    """A consistent copy of the live SQLite database, in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        copy_path = Path(folder) / "snapshot.sqlite3"
        with closing(sqlite3.connect(engine.url.database, timeout=15)) as source, \
                closing(sqlite3.connect(copy_path)) as copy:
            source.backup(copy)  # pages=-1: the whole database in one step, from one read transaction
            _check_sqlite(copy)
        yield copy_path


def _add_file(archive: zipfile.ZipFile, name: str, path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source, archive.open(name, "w", force_zip64=True) as member:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            member.write(chunk)
    return digest.hexdigest()


def _export(connection: Connection, archive: zipfile.ZipFile, members: dict[str, str],
            progress: Progress) -> tuple[str, dict[str, int]]:
    revision = _revision(connection)
    counts = {}
    for table in _tables():
        progress(table.name)
        counts[table.name] = _export_table(connection, table, archive, members)
    return revision, counts


def _export_table(connection: Connection, table: Table, archive: zipfile.ZipFile, members: dict[str, str]) -> int:
    name = f"tables/{table.name}.jsonl"
    digest = hashlib.sha256()
    count = 0
    primary = list(table.primary_key.columns)
    with archive.open(name, "w", force_zip64=True) as member:
        for row in connection.execute(select(table).order_by(*primary)).mappings():
            line = (json.dumps({k: encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n").encode("utf-8")
            member.write(line)
            digest.update(line)
            count += 1
    members[name] = digest.hexdigest()
    return count


def _check_sqlite(connection: sqlite3.Connection) -> None:
    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"cơ sở dữ liệu SQLite không toàn vẹn: {result}")


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError("tệp không phải bản sao lưu ATTT xã (thiếu manifest.json)") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"định dạng bản sao lưu không hỗ trợ: {manifest.get('format')!r}")
    for name, expected in manifest["sha256"].items():
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member:
                while chunk := member.read(1 << 20):
                    digest.update(chunk)
        except (KeyError, zipfile.BadZipFile) as error:
            raise BackupError(f"tệp {name} trong bản sao lưu bị thiếu hoặc hỏng") from error
        if digest.hexdigest() != expected:
            raise BackupError(f"tệp {name} trong bản sao lưu bị hỏng (SHA-256 không khớp)")
    return manifest


# --- Restoring -------------------------------------------------------------------------------------------

def restore_backup(engine: Engine, path: Path, progress: Progress = lambda _: None,
                   audit_key: bytes | None = None) -> RestoreReport:
    """Replace every row of the (migrated) target database with the archive's content, then check
    that the target holds exactly that content."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"không mở được bản sao lưu {path}: {error}") from error
    with archive:
        manifest = read_manifest(archive)
        _check_audit_key(manifest, audit_key)
        revision = manifest["schema_revision"]
        if engine.dialect.name == "sqlite" and SQLITE_MEMBER in manifest["sha256"]:
            # The whole database file, with its own schema version: a backup made before an upgrade
            # restores too, and the caller then migrates it (ir-app restore does).
            if not is_known_revision(revision):
                raise BackupError(f"bản sao lưu có cấu trúc {revision}, mới hơn phiên bản ATTT xã này: "
                                  "hãy cài phiên bản đã tạo ra bản sao lưu (hoặc mới hơn)")
            expected, nul_cleaned = _restore_sqlite_file(engine, archive), 0
            found = _target_raw_contents(engine, expected)
            method = "sqlite-online-backup"
        else:
            with engine.connect() as connection:
                if _revision(connection) != revision:
                    raise BackupError(f"bản sao lưu có cấu trúc {revision}, cơ sở dữ liệu đích là "
                                      f"{_revision(connection)}: hãy dùng cùng phiên bản ATTT xã (ir-app db upgrade)")
            expected, nul_cleaned = _restore_rows(engine, archive, progress)
            with engine.connect() as connection:
                found = {table.name: table_content(connection, table) for table in _tables()}
            method = "portable-export"
    _compare(expected, found)
    return RestoreReport(len(expected), sum(content.rows for content in expected.values()), method, nul_cleaned)


def _check_audit_key(manifest: dict[str, Any], audit_key: bytes | None) -> None:
    archived = manifest.get("audit_key_id")
    if audit_key and archived and archived != key_id(audit_key):
        raise BackupError(f"nhật ký trong bản sao lưu được ký bằng khóa nhật ký khác (mã khóa {archived}, máy này "
                          f"dùng {key_id(audit_key)}): chép tệp audit_key của máy đã sao lưu vào thư mục dữ liệu "
                          "(hoặc đặt IR_AUDIT_KEY) rồi khôi phục lại")


def _restore_sqlite_file(engine: Engine, archive: zipfile.ZipFile) -> dict[str, Content]:
    """Copy the archived file over the target; returns the content of the archived file."""
    engine.dispose()
    with tempfile.TemporaryDirectory() as folder:
        source_path = Path(folder) / "restore.sqlite3"
        with archive.open(SQLITE_MEMBER) as member, open(source_path, "wb") as target:
            while chunk := member.read(1 << 20):
                target.write(chunk)
        with closing(sqlite3.connect(source_path)) as source:
            _check_sqlite(source)
            expected = raw_contents(source)
            with closing(sqlite3.connect(engine.url.database, timeout=15)) as target:
                source.backup(target)
    return expected


def _target_raw_contents(engine: Engine, expected: dict[str, Content]) -> dict[str, Content]:
    with closing(sqlite3.connect(engine.url.database, timeout=15)) as target:
        return raw_contents(target, names=expected)


def _restore_rows(engine: Engine, archive: zipfile.ZipFile, progress: Progress) -> tuple[dict[str, Content], int]:
    """Insert the export's rows in one transaction; returns the content as inserted."""
    tables = _tables()
    clean = nul_cleaner(engine.dialect.name)
    expected: dict[str, Content] = {}
    with engine.begin() as connection:
        for table in reversed(tables):
            connection.execute(delete(table))
        for table in tables:
            progress(table.name)
            expected[table.name] = _insert_table(connection, table, archive, clean)
        if engine.dialect.name == "postgresql":
            _reset_sequences(connection, tables)
    return expected, clean.cleaned


def _insert_table(connection: Connection, table: Table, archive: zipfile.ZipFile, clean) -> Content:
    decode = decoder(table)
    content = Content()
    batch: list[dict[str, Any]] = []
    # Closed when read: an open member keeps the archive's file open after the archive is closed.
    with io.TextIOWrapper(archive.open(f"tables/{table.name}.jsonl"), encoding="utf-8") as lines:
        for line in lines:
            row = clean(table, decode(json.loads(line)))
            content.add(row_digest(row))
            batch.append(row)
            if len(batch) >= 1000:
                _insert(connection, table, batch)
                batch = []
    if batch:
        _insert(connection, table, batch)
    return content


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    try:
        connection.execute(insert(table), rows)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise BackupError(f"không ghi được bảng {table.name} vào cơ sở dữ liệu đích: {reason}") from error


def _reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """Rows came in with their ids: move each table's sequence past them, or the next insert
    would collide with a restored row."""
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto" and column.type.python_type is int):
                # Names from our own table metadata, no user input in the SQL text.
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "  # noqa: S608
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))


def _compare(expected: dict[str, Content], found: dict[str, Content]) -> None:
    for name, content in expected.items():
        there = found.get(name, Content())
        if there.rows != content.rows:
            raise BackupError(f"khôi phục chưa đủ: bảng {name} có {there.rows} dòng, bản sao lưu có {content.rows}")
        if there.digest != content.digest:
            raise BackupError(f"khôi phục sai: nội dung bảng {name} khác với bản sao lưu")
