"""All profile-store SQL: set-based reads and executemany writes at the driver level.

Reads use fixed statements on the driver cursor (cdp.db.hot) and writes use driver executemany
(cdp.db.bulk): SQLAlchemy's per-statement and per-row overhead is larger than the database work
on these paths. Values are normalised here so callers see the same types on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete

from cdp.db.bulk import BulkInserts
from cdp.db.hot import HotInQuery, HotQuery
from cdp.db.models import BlindIndex, Customer, CustomerKey, Profile, SourceLink, table_of
from cdp.profiles.survivorship import unpack_provenance
from cdp.profiles.vault import StoredKey

customer_t: Table = table_of(Customer)
key_t: Table = table_of(CustomerKey)
profile_t: Table = table_of(Profile)
digest_t: Table = table_of(BlindIndex)
link_t: Table = table_of(SourceLink)
PROFILE_COLUMNS = tuple(c.name for c in profile_t.columns)
_BULK = BulkInserts()

_LINKS = HotInQuery(
    "SELECT source_key, customer_id, last_observed_at FROM source_link "
    "WHERE source = ? AND source_key IN ({marks})"
)
_DIGESTS = HotInQuery(
    "SELECT digest, customer_id FROM blind_index WHERE field = ? AND digest IN ({marks})"
)
_DIGESTS_OF = HotInQuery(
    "SELECT customer_id, digest FROM blind_index WHERE field = ? AND customer_id IN ({marks})"
)
_BY_DIGEST = HotQuery(
    "SELECT customer_id FROM blind_index WHERE field = ? AND digest = ? ORDER BY customer_id"
)
_PROFILES = HotInQuery(
    # column names come from the model, values are bound: no injection path
    f"SELECT {', '.join(PROFILE_COLUMNS)} FROM profile WHERE customer_id IN ({{marks}})"  # noqa: S608
)
_KEYS = HotInQuery(
    "SELECT customer_id, wrapped_key, kek_version, dek_version FROM customer_key "
    "WHERE customer_id IN ({marks})"
)


def as_utc(moment: datetime | str | None) -> datetime | None:
    """Reads a stored instant (SQLite gives naive UTC text) as an aware UTC datetime."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def as_date(value: date | str | None) -> date | None:
    """Reads a stored date (SQLite gives ISO text) as a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def as_json(value: Any) -> Any:
    """Reads a stored JSON value (SQLite gives text) as Python data."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def find_links_with_time(
    conn: Connection, source: str, keys: Sequence[str]
) -> dict[str, tuple[str, datetime | None]]:
    """Maps source keys already linked for `source` to their customer and last observation."""
    rows = _LINKS.all(conn, [source], list(dict.fromkeys(keys)))
    return {key: (cid, as_utc(seen)) for key, cid, seen in rows}


def find_digests(
    conn: Connection, wanted: Mapping[str, Sequence[bytes]]
) -> dict[tuple[str, bytes], set[str]]:
    """Maps (field, digest) pairs to the customers known by that identifier value."""
    found: dict[tuple[str, bytes], set[str]] = defaultdict(set)
    for field_name, digests in wanted.items():
        for digest, cid in _DIGESTS.all(conn, [field_name], list(dict.fromkeys(digests))):
            found[(field_name, bytes(digest))].add(cid)
    return found


def digests_of(
    conn: Connection, field_name: str, customer_ids: Sequence[str]
) -> dict[str, set[bytes]]:
    """Returns every digest of one field held for each given customer."""
    found: dict[str, set[bytes]] = defaultdict(set)
    for cid, digest in _DIGESTS_OF.all(conn, [field_name], customer_ids):
        found[cid].add(bytes(digest))
    return found


def customers_by_digest(conn: Connection, field_name: str, digest: bytes) -> list[str]:
    """Returns the customers known by one identifier value, in id order."""
    return [cid for (cid,) in _BY_DIGEST.all(conn, (field_name, digest))]


def load_profiles(conn: Connection, customer_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Loads whole profile rows (ciphertext stays sealed) keyed by customer."""
    rows: dict[str, dict[str, Any]] = {}
    for values in _PROFILES.all(conn, [], customer_ids):
        row = dict(zip(PROFILE_COLUMNS, values, strict=True))
        row["provenance"] = unpack_provenance(as_json(row["provenance"]))
        row["open_date"] = as_date(row["open_date"])
        row["last_login_date"] = as_date(row["last_login_date"])
        row["updated_at"] = as_utc(row["updated_at"])
        rows[row["customer_id"]] = row
    return rows


def load_keys(conn: Connection, customer_ids: Sequence[str]) -> dict[str, StoredKey]:
    """Loads the wrapped data keys of the given customers (shredded customers have none)."""
    return {
        cid: StoredKey(bytes(wrapped), kek, dek)
        for cid, wrapped, kek, dek in _KEYS.all(conn, [], customer_ids)
    }


_ACTIVE_KEK = HotQuery("SELECT version FROM kek_version WHERE status = 'active'")


def active_kek(conn: Connection) -> int | None:
    """Returns the KEK version new data keys must be wrapped with, as the store says now."""
    rows = _ACTIVE_KEK.all(conn, ())
    return int(rows[0][0]) if rows else None


class KekRetired(RuntimeError):
    """A batch wrapped data keys under a KEK version that is being retired; nothing is kept."""


def hold_keks(conn: Connection, versions: set[int]) -> None:
    """Refuses keys under a retired KEK and, on PostgreSQL, blocks retirement until commit."""
    marks = ", ".join("?" * len(versions))
    lock = " FOR SHARE" if conn.dialect.name == "postgresql" else ""
    query = HotQuery(f"SELECT version, status FROM kek_version WHERE version IN ({marks}){lock}")  # noqa: S608 - marks only
    statuses = dict(query.all(conn, sorted(versions)))
    if any(statuses.get(v) in (None, "retired") for v in versions):
        raise KekRetired("a KEK version used by this batch is retired: retry the batch")


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Inserts many rows (same keys each) in one driver-level executemany."""
    _BULK.insert(conn, table, rows)


def insert_digests(conn: Connection, rows: list[tuple[str, bytes, str]]) -> None:
    """Inserts (field, digest, customer_id) rows, skipping those already known."""
    _BULK.insert_tuples(conn, digest_t, ("field", "digest", "customer_id"), rows, ignore_dupes=True)


def update_profiles(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Rewrites whole profile rows of existing customers in one executemany."""
    _BULK.update(conn, profile_t, ("customer_id",), rows)


def touch_links(conn: Connection, source: str, rows: list[dict[str, Any]]) -> None:
    """Moves last_observed_at forward on links that saw a newer record."""
    _BULK.update(
        conn,
        link_t,
        ("source", "source_key"),
        [{"last_observed_at": r["at"], "source": source, "source_key": r["key"]} for r in rows],
    )


def touch_customers(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Stamps updated_at on customers whose profile changed."""
    _BULK.update(conn, customer_t, ("customer_id",), rows)


def delete_where_customer(conn: Connection, table: Table, customer_id: str) -> int:
    """Deletes a customer's rows from one table and returns how many went."""
    result = conn.execute(delete(table).where(table.c.customer_id == customer_id))
    return int(result.rowcount or 0)
