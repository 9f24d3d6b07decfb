"""Compliance queries over the audit trail: filters pushed into SQL, answers from signed bodies.

The plain columns of `audit_link` and the rows of `audit_subject` only index the trail, and anyone
who can write the database can change them. So each row the index selects has its MAC checked with
the audit key, its body decoded, its index entries compared with the body and the filter applied
again to the decoded event: a tampered index can hide an event from a query (which is reported),
never put a wrong event into one.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, null, or_, select
from sqlalchemy.sql.elements import ColumnElement

from audit.chain import link_mac
from audit.decoding import columns, decode
from audit.errors import AuditEventInvalid
from audit.events import AuditEvent
from audit.keys import AuditKey
from audit.tags import AuditTag, Decision
from cdp.auditing.store import link_t, roles_column, subject_t

_BATCH = 1000  # rows fetched per round trip; the result streams, it is never loaded whole


class QueryInvalid(ValueError):
    """A filter that cannot be run as written (unknown action or decision, empty time window)."""


class Problem(StrEnum):
    """Why a row the index selected failed its checks."""

    MAC = "its MAC does not verify; left out"
    BODY = "its body does not decode; left out"
    INDEX = "its index entries disagree with the signed body; results may be incomplete"


@dataclass(frozen=True, slots=True)
class Hit:
    """A verified event that matches the filter, with its place in the trail."""

    chain: int
    seq: int
    event: AuditEvent


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A selected row that failed a check, named by position only (never by content)."""

    chain: int
    seq: int
    problem: Problem


QueryRow = Hit | RowProblem


def action_tags(pattern: str) -> frozenset[AuditTag]:
    """Resolves `profile:read`, `dsr:*` or a comma-separated list of them to known tags."""
    tags: set[AuditTag] = set()
    for part in filter(None, (piece.strip() for piece in pattern.split(","))):
        prefix = part[:-1] if part.endswith(":*") else None
        found = {t for t in AuditTag if t.value == part or (prefix and t.startswith(prefix))}
        if not found:
            raise QueryInvalid(f"action: no audit action matches {part!r}")
        tags |= found
    if not tags:
        raise QueryInvalid("action: empty")
    return frozenset(tags)


