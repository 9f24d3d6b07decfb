"""Alembic environment: one schema history for everything, URL from CDP settings or the caller."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from cdp.campaigns import tables as _campaign_tables  # noqa: F401  (registers its tables)
from cdp.db.engine import make_engine
from cdp.db.models import Base
from cdp.segments import tables as _segment_tables  # noqa: F401  (registers its tables)
from cdp.tags import tables as _tag_tables  # noqa: F401  (registers its tables)

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from cdp.settings import Settings

    return Settings().database_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    """Emits SQL for `alembic upgrade --sql` without a database."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrates through a connection handed in by the caller, or one made from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
