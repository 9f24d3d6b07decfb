"""The governed write: `write` decided per field, values validated, applied to one customer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection

from cdp.governed.errors import AccessDenied, FieldsInvalid
from cdp.governed.read import settle
from cdp.profiles.records import ValidRow, safe_field_label
from cdp.profiles.resolution import BatchApplier, Outcome, utcnow
from cdp.profiles.store import CustomerErased, CustomerNotFound, ProfileStore
from cdp.profiles.survivorship import canonical_instant
from cdp.profiles.validators import validate_fields
from governance.catalogue import FieldCatalogue
from governance.decision import Access, Action, Principal
from governance.engine import PolicyEngine

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
    ):
        self._policy = policy
        self._catalogue = catalogue
        self._store = store
        self._applier = applier

    def write(
        self,
        conn: Connection,
        principal: Principal,
        purpose: str,
        customer_id: str,
        values: Mapping[str, str],
    ) -> WriteResult:
        """Writes the given fields or none of them."""
        decision = self._policy.decide(principal, purpose, list(values), Action.WRITE)
        if decision.denied:
            raise AccessDenied(str(decision.reason or "denied"))
        decision = settle(conn, self._store, principal, customer_id, decision)
        refused = decision.fields_with(Access.DENIED)
        if refused:
            raise AccessDenied("field_write_denied", tuple(safe_field_label(f) for f in refused))
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