def _utc(moment: datetime | None, name: str) -> datetime | None:
    """Normalises a bound to UTC, refusing a naive one (its zone would be a guess)."""
    if moment is None:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise QueryInvalid(f"{name}: must be timezone-aware")
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What to look for; `since` is inclusive, `until` exclusive, both aware instants."""

    customer: str | None = None
    actor: str | None = None
    role: str | None = None
    purpose: str | None = None
    action: str | None = None  # an exact tag, a `domain:*` prefix, or a comma-separated list
    decision: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = None
    after: tuple[datetime, int, int] | None = None  # a page cursor: (at, chain, seq) last seen
    tags: frozenset[AuditTag] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.decision is not None and self.decision not in set(Decision):
            raise QueryInvalid(f"decision: must be one of {', '.join(Decision)}")
        if self.role is not None and (not self.role or "|" in self.role):
            raise QueryInvalid("role: not a role name")
        since, until = _utc(self.since, "since"), _utc(self.until, "until")
        if since is not None and until is not None and since >= until:
            raise QueryInvalid("since: must be before until")
        if self.limit is not None and self.limit < 1:
            raise QueryInvalid("limit: must be at least 1")
        if self.after is not None:
            at = _utc(self.after[0], "after")
            object.__setattr__(self, "after", (at, int(self.after[1]), int(self.after[2])))
        object.__setattr__(self, "since", since)
        object.__setattr__(self, "until", until)
        tags = None if self.action is None else action_tags(self.action)
        object.__setattr__(self, "tags", tags)

    def matches(self, e: AuditEvent) -> bool:
        """Tells whether a decoded event matches, judged on its signed body alone."""
        return (
            (self.customer is None or self.customer in e.customer_ids)
            and (self.actor is None or e.actor == self.actor)
            and (self.role is None or self.role in e.roles)
            and (self.purpose is None or e.purpose == self.purpose)
            and (self.tags is None or e.action in self.tags)
            and (self.decision is None or e.decision == self.decision)
            and (self.since is None or e.occurred_at >= self.since)
            and (self.until is None or e.occurred_at < self.until)
        )


_L = link_t.c
_S = subject_t.c
_LINK = (_L.chain, _L.seq, _L.prev_hash, _L.hash, _L.body, _L.event_id, _L.occurred_at)
_INDEXED = (_L.actor, _L.action, _L.decision, _L.purpose, _L.roles)


def _after(
    cursor: tuple[datetime, int, int], at: ColumnElement[datetime], chain: Any, seq: Any
) -> ColumnElement[bool]:
    """Rows strictly after the cursor in the (at, chain, seq) order pages are read in."""
    moment, last_chain, last_seq = cursor
    same_instant = and_(
        at == moment, or_(chain > last_chain, and_(chain == last_chain, seq > last_seq))
    )
    return or_(at > moment, same_instant)


def _conditions(flt: AuditFilter, at: ColumnElement[datetime]) -> list[ColumnElement[bool]]:
    """Translates the filter into conditions the indexes can serve."""
    found: list[ColumnElement[bool]] = []
    if flt.actor is not None:
        found.append(_L.actor == flt.actor)
    if flt.role is not None:
        found.append(_L.roles.contains(f"|{flt.role}|", autoescape=True))
    if flt.purpose is not None:
        found.append(_L.purpose == flt.purpose)
    if flt.tags is not None:
        tags = sorted(t.value for t in flt.tags)
        found.append(_L.action == tags[0] if len(tags) == 1 else _L.action.in_(tags))
    if flt.decision is not None:
        found.append(_L.decision == str(flt.decision))
    if flt.since is not None:
        found.append(at >= flt.since)
    if flt.until is not None:
        found.append(at < flt.until)
    return found


def statement(flt: AuditFilter, *, ordered: bool = True) -> Select[Any]:
    """Builds the SELECT: driven by audit_subject's key for a customer, else by audit_link."""
    if flt.customer is None:
        query = select(*_LINK, *_INDEXED, null().label("subject_at"))
        at, chain, seq = _L.occurred_at, _L.chain, _L.seq
    else:
        joined = subject_t.join(link_t, and_(_L.chain == _S.chain, _L.seq == _S.seq))
        query = select(*_LINK, *_INDEXED, _S.occurred_at.label("subject_at"))
        query = query.select_from(joined).where(_S.customer_id == flt.customer)
        at, chain, seq = _S.occurred_at, _S.chain, _S.seq
    query = query.where(*_conditions(flt, at))
    if flt.after is not None:
        query = query.where(_after(flt.after, at, chain, seq))
    return query.order_by(at, chain, seq) if ordered else query


def _aware(moment: datetime) -> datetime:
    """Reads a stored instant (SQLite hands back naive UTC) as aware UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _index_agrees(row: Row[Any], event: AuditEvent) -> bool:
    """Compares a link's plain columns with its signed body."""
    at = _aware(row.occurred_at)
    stored = (row.event_id, at, row.actor, row.action, row.decision, row.purpose)
    return stored == tuple(columns(event)) and row.roles == roles_column(event.roles)


def _examine(
    row: Row[Any], key: AuditKey, customer: str | None
) -> tuple[AuditEvent | None, Problem | None]:
    """Checks one row; returns the event it may contribute and the problem found, if any."""
    mac = link_mac(key, row.chain, row.seq, bytes(row.prev_hash), bytes(row.body))
    if not hmac.compare_digest(mac, bytes(row.hash)):
        return None, Problem.MAC
    try:
        event = decode(bytes(row.body))
    except AuditEventInvalid:
        return None, Problem.BODY
    if customer is not None and (
        customer not in event.customer_ids or _aware(row.subject_at) != event.occurred_at
    ):
        return None, Problem.INDEX  # a genuine subject row, if any, still yields the event
    return event, None if _index_agrees(row, event) else Problem.INDEX


def find_events(
    conn: Connection, key: AuditKey, flt: AuditFilter, *, ordered: bool = True
) -> Iterator[QueryRow]:
    """Streams matching events (in time order unless a report needs none) and failed rows."""
    hits = 0
    query = statement(flt, ordered=ordered).execution_options(yield_per=_BATCH)
    result = conn.execute(query)
    try:
        for row in result:
            event, problem = _examine(row, key, flt.customer)
            if problem is not None:
                yield RowProblem(int(row.chain), int(row.seq), problem)
            if event is not None and flt.matches(event):
                yield Hit(int(row.chain), int(row.seq), event)
                hits += 1
                if hits == flt.limit:
                    return
    finally:
        result.close()
