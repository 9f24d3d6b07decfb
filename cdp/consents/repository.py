"""Consent SQL: the append-only ledger, the projection per (customer, purpose), the outbox."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table

from cdp.db.bulk import BulkInserts
from cdp.db.hot import HotInQuery, HotQuery
from cdp.db.models import ConsentEvent, ConsentState, Customer, Outbox, table_of
from cdp.profiles.repository import as_json, as_utc

event_t: Table = table_of(ConsentEvent)
state_t: Table = table_of(ConsentState)
outbox_t: Table = table_of(Outbox)
customer_t: Table = table_of(Customer)
Pair = tuple[str, str]  # (customer_id, purpose)
_BULK = BulkInserts()

_KNOWN_EVENTS = HotInQuery(
    "SELECT event_id, payload_sha256 FROM consent_event WHERE event_id IN ({marks})"
)
_CUSTOMERS = HotInQuery("SELECT customer_id FROM customer WHERE customer_id IN ({marks})")
_EVENTS_OF = HotInQuery(
    "SELECT customer_id, purpose, payload FROM consent_event WHERE customer_id IN ({marks}) "
    "ORDER BY occurred_at, event_id"
)
_STATES_OF = HotInQuery(
    "SELECT customer_id, purpose, state FROM consent_state WHERE customer_id IN ({marks})"
)
_STATE = HotQuery("SELECT state FROM consent_state WHERE customer_id = ? AND purpose = ?")
_ALL_STATES = HotQuery("SELECT purpose, state FROM consent_state WHERE customer_id = ?")
_EVENTS_OF_ONE = HotQuery(
    "SELECT payload, received_at FROM consent_event WHERE customer_id = ? "
    "ORDER BY occurred_at, event_id"
)
_UPSERT = (
    "INSERT INTO consent_state (customer_id, purpose, status, state, updated_at) "
    "VALUES ({m}, {m}, {m}, {m}, {m}) ON CONFLICT (customer_id, purpose) DO UPDATE SET "
    "status = excluded.status, state = excluded.state, updated_at = excluded.updated_at"
)


def known_events(conn: Connection, event_ids: Sequence[str]) -> dict[str, str]:
    """Maps event ids already in the ledger to their payload fingerprints."""
    return dict(_KNOWN_EVENTS.all(conn, [], list(dict.fromkeys(event_ids))))


def existing_customers(conn: Connection, customer_ids: Iterable[str]) -> set[str]:
    """Returns which of the given customer ids exist."""
    return {cid for (cid,) in _CUSTOMERS.all(conn, [], list(dict.fromkeys(customer_ids)))}


def insert_events(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Appends ledger rows; a concurrent duplicate id is skipped, never overwritten."""
    _BULK.insert(conn, event_t, rows, ignore_dupes=True)


def events_of(
    conn: Connection, customer_ids: Sequence[str], only: set[Pair] | None = None
) -> dict[Pair, list[dict[str, Any]]]:
    """Loads ledger payloads of the given customers (only the `only` pairs when given), in order."""
    found: dict[Pair, list[dict[str, Any]]] = defaultdict(list)
    for cid, purpose, payload in _EVENTS_OF.all(conn, [], list(dict.fromkeys(customer_ids))):
        if only is None or (cid, purpose) in only:
            found[(cid, purpose)].append(as_json(payload))
    return found


def ledger_of(conn: Connection, customer_id: str) -> list[tuple[dict[str, Any], datetime | None]]:
    """Returns one customer's whole ledger (payload, received_at) in occurrence order."""
    return [(as_json(p), as_utc(at)) for p, at in _EVENTS_OF_ONE.all(conn, (customer_id,))]


def states_of(
    conn: Connection, customer_ids: Sequence[str], only: set[Pair] | None = None
) -> dict[Pair, dict[str, Any]]:
    """Loads the projection rows of the given customers (only the `only` pairs when given)."""
    rows = _STATES_OF.all(conn, [], list(dict.fromkeys(customer_ids)))
    return {
        (cid, purpose): as_json(state)
        for cid, purpose, state in rows
        if only is None or (cid, purpose) in only
    }


def state_of(conn: Connection, customer_id: str, purpose: str) -> dict[str, Any] | None:
    """Loads one projection row (the hot path of every consent check)."""
    rows = _STATE.all(conn, (customer_id, purpose))
    return as_json(rows[0][0]) if rows else None


def all_states_of(conn: Connection, customer_id: str) -> dict[str, dict[str, Any]]:
    """Loads every projection row of one customer, by purpose."""
    return {purpose: as_json(state) for purpose, state in _ALL_STATES.all(conn, (customer_id,))}


def upsert_states(
    conn: Connection, rows: list[tuple[str, str, str, dict[str, Any], datetime]]
) -> None:
    """Writes projection rows (customer_id, purpose, status, state, updated_at)."""
    if not rows:
        return
    statement = _BULK.statement(
        conn,
        state_t,
        ("customer_id", "purpose", "status", "state", "updated_at"),
        ignore_dupes=False,
    )
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    conn.exec_driver_sql(_UPSERT.format(m=mark), list(statement.adapt(rows)))


def insert_outbox(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Queues change events for downstream systems in the same transaction as the change."""
    _BULK.insert(conn, outbox_t, rows)


_PENDING = HotQuery(
    "SELECT id, topic, customer_id, payload, created_at FROM outbox "
    "WHERE delivered_at IS NULL ORDER BY id LIMIT ?"
)


def pending_outbox(conn: Connection, limit: int) -> list[tuple[int, str, str, Any, Any]]:
    """Returns undelivered outbox rows, oldest first."""
    return [(i, t, c, as_json(p), as_utc(at)) for i, t, c, p, at in _PENDING.all(conn, (limit,))]


def mark_delivered(conn: Connection, ids: Sequence[int], at: datetime) -> None:
    """Stamps outbox rows as delivered."""
    _BULK.update(conn, outbox_t, ("id",), [{"delivered_at": at, "id": i} for i in ids])


def lock_pairs(conn: Connection, pairs: Iterable[Pair]) -> None:
    """Serialises writers of the same (customer, purpose) on PostgreSQL, in a fixed order."""
    if conn.dialect.name != "postgresql":
        return  # SQLite has a single writer
    for customer_id, purpose in sorted(set(pairs)):
        conn.exec_driver_sql(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"consent|{customer_id}|{purpose}",)
        )
