"""Records every governed read attempt, allowed or denied, in the read's own transaction."""

from __future__ import annotations

from sqlalchemy import Connection

from audit.tags import AuditTag
from audit.tags import Decision as AuditDecision
from cdp.auditing.recorder import AuditRecorder, field_labels, principal_fields
from cdp.governed.read import ReadOutcome
from governance.decision import Access


class ReadAuditObserver:
    """The governed read's observer: one audit event per attempt, never a value."""

    def __init__(self, recorder: AuditRecorder):
        self._recorder = recorder

    def observe(self, conn: Connection, outcome: ReadOutcome) -> None:
        """Appends the event; a failure here fails the read (no data leaves unrecorded)."""
        decision = outcome.decision
        allowed = outcome.allowed
        self._recorder.record(
            conn,
            AuditTag.PROFILE_FIELD_READ if outcome.named else AuditTag.PROFILE_READ,
            AuditDecision.ALLOW if allowed else AuditDecision.DENY,
            **principal_fields(outcome.principal),
            purpose=outcome.purpose,
            customer_ids=(outcome.customer_id,),
            fields_clear=field_labels(decision.fields_with(Access.CLEAR)) if allowed else (),
            fields_masked=field_labels(decision.fields_with(Access.MASKED)) if allowed else (),
            fields_denied=field_labels(decision.fields_with(Access.DENIED)),
            reason=outcome.reason,
            rules=tuple(sorted({d.rule for d in decision.fields.values() if d.rule})),
            policy_version=decision.policy_version,
            consent=outcome.consent,
        )
