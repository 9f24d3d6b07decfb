"""A real audit-store failure: a trigger makes every insert into audit_link fail, then goes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

_SQLITE = (
    "CREATE TRIGGER audit_down BEFORE INSERT ON audit_link "
    "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END"
)
_PG = (
    "CREATE OR REPLACE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$",
    "CREATE TRIGGER audit_down BEFORE INSERT ON audit_link "
    "FOR EACH ROW EXECUTE FUNCTION audit_down()",
)


@contextmanager
def audit_store_down(engine: Engine) -> Iterator[None]:
    """Makes audit inserts fail inside the block (the database refuses, nothing is faked)."""
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(_SQLITE)
        else:
            for statement in _PG:
                conn.exec_driver_sql(statement)
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "DROP TRIGGER audit_down"
                + (" ON audit_link" if conn.dialect.name != "sqlite" else "")
            )
