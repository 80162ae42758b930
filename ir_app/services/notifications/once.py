"""Insert outbox rows exactly once, a few hundred per statement."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

# Rows per INSERT: about 12 columns each, well under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
ROWS_PER_STATEMENT = 300


def insert_once(session: Session, table: Table, rows: Sequence[dict], unique: Sequence[str]) -> int:
    """Multi-row INSERT … ON CONFLICT (unique) DO NOTHING RETURNING id; returns how many rows were added.

    The unique key, not a read before the write, makes it exactly once: a racing scheduler that queued
    the same row a moment ago wins, and this insert skips it (PostgreSQL waits for the other
    transaction, then skips). No savepoint: on SQLite the driver would commit a savepoint opened before
    any other write, outside the job's unit of work. RETURNING counts the rows added (rowcount is not
    reliable for multi-row inserts that skip conflicts). All rows must have the same columns.
    """
    if not rows:
        return 0
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    statement = insert(table).on_conflict_do_nothing(index_elements=list(unique)).returning(table.c.id)
    # Executed with many parameter sets, SQLAlchemy's "insertmanyvalues" sends one multi-row INSERT per
    # page: the statement is compiled once (a .values() of hundreds of rows took seconds to compile).
    result = session.execute(statement, list(rows), execution_options={"insertmanyvalues_page_size": ROWS_PER_STATEMENT})
    return len(result.all())
