"""All profile-store SQL: set-based reads and executemany writes, never row-by-row ORM adds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, select, update

from cdp.db.bulk import BulkInserts
from cdp.db.models import BlindIndex, Customer, CustomerKey, Profile, SourceLink, table_of
from cdp.profiles.vault import StoredKey

CHUNK = 500
customer_t: Table = table_of(Customer)
key_t: Table = table_of(CustomerKey)
profile_t: Table = table_of(Profile)
digest_t: Table = table_of(BlindIndex)
link_t: Table = table_of(SourceLink)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """Splits a long IN list so that no statement exceeds the driver's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def find_links_with_time(
    conn: Connection, source: str, keys: Sequence[str]
) -> dict[str, tuple[str, datetime | None]]:
    """Maps source keys already linked for `source` to their customer and last observation."""
    found: dict[str, tuple[str, datetime | None]] = {}
    cols = (link_t.c.source_key, link_t.c.customer_id, link_t.c.last_observed_at)
    for part in chunks(list(dict.fromkeys(keys))):
        query = select(*cols).where(link_t.c.source == source, link_t.c.source_key.in_(part))
        found.update({key: (cid, seen) for key, cid, seen in conn.execute(query)})
    return found


def find_digests(
    conn: Connection, field_names: Sequence[str], digests: Sequence[bytes]
) -> dict[tuple[str, bytes], set[str]]:
    """Maps (field, digest) pairs to the customers known by that identifier value."""
    found: dict[tuple[str, bytes], set[str]] = defaultdict(set)
    for part in chunks(digests):
        query = select(digest_t.c.field, digest_t.c.digest, digest_t.c.customer_id).where(
            digest_t.c.field.in_(field_names), digest_t.c.digest.in_(part)
        )
        for field_name, digest, cid in conn.execute(query):
            found[(field_name, bytes(digest))].add(cid)
    return found


def digests_of(
    conn: Connection, field_name: str, customer_ids: Sequence[str]
) -> dict[str, set[bytes]]:
    """Returns every digest of one field held for each given customer."""
    found: dict[str, set[bytes]] = defaultdict(set)
    for part in chunks(customer_ids):
        query = select(digest_t.c.customer_id, digest_t.c.digest).where(
            digest_t.c.field == field_name, digest_t.c.customer_id.in_(part)
        )
        for cid, digest in conn.execute(query):
            found[cid].add(bytes(digest))
    return found


def customers_by_digest(conn: Connection, field_name: str, digest: bytes) -> list[str]:
    """Returns the customers known by one identifier value, oldest link first."""
    query = (
        select(digest_t.c.customer_id)
        .where(digest_t.c.field == field_name, digest_t.c.digest == digest)
        .order_by(digest_t.c.customer_id)
    )
    return list(conn.execute(query).scalars())


def load_profiles(conn: Connection, customer_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Loads whole profile rows (ciphertext stays sealed) keyed by customer."""
    rows: dict[str, dict[str, Any]] = {}
    for part in chunks(customer_ids):
        for row in conn.execute(select(profile_t).where(profile_t.c.customer_id.in_(part))):
            rows[row.customer_id] = dict(row._mapping)
    return rows


def load_keys(conn: Connection, customer_ids: Sequence[str]) -> dict[str, StoredKey]:
    """Loads the wrapped data keys of the given customers (shredded customers have none)."""
    keys: dict[str, StoredKey] = {}
    cols = (key_t.c.customer_id, key_t.c.wrapped_key, key_t.c.kek_version, key_t.c.dek_version)
    for part in chunks(customer_ids):
        for cid, wrapped, kek, dek in conn.execute(
            select(*cols).where(key_t.c.customer_id.in_(part))
        ):
            keys[cid] = StoredKey(bytes(wrapped), kek, dek)
    return keys


_BULK = BulkInserts()


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Inserts many rows (same keys each) in one driver-level executemany."""
    _BULK.insert(conn, table, rows)


def insert_digests(conn: Connection, rows: list[tuple[str, bytes, str]]) -> None:
    """Inserts (field, digest, customer_id) rows, skipping those already known."""
    _BULK.insert_tuples(conn, digest_t, ("field", "digest", "customer_id"), rows, ignore_dupes=True)


def update_profiles(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Rewrites whole profile rows of existing customers in one executemany."""
    if not rows:
        return
    columns = [c.name for c in profile_t.columns if c.name != "customer_id"]
    statement = (
        update(profile_t)
        .where(profile_t.c.customer_id == bindparam("b_customer_id"))
        .values({name: bindparam(f"b_{name}") for name in columns})
    )
    conn.execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in rows])


def touch_links(conn: Connection, source: str, rows: list[dict[str, Any]]) -> None:
    """Moves last_observed_at forward on links that saw a newer record."""
    if not rows:
        return
    statement = (
        update(link_t)
        .where(link_t.c.source == source, link_t.c.source_key == bindparam("b_key"))
        .values(last_observed_at=bindparam("b_at"))
    )
    conn.execute(statement, rows)


def touch_customers(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Stamps updated_at on customers whose profile changed."""
    if not rows:
        return
    statement = (
        update(customer_t)
        .where(customer_t.c.customer_id == bindparam("b_cid"))
        .values(updated_at=bindparam("b_at"))
    )
    conn.execute(statement, rows)


def delete_where_customer(conn: Connection, table: Table, customer_id: str) -> int:
    """Deletes a customer's rows from one table and returns how many went."""
    result = conn.execute(delete(table).where(table.c.customer_id == customer_id))
    return int(result.rowcount or 0)


def count_rows(conn: Connection, tables: Iterable[Table]) -> Mapping[str, int]:
    """Counts rows per table for summaries."""
    from sqlalchemy import func

    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in tables
    }
