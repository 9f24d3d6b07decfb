"""Shared fixtures: real SQLite and PostgreSQL stores migrated by Alembic, fresh per test.

PostgreSQL comes from CDP_TEST_DATABASE_URL. Without it the PostgreSQL cases skip locally, but
under CI they fail: CI must never pass by skipping the real database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from cdp.bootstrap import Platform, build_platform, init_store
from cdp.db.engine import make_engine
from cdp.db.migrate import upgrade
from cdp.settings import Settings

PG_ENV = "CDP_TEST_DATABASE_URL"


def pg_base_url() -> str:
    """Returns the PostgreSQL test URL, failing under CI when it is missing."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{PG_ENV} is not set: CI must run the PostgreSQL tests")
    pytest.skip(f"{PG_ENV} not set")


def schema_url(base: str, schema: str) -> str:
    """Points a PostgreSQL URL at one schema through the connection's search_path."""
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


class PgSchemas:
    """Creates and drops throw-away schemas in the test database."""

    def __init__(self, base: str):
        self.base = base
        self.admin = make_engine(base, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create(self) -> str:
        """Creates an empty schema and returns a URL bound to it."""
        name = f"cdp_t_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        self.created.append(name)
        return schema_url(self.base, name)

    def drop_all(self) -> None:
        """Drops every schema this run created."""
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[PgSchemas]:
    """Gives access to throw-away PostgreSQL schemas (fails under CI if unreachable)."""
    schemas = PgSchemas(pg_base_url())
    try:
        with schemas.admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        pytest.fail(f"PostgreSQL at {PG_ENV} is unreachable: {type(exc).__name__}")
    yield schemas
    schemas.drop_all()


@pytest.fixture(scope="session")
def migrated_pg_url(pg_schemas: PgSchemas) -> str:
    """A PostgreSQL schema migrated to head once per session."""
    url = pg_schemas.create()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head once per session, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def truncate_all(engine: Engine) -> None:
    """Empties every application table so a shared schema starts clean.

    The ledger's append-only trigger would refuse; replica mode skips triggers for this session
    only (test set-up, never application code).
    """
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty store on each backend."""
    if request.param == "sqlite":
        target = tmp_path / "cdp.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("migrated_pg_url")
    engine = make_engine(url)
    truncate_all(engine)
    engine.dispose()
    return url


def make_settings(db: str, root: Path, **overrides: object) -> Settings:
    """Settings for a test store under `root`, never touching ./var."""
    values: dict[str, object] = {
        "database_url": db,
        "var_dir": root / "var",
        "key_dir": root / "var" / "keys",
        "log_file": root / "var" / "log" / "cdp.log",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings for a fresh store on the current backend."""
    return make_settings(db_url, tmp_path)


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    """An initialised platform (keys created, schema at head) on the current backend."""
    init_store(settings)
    built = build_platform(settings)
    yield built
    built.close()


def cli_env(settings: Settings) -> dict[str, str]:
    """Environment for running the `cdp` CLI against a test store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CDP_")}
    env.update(
        CDP_DATABASE_URL=settings.database_url,
        CDP_VAR_DIR=str(settings.var_dir),
        CDP_KEY_DIR=str(settings.key_dir),
        CDP_LOG_FILE=str(settings.effective_log_file),
    )
    return env
