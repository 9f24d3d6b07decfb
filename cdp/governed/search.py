"""The governed search: `search` decided on the identifier's field, then a blind-index lookup."""

from __future__ import annotations

from sqlalchemy import Connection

from audit.tags import AuditTag, Decision
from cdp.auditing.recorder import AuditRecorder, field_labels, principal_fields
from cdp.governed.errors import AccessDenied
from cdp.governed.tracing import governed_span
from cdp.profiles.lookup import InvalidLookup, find_by_identifier
from cdp.profiles.vault import ProfileVault
from governance.catalogue import FieldCatalogue
from governance.decision import Access, Action, Principal
from governance.decision import Decision as PolicyDecision
from governance.engine import PolicyEngine


class GovernedSearch:
    """Finds customer ids by exact identifier for principals allowed to search that field.

    Every attempt is audited in the caller's transaction (the ids found, or the refusal); the
    searched value never is.
    """

    def __init__(
        self,
        *,
        policy: PolicyEngine,
        catalogue: FieldCatalogue,
        vault: ProfileVault,
        audit: AuditRecorder | None = None,
    ):
        self._policy = policy
        self._catalogue = catalogue
        self._vault = vault
        self._audit = audit

    def search(
        self, conn: Connection, principal: Principal, purpose: str, field_name: str, value: str
    ) -> list[str]:
        """Returns ids only; raises AccessDenied unless `search` is allowed on that field."""
        attributes = {"cdp.action": "search", "cdp.purpose": purpose}
        with governed_span("governed.search", attributes):
            return self._search(conn, principal, purpose, field_name, value)

    def _search(
        self, conn: Connection, principal: Principal, purpose: str, field_name: str, value: str
    ) -> list[str]:
        decision = self._policy.decide(principal, purpose, [field_name], Action.SEARCH)
        try:
            self._refuse_unless_allowed(decision, field_name)
            ids = find_by_identifier(conn, self._catalogue, self._vault, field_name, value)
        except AccessDenied as denied:
            self._record(conn, principal, purpose, field_name, Decision.DENY, (), denied.reason)
            raise
        except InvalidLookup:
            self._record(conn, principal, purpose, field_name, Decision.ERROR, (), "invalid_value")
            raise
        self._record(conn, principal, purpose, field_name, Decision.ALLOW, tuple(ids), None)
        return ids

    @staticmethod
    def _refuse_unless_allowed(decision: PolicyDecision, field_name: str) -> None:
        if decision.denied:
            raise AccessDenied(str(decision.reason or "denied"))
        field_decision = decision.fields.get(field_name)
        if (
            field_decision is None
            or field_decision.access is Access.DENIED
            or field_decision.condition
        ):
            raise AccessDenied("search_denied", (field_name,))

    def _record(
        self,
        conn: Connection,
        principal: Principal,
        purpose: str,
        field_name: str,
        outcome: Decision,
        ids: tuple[str, ...],
        reason: str | None,
    ) -> None:
        if self._audit is None:
            return
        searched = field_labels([field_name])
        self._audit.record(
            conn,
            AuditTag.PROFILE_SEARCH,
            outcome,
            **principal_fields(principal),
            purpose=purpose,
            customer_ids=ids,
            record_count=len(ids),
            fields_clear=searched if outcome is Decision.ALLOW else (),
            fields_denied=searched if outcome is Decision.DENY else (),
            reason=reason,
            policy_version=self._policy.version,
        )
