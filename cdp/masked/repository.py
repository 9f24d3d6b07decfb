"""All masked-view SQL: set-based reads on the driver cursor, one executemany upsert per batch.

Reads fetch ciphertext only as opaque bytes (to fingerprint the note); decryption is the
profile store's. Values are normalised so callers see the same types on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, delete, func, select

from cdp.db.bulk import BulkInsert, BulkInserts
from cdp.db.hot import HotInQuery, HotQuery
from cdp.db.models import MaskedProfile, Profile, table_of
from cdp.profiles.repository import as_date, as_json, as_utc

masked_t: Table = table_of(MaskedProfile)
profile_t: Table = table_of(Profile)
COLUMNS = tuple(c.name for c in masked_t.columns)
READ_COLUMNS = tuple(c for c in COLUMNS if c not in {"customer_id", "note_source"})

_SOURCES = HotInQuery(
    "SELECT p.customer_id, p.updated_at, p.gender, p.risk_tolerance, p.preferred_channel, "
    "p.service_note_ct, m.note_source, m.note_detector, m.masked_note, "
    "p.open_date, p.last_login_date, p.logins_30d, p.logins_90d, p.txns_30d, p.txns_90d, "
    "p.products_held "
    "FROM profile p LEFT JOIN masked_profile m ON m.customer_id = p.customer_id "
    "WHERE p.customer_id IN ({marks})"
)
_CONSENTS = HotInQuery(
    "SELECT customer_id, state, updated_at FROM consent_state WHERE customer_id IN ({marks})"
)
_RESPONSES = HotInQuery(  # the latest instant of each response kind per marketing pseudonym
    "SELECT pseudonym, kind, MAX(at) FROM campaign_response WHERE pseudonym IN ({marks}) "
    "GROUP BY pseudonym, kind"
)
_ANY_RESPONSE = HotQuery("SELECT 1 FROM campaign_response LIMIT 1")
_HELD = HotInQuery("SELECT customer_id FROM masked_profile WHERE customer_id IN ({marks})")
_BULK = BulkInserts()
_PAGE = HotQuery(
    "SELECT customer_id FROM profile WHERE customer_id > ? ORDER BY customer_id LIMIT ?"
)
_LOCK = HotInQuery(  # PostgreSQL: the row lock every profile writer already takes
    "SELECT customer_id FROM customer WHERE customer_id IN ({marks}) "
    "ORDER BY customer_id FOR NO KEY UPDATE"
)
_LOCK_SKIP = HotInQuery(  # the rebuild leaves rows a writer holds to that writer's refresh
    "SELECT customer_id FROM customer WHERE customer_id IN ({marks}) "
    "ORDER BY customer_id FOR NO KEY UPDATE SKIP LOCKED"
)
_BY_PSEUDONYM = HotQuery(
    f"SELECT {', '.join(READ_COLUMNS)} FROM masked_profile WHERE pseudonym = ?"  # noqa: S608
)
_UPSERTS: dict[str, BulkInsert] = {}


class SourceRow(NamedTuple):
    """What a refresh reads of one customer besides the decrypted fields."""

    customer_id: str
    profile_updated_at: datetime | str  # as the driver returned it: only written back
    gender: str | None
    risk_tolerance: str | None
    preferred_channel: str | None
    note_ct: bytes | None
    note_source: str | None
    note_detector: str | None
    masked_note: str | None
    open_date: date | None = None
    last_login_date: date | None = None
    logins_30d: int | None = None
    logins_90d: int | None = None
    txns_30d: int | None = None
    txns_90d: int | None = None
    products_held: int | None = None


def sources(conn: Connection, customer_ids: Sequence[str]) -> list[SourceRow]:
    """Loads profile versions, plain fields, note ciphertexts and the masked notes already held."""
    return [
        SourceRow(
            cid,
            at,  # SQLite's stored text goes back out as it came (bulk.py passes it through)
            gender,
            risk,
            channel,
            bytes(ct) if ct else None,
            held_source,
            held_detector,
            held_note,
            as_date(opened),
            as_date(login),
            *counts,
        )
        for (
            cid,
            at,
            gender,
            risk,
            channel,
            ct,
            held_source,
            held_detector,
            held_note,
            opened,
            login,
            *counts,
        ) in _SOURCES.all(conn, (), customer_ids)
    ]


def consent_states(
    conn: Connection, customer_ids: Sequence[str]
) -> dict[str, list[tuple[dict[str, Any], datetime]]]:
    """Loads every consent projection row of the customers, grouped by customer."""
    found: dict[str, list[tuple[dict[str, Any], datetime]]] = {}
    for cid, state, at in _CONSENTS.all(conn, (), customer_ids):
        found.setdefault(cid, []).append((as_json(state), as_utc(at) or at))
    return found


def latest_responses(conn: Connection, pseudonyms: Sequence[str]) -> dict[str, dict[str, datetime]]:
    """The latest instant of each campaign response kind, per marketing pseudonym given."""
    found: dict[str, dict[str, datetime]] = {}
    for pseudonym, kind, at in _RESPONSES.all(conn, (), pseudonyms):
        found.setdefault(pseudonym, {})[kind] = as_utc(at) or at
    return found


def any_responses(conn: Connection) -> bool:
    """Whether any campaign response is stored (none: a batch need not look any up)."""
    return bool(_ANY_RESPONSE.all(conn, ()))


def lock_customers(conn: Connection, customer_ids: Sequence[str], *, skip_locked: bool) -> set[str]:
    """Locks the customers' rows (PostgreSQL) so a refresh reads what the last writer committed.

    With `skip_locked`, rows a concurrent writer holds are left to that writer's own refresh.
    """
    if conn.dialect.name != "postgresql":
        return set(customer_ids)  # SQLite runs one writer at a time
    query = _LOCK_SKIP if skip_locked else _LOCK
    return {row[0] for row in query.all(conn, (), sorted(customer_ids))}


def page_after(conn: Connection, after: str, limit: int) -> list[str]:
    """Returns the next customer ids with a profile, in id order (keyset paging)."""
    return [row[0] for row in _PAGE.all(conn, (after, limit))]


def count_profiles(conn: Connection) -> int:
    """Counts profiles, for the rebuild's progress bar."""
    return int(conn.execute(select(func.count()).select_from(profile_t)).scalar_one())


