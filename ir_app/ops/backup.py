"""Backup and restore of ATTT xã's own data (not the commune's systems — see backups of plans).

The archive is a ZIP with a manifest (format, app version, schema revision, row counts and the
SHA-256 of every member). Every backup carries a portable export (one JSON-lines file per table,
read from one consistent snapshot), so it restores into SQLite or PostgreSQL alike; a SQLite
backup also carries the database file made with SQLite's online backup API, restored as is.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import Connection, Engine, LargeBinary, MetaData, Table, delete, func, insert, select, text
from sqlalchemy.types import Date, DateTime

from ir_app import __version__
from ir_app.config import make_private_dir, make_private_file
from ir_app.migrate import is_known_revision
from ir_app.models import Base

FORMAT = "ir-app-backup/1"
SQLITE_MEMBER = "sqlite/ir_app.sqlite3"
Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why (Vietnamese)."""


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    method: str


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)  # parents before children


def _encode(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decoder(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    kinds = {}
    for column in table.columns:
        column_type = getattr(column.type, "impl", column.type)
        kinds[column.name] = ("datetime" if isinstance(column_type, DateTime) else
                              "date" if isinstance(column_type, Date) else
                              "bytes" if isinstance(column_type, LargeBinary) else None)

    def decode(row: dict[str, Any]) -> dict[str, Any]:
        for name, value in row.items():
            if value is None or kinds.get(name) is None:
                continue
            if kinds[name] == "datetime":
                row[name] = datetime.fromisoformat(value)
            elif kinds[name] == "date":
                row[name] = date.fromisoformat(value)
            else:
                row[name] = base64.b64decode(value["$b64"])
        return row

    return decode


def _revision(connection: Connection) -> str:
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def make_backup(engine: Engine, out: Path, now: datetime, progress: Progress = lambda _: None) -> dict[str, Any]:
    """Write the archive atomically (a half-written file never takes the final name)."""
    out = Path(out)
    make_private_dir(out.parent)
    members: dict[str, str] = {}
    counts: dict[str, int] = {}
    partial = make_private_file(out.with_name(out.name + ".partial"))  # personal data: 0600
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
            revision = _revision(connection)
            for table in _tables():
                progress(table.name)
                counts[table.name] = _export_table(connection, table, archive, members)
        if engine.dialect.name == "sqlite":
            progress("sqlite")
            members[SQLITE_MEMBER] = _add_sqlite_copy(engine, archive)
        manifest = {"format": FORMAT, "app_version": __version__, "created_at": now.isoformat(),
                    "dialect": engine.dialect.name, "schema_revision": revision, "row_counts": counts,
                    "sha256": members}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    partial.replace(out)
    return manifest


def _export_table(connection: Connection, table: Table, archive: zipfile.ZipFile, members: dict[str, str]) -> int:
    name = f"tables/{table.name}.jsonl"
    digest = hashlib.sha256()
    count = 0
    primary = list(table.primary_key.columns)
    with archive.open(name, "w") as member:
        for row in connection.execute(select(table).order_by(*primary)).mappings():
            line = (json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n").encode("utf-8")
            member.write(line)
            digest.update(line)
            count += 1
    members[name] = digest.hexdigest()
    return count


def _add_sqlite_copy(engine: Engine, archive: zipfile.ZipFile) -> str:
    source_path = engine.url.database
    with tempfile.TemporaryDirectory() as folder:
        copy_path = Path(folder) / "copy.sqlite3"
        with sqlite3.connect(source_path) as source, sqlite3.connect(copy_path) as copy:
            source.backup(copy)  # SQLite's online backup: consistent while the app keeps running
            _check_sqlite(copy)
        data = copy_path.read_bytes()
    archive.writestr(SQLITE_MEMBER, data)
    return hashlib.sha256(data).hexdigest()


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
        if hashlib.sha256(archive.read(name)).hexdigest() != expected:
            raise BackupError(f"tệp {name} trong bản sao lưu bị hỏng (SHA-256 không khớp)")
    return manifest


def restore_backup(engine: Engine, path: Path, progress: Progress = lambda _: None) -> RestoreReport:
    """Replace every row of the (migrated) target database with the archive's content."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"không mở được bản sao lưu {path}: {error}") from error
    with archive:
        manifest = read_manifest(archive)
        revision = manifest["schema_revision"]
        if engine.dialect.name == "sqlite" and SQLITE_MEMBER in manifest["sha256"]:
            # The whole database file, with its own schema version: a backup made before an upgrade
            # restores too, and the caller then migrates it (ir-app restore does).
            if not is_known_revision(revision):
                raise BackupError(f"bản sao lưu có cấu trúc {revision}, mới hơn phiên bản ATTT xã này: "
                                  "hãy cài phiên bản đã tạo ra bản sao lưu (hoặc mới hơn)")
            _restore_sqlite_file(engine, archive.read(SQLITE_MEMBER))
            method = "sqlite-online-backup"
        else:
            with engine.connect() as connection:
                if _revision(connection) != revision:
                    raise BackupError(f"bản sao lưu có cấu trúc {revision}, cơ sở dữ liệu đích là "
                                      f"{_revision(connection)}: hãy dùng cùng phiên bản ATTT xã (ir-app db upgrade)")
            _restore_rows(engine, archive, progress)
            method = "portable-export"
    _check_counts(engine, manifest["row_counts"])
    return RestoreReport(len(manifest["row_counts"]), sum(manifest["row_counts"].values()), method)


def _restore_sqlite_file(engine: Engine, data: bytes) -> None:
    engine.dispose()
    with tempfile.TemporaryDirectory() as folder:
        source_path = Path(folder) / "restore.sqlite3"
        source_path.write_bytes(data)
        with sqlite3.connect(source_path) as source, sqlite3.connect(engine.url.database) as target:
            _check_sqlite(source)
            source.backup(target)


def _restore_rows(engine: Engine, archive: zipfile.ZipFile, progress: Progress) -> None:
    tables = _tables()
    with engine.begin() as connection:
        for table in reversed(tables):
            connection.execute(delete(table))
        for table in tables:
            progress(table.name)
            decode = _decoder(table)
            batch: list[dict[str, Any]] = []
            for line in io.TextIOWrapper(archive.open(f"tables/{table.name}.jsonl"), encoding="utf-8"):
                batch.append(decode(json.loads(line)))
                if len(batch) >= 1000:
                    connection.execute(insert(table), batch)
                    batch = []
            if batch:
                connection.execute(insert(table), batch)
        if engine.dialect.name == "postgresql":
            _reset_sequences(connection, tables)


def _reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto" and column.type.python_type is int):
                # Names from our own table metadata, no user input in the SQL text.
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "  # noqa: S608
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))


def _check_counts(engine: Engine, expected: dict[str, int]) -> None:
    metadata = MetaData()
    with engine.connect() as connection:
        for name, count in expected.items():
            table = Table(name, metadata, autoload_with=connection)
            found = connection.execute(select(func.count()).select_from(table)).scalar_one()
            if found != count:
                raise BackupError(f"khôi phục chưa đủ: bảng {name} có {found} dòng, bản sao lưu có {count}")
