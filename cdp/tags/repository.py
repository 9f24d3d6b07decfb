"""Reads and writes tag deletions: one query per batch of customers, never one per row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from cdp.db.hot import HotInQuery
from cdp.tags.tables import tag_deletion_t as t

CHUNK = 1000  # bound parameters per IN list
_DELETED = HotInQuery("SELECT customer_id, tag_id FROM tag_deletion WHERE customer_id IN ({marks})")


def deleted_tags(conn: Connection, customer_ids: Sequence[str]) -> dict[str, frozenset[str]]:
    """The tags each of the customers deleted (customers without deletions are left out).

    On the driver cursor: a refresh or rebuild batch asks this for thousands of customers, and
    compiling a 1,000-value IN list through SQLAlchemy cost more than the query itself."""
    found: dict[str, set[str]] = {}
    for customer_id, tag_id in _DELETED.all(conn, (), customer_ids, chunk=CHUNK):
        found.setdefault(customer_id, set()).add(tag_id)
    return {cid: frozenset(tags) for cid, tags in found.items()}


def customers_who_deleted(conn: Connection, tag_ids: Sequence[str]) -> frozenset[str]:
    """The customers who deleted any of the tags (few in practice: one indexed query)."""
    if not tag_ids:
        return frozenset()
    stmt = select(t.c.customer_id).where(t.c.tag_id.in_(sorted(set(tag_ids)))).distinct()
    return frozenset(conn.scalars(stmt))


def record_deletion(
    conn: Connection, customer_id: str, tag_id: str, channel: str, at: datetime
) -> bool:
    """Stores the deletion; False when the customer had already deleted the tag."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(t)
        .values(customer_id=customer_id, tag_id=tag_id, deleted_at=at, channel=channel)
        .on_conflict_do_nothing(index_elements=["customer_id", "tag_id"])
        .returning(t.c.tag_id)
    )
    return conn.execute(stmt).first() is not None
