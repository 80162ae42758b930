"""Fast bulk writes inside the session's transaction.

SQLite: the driver's ``executemany`` with the columns' own conversions (dates, JSON).
PostgreSQL: ``COPY … FROM STDIN`` through psycopg — several times faster than multi-row INSERTs,
whose very long statements the driver re-parses for every batch. Ids are handed out before the
rows are written (from the table's sequence on PostgreSQL, after the current maximum on SQLite,
whose write lock this transaction already holds), so children can point at their parents without
RETURNING round trips.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, Table, func, select, text
from sqlalchemy.orm import Session


class BulkWriter:
    def __init__(self, session: Session):
        self.session = session
        self.is_postgres = session.get_bind().dialect.name == "postgresql"
        self._next_id: dict[str, int] = {}

    def new_ids(self, table: Table, count: int) -> list[int]:
        if count == 0:
            return []
        if self.is_postgres:
            sequence = self.session.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"),
                                           {"table": table.name})
            return list(self.session.scalars(text("SELECT nextval(:sequence) FROM generate_series(1, :count)"),
                                             {"sequence": sequence, "count": count}))
        if table.name not in self._next_id:
            self._next_id[table.name] = (self.session.scalar(select(func.max(table.c.id))) or 0) + 1
        first = self._next_id[table.name]
        self._next_id[table.name] = first + count
        return list(range(first, first + count))

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        given = list(rows[0])
        defaults = _python_defaults(table, given)
        names = given + list(defaults)
        values = ([row[name] for name in given] + list(defaults.values()) for row in rows)
        if self.is_postgres:
            self._copy(table, names, values)
        else:
            self._executemany(table, names, values)

    def _driver_cursor(self):
        return self.session.connection().connection.dbapi_connection.cursor()

    def _copy(self, table: Table, names: list[str], values: Iterable[list[Any]]) -> None:
        as_json = [isinstance(table.c[name].type, JSON) for name in names]
        cursor = self._driver_cursor()
        try:
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row([json.dumps(value, ensure_ascii=False) if is_json and value is not None else value
                                    for value, is_json in zip(row, as_json)])
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


def _python_defaults(table: Table, given: list[str]) -> dict[str, Any]:
    """Values the ORM would fill in for columns the rows leave out (COPY knows nothing of them)."""
    defaults = {}
    for column in table.columns:
        if column.name in given or column.default is None:
            continue
        default = column.default
        defaults[column.name] = default.arg(None) if default.is_callable else default.arg
    return defaults
