"""All API client SQL (Core statements); values read the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, or_, select, update

from cdp.apiclients.models import ApiClient
from cdp.db.models import ApiClientRow, table_of
from cdp.profiles.repository import as_json, as_utc

client_t: Table = table_of(ApiClientRow)
_CLIENT_COLUMNS = (
    client_t.c.client_id,
    client_t.c.name,
    client_t.c.roles,
    client_t.c.attributes,
    client_t.c.created_at,
    client_t.c.disabled_at,
)


def _client(row: Any) -> ApiClient:  # a Row of _CLIENT_COLUMNS
    disabled_at = as_utc(row.disabled_at)
    return ApiClient(
        client_id=row.client_id,
        name=row.name,
        roles=frozenset(filter(None, row.roles.split(","))),
        attributes={str(k): str(v) for k, v in (as_json(row.attributes) or {}).items()},
        disabled=disabled_at is not None,
        created_at=as_utc(row.created_at),
        disabled_at=disabled_at,
    )


def insert_client(conn: Connection, client: ApiClient, *, prefix: str, key_hash: str) -> None:
    """Stores a new client with its key's prefix and digest."""
    conn.execute(
        insert(client_t).values(
            client_id=client.client_id,
            name=client.name,
            roles=",".join(sorted(client.roles)),
            attributes=dict(client.attributes),
            key_prefix=prefix,
            key_hash=key_hash,
            created_at=client.created_at,
            disabled_at=client.disabled_at,
        )
    )


def find_by_prefix(conn: Connection, prefix: str) -> tuple[ApiClient, str] | None:
    """Returns the client holding a key prefix and the stored digest of its key."""
    query = select(*_CLIENT_COLUMNS, client_t.c.key_hash).where(client_t.c.key_prefix == prefix)
    row = conn.execute(query).first()
    return None if row is None else (_client(row), row.key_hash)


def find(
    conn: Connection, *, client_id: str | None = None, name: str | None = None
) -> ApiClient | None:
    """Returns the client with this id or, failing that, this name."""
    wanted = [client_t.c.client_id == client_id] if client_id is not None else []
    wanted += [client_t.c.name == name] if name is not None else []
    if not wanted:
        return None
    rows = conn.execute(select(*_CLIENT_COLUMNS).where(or_(*wanted))).all()
    by_id = [r for r in rows if r.client_id == client_id]
    return _client((by_id or rows)[0]) if rows else None


def all_clients(conn: Connection) -> list[ApiClient]:
    """Returns every client, by name."""
    return [_client(r) for r in conn.execute(select(*_CLIENT_COLUMNS).order_by(client_t.c.name))]


def mark_disabled(conn: Connection, client_id: str, at: datetime) -> bool:
    """Disables a client unless it already is; tells whether this call changed it."""
    result = conn.execute(
        update(client_t)
        .where(client_t.c.client_id == client_id, client_t.c.disabled_at.is_(None))
        .values(disabled_at=at)
    )
    return bool(result.rowcount)
