"""The governed write: `write` decided per field, values validated, applied to one customer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection

from audit.tags import AuditTag, Decision
from cdp.auditing.recorder import AuditRecorder, field_labels, principal_fields
from cdp.governed.errors import AccessDenied, FieldsInvalid
from cdp.governed.read import settle
from cdp.governed.tracing import governed_span
from cdp.profiles.records import ValidRow, safe_field_label
from cdp.profiles.resolution import BatchApplier, Outcome, utcnow
from cdp.profiles.store import CustomerErased, CustomerNotFound, ProfileStore
from cdp.profiles.survivorship import canonical_instant
from cdp.profiles.validators import validate_fields
from governance.catalogue import FieldCatalogue
from governance.decision import Access, Action, Principal
from governance.decision import Decision as PolicyDecision
from governance.engine import PolicyEngine
from masking.c3 import C3DataRefused, refuse_c3

WRITE_SOURCE = "manual"


@dataclass(frozen=True, slots=True)
class WriteResult:
    """Which fields a governed write changed."""

    customer_id: str
    fields: tuple[str, ...]
    policy_version: str


class GovernedWriter:
    """Applies field updates for a principal and purpose, refusing any field it may not write."""

    def __init__(
        self,
        *,
        policy: PolicyEngine,
        catalogue: FieldCatalogue,
        store: ProfileStore,
        applier: BatchApplier,
        audit: AuditRecorder | None = None,
    ):
        self._policy = policy
        self._catalogue = catalogue
        self._store = store
        self._applier = applier
        self._audit = audit

    def write(
        self,
        conn: Connection,
        principal: Principal,
        purpose: str,
        customer_id: str,
        values: Mapping[str, str],
    ) -> WriteResult:
        """Writes the given fields or none of them; every attempt is audited (values never)."""
        attributes = {"cdp.action": "write", "cdp.purpose": purpose, "cdp.customer_id": customer_id}
        with governed_span("governed.write", attributes) as span:
            result = self._governed_write(conn, principal, purpose, customer_id, values)
            span.set("cdp.field_count", len(result.fields))
            return result

    def _governed_write(
        self,
        conn: Connection,
        principal: Principal,
        purpose: str,
        customer_id: str,
        values: Mapping[str, str],
    ) -> WriteResult:
        decision = self._policy.decide(principal, purpose, list(values), Action.WRITE)
        asked = field_labels(values)
        try:
            result = self._write(conn, principal, customer_id, values, decision)
        except AccessDenied as denied:
            refused = denied.fields or asked
            self._record(conn, principal, purpose, customer_id, Decision.DENY, (), refused, denied)
            raise
        except (FieldsInvalid, C3DataRefused, LookupError) as failed:
            self._record(conn, principal, purpose, customer_id, Decision.ERROR, (), (), failed)
            raise
        written = field_labels(result.fields)
        self._record(conn, principal, purpose, customer_id, Decision.ALLOW, written, (), None)
        return result

    def _write(
        self,
        conn: Connection,
        principal: Principal,
        customer_id: str,
        values: Mapping[str, str],
        decision: PolicyDecision,
    ) -> WriteResult:
        if decision.denied:
            raise AccessDenied(str(decision.reason or "denied"))
        decision = settle(conn, self._store, principal, customer_id, decision)
        refused = decision.fields_with(Access.DENIED)
        if refused:
            raise AccessDenied("field_write_denied", tuple(safe_field_label(f) for f in refused))
        refuse_c3(values)  # C3 anywhere refuses the whole write, naming kind and field only
        clean, errors = validate_fields(self._catalogue, values)
        if errors or not clean:
            raise FieldsInvalid(tuple((e.field, e.reason) for e in errors) or (("", "empty"),))
        now = utcnow()
        row = ValidRow(1, f"write:{customer_id}", now, canonical_instant(now), clean)
        try:
            outcome = self._applier.apply_to(conn, WRITE_SOURCE, customer_id, row)
        except LookupError:
            raise CustomerNotFound(customer_id) from None
        if outcome is Outcome.REJECTED:
            raise CustomerErased(customer_id)
        if outcome in (Outcome.ID_CONFLICT, Outcome.ID_AMBIGUOUS):
            raise FieldsInvalid((("id_number", "belongs to another customer"),))
        return WriteResult(customer_id, tuple(clean), decision.policy_version)

    def _record(
        self,
        conn: Connection,
        principal: Principal,
        purpose: str,
        customer_id: str,
        outcome: Decision,
        written: tuple[str, ...],
        refused: tuple[str, ...],
        failure: Exception | None,
    ) -> None:
        if self._audit is None:
            return
        self._audit.record(
            conn,
            AuditTag.PROFILE_WRITE,
            outcome,
            **principal_fields(principal),
            purpose=purpose,
            customer_ids=(customer_id,),
            fields_clear=written,
            fields_denied=refused,
            reason=_reason(failure),
            policy_version=self._policy.version,
        )


def _reason(failure: Exception | None) -> str | None:
    """A stable reason code for the audit record (never a value)."""
    if failure is None:
        return None
    if isinstance(failure, AccessDenied):
        return failure.reason
    if isinstance(failure, C3DataRefused):
        return f"c3_refused:{safe_field_label(failure.field or '')}"
    if isinstance(failure, FieldsInvalid):
        named = sorted({safe_field_label(field) for field, _ in failure.problems if field})
        return "fields_invalid:" + ",".join(named)
    return type(failure).__name__
