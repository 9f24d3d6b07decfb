"""The governed read: decide, check, decrypt only what may leave, mask, record, return.

Steps the consent and audit issues add plug in as `ReadCheck` (may refuse before any decryption)
and `ReadObserver` (sees every outcome, denials included, inside the caller's transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from sqlalchemy import Connection

from audit.events import ConsentSnapshot
from cdp import telemetry
from cdp.governed.errors import AccessDenied
from cdp.governed.tracing import governed_span
from cdp.profiles.store import ProfileStore
from governance.catalogue import FieldCatalogue
from governance.conditions import conditions_holding
from governance.decision import Access, Action, Condition, Decision, Principal
from governance.engine import PolicyEngine
from masking.operators import MaskRegistry, MaskRule, mask_field
from masking.operators.text import FreeTextOperator

BRANCH_FIELD = "open_branch"


HELD_NAME_FIELDS = ("full_name",)  # names masked inside the customer's own free text


class FieldValue(NamedTuple):
    """One field as the caller receives it, with the access that applied and the deciding rule."""

    access: Access
    value: str | None = None
    rule: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class GovernedRead:
    """What a governed read returns: values plus per-field access annotations."""

    customer_id: str
    purpose: str
    fields: Mapping[str, FieldValue]
    policy_version: str


@dataclass(frozen=True, slots=True)
class ReadOutcome:
    """What observers (the audit trail) learn about one read attempt, never a value."""

    principal: Principal
    purpose: str
    customer_id: str
    decision: Decision
    allowed: bool
    reason: str | None
    consent: ConsentSnapshot | None = None
    named: bool = False  # the caller named the fields (else: the whole profile)


class ReadCheck(Protocol):
    """A step that may refuse a read before anything is decrypted (consent plugs in here).

    It returns the consent evidence it decided on (or None), and a refusal carries it as
    `AccessDenied.evidence`, so the audit record names the state the decision used.
    """

    def check(
        self, conn: Connection, principal: Principal, purpose: str, customer_id: str
    ) -> ConsentSnapshot | None: ...


class ReadObserver(Protocol):
    """A step that records every read attempt in the caller's transaction (audit plugs in here)."""

    def observe(self, conn: Connection, outcome: ReadOutcome) -> None: ...


def settle(
    conn: Connection,
    store: ProfileStore,
    principal: Principal,
    customer_id: str,
    decision: Decision,
) -> Decision:
    """Resolves conditional grants (the relationship manager's book) against the customer."""
    if decision.denied or not any(d.condition for d in decision.fields.values()):
        return decision
    branch = store.read(conn, customer_id, [BRANCH_FIELD]).values[BRANCH_FIELD]
    holds: frozenset[Condition] = conditions_holding(principal, {BRANCH_FIELD: branch or ""})
    return decision.settle(holds)


class GovernedReader:
    """Runs governed reads against the profile store."""

    def __init__(
        self,
        *,
        policy: PolicyEngine,
        store: ProfileStore,
        catalogue: FieldCatalogue,
        masks: MaskRegistry,
        checks: Sequence[ReadCheck] = (),
        observers: Sequence[ReadObserver] = (),
    ):
        self._policy = policy
        self._store = store
        self._catalogue = catalogue
        self._masks = masks
        self._checks = tuple(checks)
        self._mask_rule = {spec.name: spec.mask for spec in catalogue}
        self._free_text = FreeTextOperator.of(masks)
        self._observers = tuple(observers)

    def read(
        self,
        conn: Connection,
        principal: Principal,
        purpose: str,
        customer_id: str,
        fields: Iterable[str] | None = None,
    ) -> GovernedRead:
        """Reads one customer for one purpose; raises AccessDenied when nothing may leave."""
        attributes = {"cdp.action": "read", "cdp.purpose": purpose, "cdp.customer_id": customer_id}
        with governed_span("governed.read", attributes) as span:
            result = self._read(conn, principal, purpose, customer_id, fields)
            span.set("cdp.field_count", len(result.fields))
            return result

    def _read(
        self,
        conn: Connection,
        principal: Principal,
        purpose: str,
        customer_id: str,
        fields: Iterable[str] | None,
    ) -> GovernedRead:
        named = fields is not None
        decision = self._policy.decide(principal, purpose, fields, Action.READ)
        consent: ConsentSnapshot | None = None
        try:
            decision = settle(conn, self._store, principal, customer_id, decision)
            self._refuse_if_denied(decision)
            for check in self._checks:
                consent = check.check(conn, principal, purpose, customer_id) or consent
            result = self._fetch(conn, customer_id, purpose, decision)
        except AccessDenied as denied:
            outcome = ReadOutcome(
                principal,
                purpose,
                customer_id,
                decision,
                False,
                denied.reason,
                denied.evidence,
                named,
            )
            self._observe(conn, outcome)
            raise
        except Exception:
            telemetry.current().record_decision(Action.READ, "error")
            raise
        outcome = ReadOutcome(principal, purpose, customer_id, decision, True, None, consent, named)
        self._observe(conn, outcome)
        return result

    @staticmethod
    def _refuse_if_denied(decision: Decision) -> None:
        if decision.denied:
            raise AccessDenied(str(decision.reason or "denied"))
        denied = Access.DENIED
        if all(d.access is denied for d in decision.fields.values()):
            raise AccessDenied("no_field_permitted", tuple(decision.fields))

    def _fetch(
        self, conn: Connection, customer_id: str, purpose: str, decision: Decision
    ) -> GovernedRead:
        denied = Access.DENIED
        visible = tuple(n for n, d in decision.fields.items() if d.access is not denied)
        stored = self._store.values(conn, customer_id, visible + self._names_for(decision))
        held = tuple(v for n in HELD_NAME_FIELDS if (v := stored.get(n)))
        out: dict[str, FieldValue] = {}
        for name, field_decision in decision.fields.items():
            access = field_decision.access
            if access is denied:
                reason = field_decision.reason.value if field_decision.reason else None
                out[name] = FieldValue(access, None, field_decision.rule, reason)
                continue
            value = stored[name]
            if access is Access.MASKED and self._mask_rule[name] == MaskRule.TEXT:
                value = self._free_text.mask(value, held_names=held) if value else value
            elif access is Access.MASKED:
                variant = field_decision.variant.value if field_decision.variant else None
                value = mask_field(self._masks, self._mask_rule[name], value, variant)
            out[name] = FieldValue(access, value, field_decision.rule)
        return GovernedRead(customer_id, purpose, out, decision.policy_version)

    def _names_for(self, decision: Decision) -> tuple[str, ...]:
        """Opens the customer's name when free text is shown masked, to mask it there surely."""
        texts = (n for n, d in decision.fields.items() if d.access is Access.MASKED)
        if any(self._mask_rule[n] == MaskRule.TEXT for n in texts):
            return tuple(n for n in HELD_NAME_FIELDS if n not in decision.fields)
        return ()

    def _observe(self, conn: Connection, outcome: ReadOutcome) -> None:
        try:
            for observer in self._observers:
                observer.observe(conn, outcome)
        except Exception:
            telemetry.current().record_decision(Action.READ, "error")
            raise
        count_decision(outcome)


def count_decision(outcome: ReadOutcome) -> None:
    """Counts the read's decision; a refusal carrying consent evidence is a consent denial."""
    meter = telemetry.current()
    if not meter.enabled:
        return
    meter.record_decision(Action.READ, "allow" if outcome.allowed else "deny")
    if not outcome.allowed and outcome.consent is not None:
        meter.record_consent_denial(outcome.purpose, outcome.reason or "consent")