def upsert(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Inserts or replaces masked rows in one executemany (`ON CONFLICT DO UPDATE`)."""
    if not rows:
        return
    statement = _UPSERTS.get(conn.dialect.name)
    if statement is None:
        statement = _UPSERTS[conn.dialect.name] = _upsert_statement(conn.dialect.name)
    statement.execute(conn, statement.from_dicts(rows))


def _upsert_statement(dialect: str) -> BulkInsert:
    statement = BulkInsert(masked_t, COLUMNS, dialect, ignore_dupes=False)
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in COLUMNS if c != "customer_id")
    statement.sql += f' ON CONFLICT ("customer_id") DO UPDATE SET {sets}'
    return statement


def held(conn: Connection, customer_ids: Sequence[str]) -> set[str]:
    """The customers among `customer_ids` that already have a masked row."""
    return {row[0] for row in _HELD.all(conn, (), customer_ids)}


def update_consents(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Sets the consent flags (and their instants) of existing rows in one executemany."""
    _BULK.update(conn, masked_t, ("customer_id",), rows)


def remove(conn: Connection, customer_ids: Sequence[str]) -> None:
    """Deletes the masked rows of customers that have none any more (erased)."""
    if customer_ids:
        conn.execute(delete(masked_t).where(masked_t.c.customer_id.in_(list(customer_ids))))


def by_pseudonym(conn: Connection, pseudonym: str) -> dict[str, Any] | None:
    """Loads one masked row by its pseudonym, without the customer id."""
    rows = _BY_PSEUDONYM.all(conn, (pseudonym,))
    if not rows:
        return None
    found = dict(zip(READ_COLUMNS, rows[0], strict=True))
    found["consents"], found["tags"] = as_json(found["consents"]), as_json(found["tags"])
    return found
