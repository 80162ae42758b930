"""Fast bulk writes inside the session's transaction.

SQLite: Core ``insert()`` with lists of dicts (the driver's executemany is already fast).
PostgreSQL: ``COPY … FROM STDIN`` through psycopg — several times faster than multi-row INSERTs,
whose very long statements the driver re-parses for every batch. Ids are handed out before the
rows are written (from the table's sequence on PostgreSQL, after the current maximum on SQLite,
whose write lock this transaction already holds), so children can point at their parents without
RETURNING round trips.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, Table, func, insert, select, text
from sqlalchemy.orm import Session

BATCH = 2000


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
        if self.is_postgres:
            self._copy(table, rows)
            return
        for start in range(0, len(rows), BATCH):
            self.session.execute(insert(table), rows[start:start + BATCH])

    def _copy(self, table: Table, rows: list[dict[str, Any]]) -> None:
        given = list(rows[0])
        defaults = _python_defaults(table, given)
        names = given + list(defaults)
        as_json = {name for name in names if isinstance(table.c[name].type, JSON)}
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        cursor = self.session.connection().connection.dbapi_connection.cursor()
        try:
            with cursor.copy(statement) as copy:
                for row in rows:
                    values = [row[name] for name in given] + list(defaults.values())
                    copy.write_row([json.dumps(value, ensure_ascii=False) if name in as_json and value is not None
                                    else value for name, value in zip(names, values)])
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
