"""Audit events: one frozen record per governed operation; customers appear by id only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from audit.errors import AuditEventInvalid
from audit.tags import AuditTag, Decision


@dataclass(frozen=True, slots=True)
class ConsentSnapshot:
    """The consent state a decision relied on: its status, notice version and deciding event."""

    status: str
    notice_version: str | None = None
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One governed operation: who, why, on whom, what came back, and on which grounds.

    `occurred_at` is normalised to UTC. Ids (`event_id`, `customer_ids`, `request_id`,
    `trace_id`, `consent.event_id`, `policy_version`) are opaque identifiers minted by systems;
    every other text field is free text and must pass the PII guard before it is recorded.
    """

    event_id: str
    occurred_at: datetime
    actor: str  # client or user id, never a login name that is personal data
    action: AuditTag
    decision: Decision
    roles: tuple[str, ...] = ()
    purpose: str | None = None
    customer_ids: tuple[str, ...] = ()
    record_count: int | None = None  # rows touched, when too many to list (exports, segments)
    fields_clear: tuple[str, ...] = ()
    fields_masked: tuple[str, ...] = ()
    fields_denied: tuple[str, ...] = ()
    reason: str | None = None  # a stable reason code, or a short text free of personal data
    rules: tuple[str, ...] = ()  # the deciding policy lines (`policy.csv:17`)
    policy_version: str | None = None
    consent: ConsentSnapshot | None = None
    request_id: str | None = None
    trace_id: str | None = None
    channel: str | None = None
    source: str | None = None  # source address or device
    ticket_id: str | None = None  # a DSR ticket or approval id

    def __post_init__(self) -> None:
        if not self.event_id:
            raise AuditEventInvalid("event_id", "missing")
        if not self.actor:
            raise AuditEventInvalid("actor", "missing")
        at = self.occurred_at
        if at.tzinfo is None or at.utcoffset() is None:
            raise AuditEventInvalid("occurred_at", "must be timezone-aware")
        if at.tzinfo is not UTC:
            object.__setattr__(self, "occurred_at", at.astimezone(UTC))
        count = self.record_count
        if count is not None and (type(count) is not int or count < 0):
            raise AuditEventInvalid("record_count", "must be a non-negative integer")
