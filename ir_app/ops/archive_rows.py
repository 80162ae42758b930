"""Rows in a backup archive: how they are written as JSON, read back, cleaned for the target, and
summed up so that a restore can prove it holds exactly what the archive held."""
from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import JSON, Connection, LargeBinary, String, Table, select
from sqlalchemy.types import Date, DateTime

DIGEST_MODULUS = 1 << 256


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why (Vietnamese)."""


def encode(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def decoder(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
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


@dataclass
class Content:
    """A table's row count and a digest of its rows that ignores their order (the same rows read
    from SQLite and PostgreSQL come back in different orders)."""

    rows: int = 0
    total: int = 0

    def add(self, row_hash: str) -> None:
        self.rows += 1
        self.total = (self.total + int(row_hash, 16)) % DIGEST_MODULUS

    @property
    def digest(self) -> str:
        return f"{self.total:064x}"


def row_digest(row: Mapping[str, Any]) -> str:
    canonical = json.dumps({name: encode(value) for name, value in row.items()}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def table_content(connection: Connection, table: Table) -> Content:
    content = Content()
    for row in connection.execute(select(table)).mappings():
        content.add(row_digest(row))
    return content


def raw_contents(connection: sqlite3.Connection, names: Iterable[str] | None = None) -> dict[str, Content]:
    """Every table of a SQLite file as stored (no type conversion: any schema version)."""
    if names is None:
        names = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    contents = {}
    for name in names:
        content = Content()
        try:
            cursor = connection.execute(f'SELECT * FROM "{name}"')  # noqa: S608 - a table name read from sqlite_master or the models, never user input
        except sqlite3.OperationalError:  # the table is missing: zero rows
            contents[name] = content
            continue
        columns = [description[0] for description in cursor.description]
        for values in cursor:
            content.add(row_digest(dict(zip(columns, values))))
        contents[name] = content
    return contents


class NulCleaner:
    """PostgreSQL text cannot hold NUL (0x00), SQLite text can (typed in before the web edge
    stripped it): drop it from plain text columns on the way into PostgreSQL, and count. An audit
    event cannot be changed without breaking its hash: that refuses the restore, with its id."""

    def __init__(self, active: bool):
        self.active = active
        self.cleaned = 0

    def __call__(self, table: Table, row: dict[str, Any]) -> dict[str, Any]:
        if not self.active:
            return row
        for name, value in row.items():
            if isinstance(value, str) and "\x00" in value and _is_text(table, name):
                if table.name == "audit_events":
                    raise BackupError(f"bản ghi nhật ký #{row.get('id')} chứa ký tự NUL (0x00) mà PostgreSQL không "
                                      "lưu được, và không thể sửa mà không phá chuỗi nhật ký: hãy khôi phục bản sao "
                                      "lưu này vào SQLite")
                row[name] = value.replace("\x00", "")
                self.cleaned += 1
        return row


def nul_cleaner(dialect: str) -> NulCleaner:
    return NulCleaner(active=dialect == "postgresql")


def _is_text(table: Table, name: str) -> bool:
    column_type = getattr(table.c[name].type, "impl", table.c[name].type)
    return isinstance(column_type, String) and not isinstance(column_type, JSON)
