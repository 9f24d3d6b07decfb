"""Compliance reports built on the audit query: who accessed a customer, denials, field access.

Every figure comes from verified, decoded bodies; rows that fail a check are handed back beside
the figures so the caller can say the report may be incomplete.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection

from audit.canonical import instant
from audit.events import AuditEvent
from audit.keys import AuditKey
from audit.tags import AuditTag, Decision
from cdp.auditing.query import AuditFilter, Hit, RowProblem, find_events

R = TypeVar("R")
READ_ACTIONS = f"{AuditTag.PROFILE_READ},{AuditTag.PROFILE_FIELD_READ}"
ACCESS_KINDS = ("clear", "masked", "denied")
# actor, roles, purpose, action, decision
AccessGroup = tuple[str, tuple[str, ...], str | None, str, str]


@dataclass(frozen=True, slots=True)
class Report(Generic[R]):
    """A report's rows, and the rows of the trail that failed their checks while it ran."""

    rows: tuple[R, ...]
    problems: tuple[RowProblem, ...]


@dataclass(frozen=True, slots=True)
class CustomerAccess:
    """One kind of access to a customer: who, as what, why, how often, which fields."""

    actor: str
    roles: tuple[str, ...]
    purpose: str | None
    action: str
    decision: str
    count: int
    first: datetime
    last: datetime
    fields_clear: tuple[str, ...]
    fields_masked: tuple[str, ...]
    fields_denied: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReasonCount:
    """How many denials gave one reason."""

    reason: str | None
    count: int


@dataclass(frozen=True, slots=True)
class DeniedAttempts:
    """One actor's denied attempts, by reason (most frequent first)."""

    actor: str
    count: int
    reasons: tuple[ReasonCount, ...]
    first: datetime
    last: datetime


@dataclass(frozen=True, slots=True)
class FieldAccess:
    """How often a role, for a purpose, got a field in clear, masked or denied."""

    role: str | None
    purpose: str | None
    field: str
    access: str
    count: int


@dataclass(slots=True)
class _Span:
    """A running tally of a group: count, first and last instant, fields by access, reasons."""

    first: datetime
    last: datetime
    count: int = 0
    fields: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in ACCESS_KINDS})
    reasons: Counter[str | None] = field(default_factory=Counter)

    def add(self, e: AuditEvent) -> None:
        """Counts one more event of the group."""
        self.count += 1
        self.first, self.last = min(self.first, e.occurred_at), max(self.last, e.occurred_at)
        for kind, names in zip(ACCESS_KINDS, _field_lists(e), strict=True):
            self.fields[kind].update(names)
        self.reasons[e.reason] += 1

    def sorted_fields(self, kind: str) -> tuple[str, ...]:
        """Returns the fields seen with one access kind, sorted."""
        return tuple(sorted(self.fields[kind]))


def _field_lists(e: AuditEvent) -> tuple[tuple[str, ...], ...]:
    """Returns an event's fields in clear, masked and denied, in ACCESS_KINDS order."""
    return e.fields_clear, e.fields_masked, e.fields_denied


def _events(
    conn: Connection, key: AuditKey, flt: AuditFilter, problems: list[RowProblem]
) -> Iterator[AuditEvent]:
    """Yields the matching events in no set order, collecting the rows that failed."""
    for row in find_events(conn, key, flt, ordered=False):
        if isinstance(row, Hit):
            yield row.event
        else:
            problems.append(row)


def who_accessed(
    conn: Connection,
    key: AuditKey,
    customer: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Report[CustomerAccess]:
    """Reports every event naming a customer, per actor, roles, purpose, action and decision."""
    problems: list[RowProblem] = []
    spans: dict[AccessGroup, _Span] = {}
    flt = AuditFilter(customer=customer, since=since, until=until)
    for e in _events(conn, key, flt, problems):
        group = (e.actor, e.roles, e.purpose, str(e.action), str(e.decision))
        spans.setdefault(group, _Span(e.occurred_at, e.occurred_at)).add(e)
    rows = [
        CustomerAccess(*g, s.count, s.first, s.last, *map(s.sorted_fields, ACCESS_KINDS))
        for g, s in spans.items()
    ]
    rows.sort(key=lambda r: (r.first, r.actor, r.action))
    return Report(tuple(rows), tuple(problems))


def denied_by_actor(
    conn: Connection,
    key: AuditKey,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Report[DeniedAttempts]:
    """Reports each actor's denied attempts, most denied first."""
    problems: list[RowProblem] = []
    spans: dict[str, _Span] = {}
    flt = AuditFilter(decision=Decision.DENY, since=since, until=until)
    for e in _events(conn, key, flt, problems):
        spans.setdefault(e.actor, _Span(e.occurred_at, e.occurred_at)).add(e)
    rows = [
        DeniedAttempts(actor, s.count, _reasons(s.reasons), s.first, s.last)
        for actor, s in spans.items()
    ]
    rows.sort(key=lambda r: (-r.count, r.actor))
    return Report(tuple(rows), tuple(problems))


def _reasons(counts: Counter[str | None]) -> tuple[ReasonCount, ...]:
    """Orders reason counts, most frequent first."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))
    return tuple(ReasonCount(reason, count) for reason, count in ranked)


def field_access(
    conn: Connection,
    key: AuditKey,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Report[FieldAccess]:
    """Reports reads per role, purpose, field and access; an event counts once for each role."""
    problems: list[RowProblem] = []
    counts: Counter[tuple[str | None, str | None, str, str]] = Counter()
    flt = AuditFilter(action=READ_ACTIONS, since=since, until=until)
    for e in _events(conn, key, flt, problems):
        for kind, names in zip(ACCESS_KINDS, _field_lists(e), strict=True):
            for role in e.roles or (None,):
                counts.update((role, e.purpose, name, kind) for name in names)
    rows = [FieldAccess(*group, count) for group, count in counts.items()]
    rows.sort(key=lambda r: (r.role or "", r.purpose or "", r.field, ACCESS_KINDS.index(r.access)))
    return Report(tuple(rows), tuple(problems))


def json_ready(row: Any) -> dict[str, Any]:
    """Returns a report row as a JSON-ready dict, instants as ISO 8601 UTC with `Z`."""
    return {name: _plain(value) for name, value in asdict(row).items()}


def _plain(value: Any) -> Any:
    """Converts instants to text and tuples to lists, recursively."""
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items()}
    return value


def event_document(hit: Hit) -> dict[str, Any]:
    """Shapes one event as the documented JSON object (ids only, never a value)."""
    e = hit.event
    consent = e.consent
    return {
        "chain": hit.chain,
        "seq": hit.seq,
        "id": e.event_id,
        "at": instant(e.occurred_at),
        "actor": e.actor,
        "roles": list(e.roles),
        "purpose": e.purpose,
        "action": str(e.action),
        "decision": str(e.decision),
        "reason": e.reason,
        "customer_ids": list(e.customer_ids),
        "record_count": e.record_count,
        "fields": dict(zip(ACCESS_KINDS, map(list, _field_lists(e)), strict=True)),
        "consent": None if consent is None else asdict(consent),
        "rules": list(e.rules),
        "policy_version": e.policy_version,
        "trace_id": e.trace_id,
        "request_id": e.request_id,
        "channel": e.channel,
        "source": e.source,
        "ticket_id": e.ticket_id,
    }
