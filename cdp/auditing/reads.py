"""Records every governed read attempt, allowed or denied, in the read's own transaction."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection

from audit.events import AuditEvent
from audit.tags import AuditTag
from audit.tags import Decision as AuditDecision
from cdp.auditing.store import SqlAuditTrail
from cdp.governed.read import ReadOutcome
from cdp.profiles.records import safe_field_label
from cdp.profiles.resolution import utcnow
from governance.decision import Access


class ReadAuditObserver:
    """The governed read's observer: one audit event per attempt, never a value."""

    def __init__(self, trail: SqlAuditTrail):
        self._trail = trail

    def observe(self, conn: Connection, outcome: ReadOutcome) -> None:
        """Appends the event; a failure here fails the read (no data leaves unrecorded)."""
        decision = outcome.decision
        event = AuditEvent(
            event_id=str(uuid.uuid4()),
            occurred_at=utcnow(),
            actor=outcome.principal.id,
            action=AuditTag.PROFILE_READ,
            decision=AuditDecision.ALLOW if outcome.allowed else AuditDecision.DENY,
            roles=tuple(sorted(outcome.principal.roles)),
            purpose=outcome.purpose,
            customer_ids=(outcome.customer_id,),
            fields_clear=_names(decision.fields_with(Access.CLEAR)) if outcome.allowed else (),
            fields_masked=_names(decision.fields_with(Access.MASKED)) if outcome.allowed else (),
            fields_denied=_names(decision.fields_with(Access.DENIED)),
            reason=outcome.reason,
            rules=tuple(sorted({d.rule for d in decision.fields.values() if d.rule})),
            policy_version=decision.policy_version,
        )
        self._trail.append(conn, [event], routing=outcome.customer_id)


def _names(fields: tuple[str, ...]) -> tuple[str, ...]:
    """Field names as asked; a name that could itself be data is withheld."""
    return tuple(safe_field_label(name) for name in fields)
