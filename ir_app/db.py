"""Engine and session factory. SQLite gets WAL, a busy timeout and foreign keys."""
from __future__ import annotations

from pathlib import Path

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Engine, Integer, any_, bindparam, create_engine, event, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from ir_app.config import make_private_dir, make_private_file
from ir_app.domain.folding import fold

SQLITE_BUSY_TIMEOUT_MS = 15000


def one_of(session: Session, column, values: Sequence, item_type=Integer) -> ColumnElement[bool]:
    """``column IN values``. On PostgreSQL ``= ANY(:array)``: the values travel as one array parameter,
    so the statement's text is the same for 10 or 10,000 values (a province's dossier ids as an IN
    list were 14 kB of SQL rendered, sent and parsed again on every page)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(item_type)))
    return column.in_(values)


def make_engine(url: str, **kwargs) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            _private_sqlite_files(Path(parsed.database))
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        url = parsed.set(drivername="postgresql+psycopg")
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _private_sqlite_files(path: Path) -> None:
    """The database holds personal data: 0600 for it, and so for the WAL and SHM files, which
    SQLite creates with the database file's own mode."""
    make_private_dir(path.parent)
    make_private_file(path)
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if extra.exists():
            make_private_file(extra)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() folds only ASCII: «VĨNH LẠI» would not match a search for «vĩnh lại»,
    # as it does on PostgreSQL. Python's str.lower folds every letter.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    # Accent-insensitive search (services/search.py); PostgreSQL does the same with translate().
    dbapi_connection.create_function("ir_fold", 1, fold, deterministic=True)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def refresh_statistics(engine: Engine) -> None:
    """ANALYZE after a bulk load (synthetic province, restore): until autovacuum gets to it, the
    planner believes the tables are empty and picks plans that read every row."""
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def make_session_factory(engine: Engine, audit_key: bytes | None = None) -> sessionmaker[Session]:
    """Sessions carry the audit key (`session.info`), with which services seal the audit chain."""
    return sessionmaker(bind=engine, expire_on_commit=False, info={"audit_key": audit_key} if audit_key else {})
