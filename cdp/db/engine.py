"""Builds SQLAlchemy engines that never echo bound parameters (they may carry PII digests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA cache_size=-65536",  # 64 MiB: random blind-index inserts thrash the 2 MiB default
    "PRAGMA wal_autocheckpoint=10000",  # checkpoint every ~40 MiB of WAL, not every 4 MiB
)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Creates the engine for `url`; SQLite gets WAL and foreign keys, its directory is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, **kwargs)
    return create_engine(url, hide_parameters=True, pool_pre_ping=True, **kwargs)


def _sqlite_engine(url: str, database: str | None, **kwargs: Any) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, hide_parameters=True, **kwargs)
    event.listen(engine, "connect", _apply_sqlite_pragmas)
    return engine


def _apply_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """Runs one unit of work: commits at the boundary, rolls back on any error."""
    with engine.begin() as conn:
        yield conn
