"""Writes one audit event per governed operation into the operation's own transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from audit.events import AuditEvent
from audit.tags import AuditTag, Decision
from cdp import telemetry
from cdp.auditing.context import current
from cdp.auditing.store import SqlAuditTrail
from cdp.profiles.records import safe_field_label
from cdp.profiles.resolution import utcnow
from governance.decision import Principal


class AuditRecorder:
    """Builds events from the call context and appends them; any failure fails the operation."""

    def __init__(self, trail: SqlAuditTrail, clock: Callable[[], datetime] = utcnow):
        self._trail = trail
        self._clock = clock

    def event(self, action: AuditTag, decision: Decision, **details: Any) -> AuditEvent:
        """Returns an event stamped now with the caller's actor, request, trace, channel, source."""
        context = current()
        stamped: dict[str, Any] = {
            "actor": context.actor,
            "request_id": context.request_id,
            "trace_id": context.trace_id,
            "channel": context.channel,
            "source": context.source,
        }
        stamped.update(details)
        return AuditEvent(
            event_id=str(uuid.uuid4()),
            occurred_at=self._clock(),
            action=action,
            decision=decision,
            **stamped,
        )

    def record(
        self, conn: Connection, action: AuditTag, decision: Decision, **details: Any
    ) -> AuditEvent:
        """Appends one event in the caller's transaction and returns it."""
        event = self.event(action, decision, **details)
        self.append(conn, event)
        return event

    def append(self, conn: Connection, event: AuditEvent) -> None:
        """Appends a built event, on the chain of its first subject (or its own id)."""
        routing = event.customer_ids[0] if event.customer_ids else event.event_id
        self._trail.append(conn, [event], routing=routing)
        telemetry.current().record_audit_write(event.action, event.decision)


def principal_fields(principal: Principal) -> dict[str, Any]:
    """The actor and roles of an event made on behalf of a principal."""
    return {"actor": principal.id, "roles": tuple(sorted(principal.roles))}


def field_labels(fields: Iterable[str]) -> tuple[str, ...]:
    """Field names as asked; a name that could itself be data is withheld."""
    return tuple(safe_field_label(name) for name in fields)
