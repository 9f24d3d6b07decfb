"""Alembic history: empty database to head and back, and no drift from the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from cdp.db.engine import make_engine
from cdp.db.migrate import current_revision, downgrade, head_revision, upgrade
from cdp.db.models import Base

EXPECTED_TABLES = {
    "customer",
    "customer_key",
    "kek_version",
    "profile",
    "blind_index",
    "source_link",
    "ingest_run",
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables at all, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("pg_schemas").create()


def test_when_an_empty_database_is_migrated_then_it_reaches_head_without_drift(
    empty_url: str,
) -> None:
    engine = make_engine(empty_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()


def test_when_migrated_down_to_base_then_the_schema_is_gone_and_up_again_works(
    empty_url: str,
) -> None:
    engine = make_engine(empty_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert not EXPECTED_TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_when_the_ledger_is_updated_or_deleted_then_the_database_refuses(empty_url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    engine = make_engine(empty_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO customer (customer_id, created_at, updated_at) "
                "VALUES ('c1', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO consent_event (event_id, customer_id, purpose, action, channel, "
                "occurred_at, received_at, payload, payload_sha256) VALUES ('e1', 'c1', 'P05', "
                "'grant', 'app', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '{}', 'x')"
            )
        )
    for statement in ("UPDATE consent_event SET action = 'withdraw'", "DELETE FROM consent_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM consent_event")).scalar_one() == "grant"
    engine.dispose()
