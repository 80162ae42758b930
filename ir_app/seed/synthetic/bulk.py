"""Fast bulk writes inside the session's transaction.

SQLite: the driver's ``executemany`` with the columns' own conversions (dates, JSON).
PostgreSQL: ``COPY … FROM STDIN`` through psycopg — several times faster than multi-row INSERTs,
whose very long statements the driver re-parses for every batch. Ids are handed out before the
rows are written (from the table's sequence on PostgreSQL, after the current maximum on SQLite,
whose write lock this transaction already holds), so children can point at their parents without
RETURNING round trips. On PostgreSQL ids come in blocks, and rows wait in a buffer per table until
``flush`` (or a full buffer) writes each table with one COPY, parents before children: a commune's
few rows per table would otherwise cost a round trip and a COPY each.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, Table, func, select, text
from sqlalchemy.orm import Session


ID_BLOCK = 5000          # ids fetched from a PostgreSQL sequence at a time
BUFFERED_ROWS = 50_000   # rows held before every buffered table is written


class BulkWriter:
    def __init__(self, session: Session, trusted: bool = False):
        """``trusted``: the rows are consistent by construction, so PostgreSQL may skip the
        foreign-key triggers for this transaction (session_replication_role; needs a superuser)."""
        self.session = session
        self.is_postgres = session.get_bind().dialect.name == "postgresql"
        self.trusted = trusted and self.is_postgres
        self._next_id: dict[str, int] = {}
        self._id_pool: dict[str, list[int]] = {}
        self._buffers: dict[tuple[str, tuple[str, ...]], tuple[Table, list[list[Any]]]] = {}
        self._buffered = 0

    def new_ids(self, table: Table, count: int) -> list[int]:
        if count == 0:
            return []
        if self.is_postgres:
            return self._pooled_ids(table, count)
        if table.name not in self._next_id:
            self._next_id[table.name] = (self.session.scalar(select(func.max(table.c.id))) or 0) + 1
        first = self._next_id[table.name]
        self._next_id[table.name] = first + count
        return list(range(first, first + count))

    def _pooled_ids(self, table: Table, count: int) -> list[int]:
        """Ids from the table's sequence, a block at a time (other writers get other blocks)."""
        pool = self._id_pool.setdefault(table.name, [])
        if len(pool) < count:
            cursor = self._driver_cursor()
            try:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                               (table.name, max(count - len(pool), ID_BLOCK)))
                pool += [row[0] for row in cursor.fetchall()]
            finally:
                cursor.close()
        taken, pool[:] = pool[:count], pool[count:]
        return taken

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        given = list(rows[0])
        defaults = _python_defaults(table, given)
        names = tuple(given + list(defaults))
        extra = list(defaults.values())
        _table, buffered = self._buffers.setdefault((table.name, names), (table, []))
        buffered.extend([row[name] for name in given] + extra for row in rows)
        self._buffered += len(rows)
        if self._buffered >= BUFFERED_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write every buffered table, parents first (the metadata's dependency order)."""
        if self.trusted:
            self.session.execute(text("SET LOCAL session_replication_role = replica"))
        order = {table.name: position for position, table in enumerate(_metadata_tables(self._buffers))}
        for (name, names), (table, rows) in sorted(self._buffers.items(), key=lambda item: order[item[0][0]]):
            if self.is_postgres:
                self._copy(table, list(names), rows)
            else:
                self._executemany(table, list(names), rows)
        self._buffers.clear()
        self._buffered = 0

    def _driver_cursor(self):
        return self.session.connection().connection.dbapi_connection.cursor()

    def _copy(self, table: Table, names: list[str], values: Iterable[list[Any]]) -> None:
        json_at = [position for position, name in enumerate(names) if isinstance(table.c[name].type, JSON)]
        cursor = self._driver_cursor()
        try:
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in values:
                    for position in json_at:
                        row[position] = _as_json(row[position])
                    copy.write_row(row)
        finally:
            cursor.close()

    def _executemany(self, table: Table, names: list[str], values: Iterable[list[Any]]) -> None:
        """The driver's executemany with the columns' own conversions (dates, JSON) applied once
        per value: SQLAlchemy's per-row bookkeeping was most of the time on SQLite."""
        dialect = self.session.get_bind().dialect
        converters = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
        # Names from our own table metadata, values as parameters: no user input in the SQL text.
        statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"  # noqa: S608
        cursor = self._driver_cursor()
        try:
            cursor.executemany(statement, ([convert(value) if convert else value
                                            for value, convert in zip(row, converters)] for row in values))
        finally:
            cursor.close()


def _as_json(value: Any) -> Any:
    if value is None:
        return None
    if not value and isinstance(value, (dict, list)):  # most audit events change nothing they list
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value, ensure_ascii=False)


def _metadata_tables(buffers) -> list[Table]:
    tables = {table.name: table for table, _rows in buffers.values()}
    metadata = next(iter(tables.values())).metadata if tables else None
    return [table for table in metadata.sorted_tables if table.name in tables] if metadata else []


def _python_defaults(table: Table, given: list[str]) -> dict[str, Any]:
    """Values the ORM would fill in for columns the rows leave out (COPY knows nothing of them)."""
    defaults = {}
    for column in table.columns:
        if column.name in given or column.default is None:
            continue
        default = column.default
        defaults[column.name] = default.arg(None) if default.is_callable else default.arg
    return defaults
