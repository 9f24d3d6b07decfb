"""The governed search: `search` decided on the identifier's field, then a blind-index lookup."""

from __future__ import annotations

from sqlalchemy import Connection

from cdp.governed.errors import AccessDenied
from cdp.profiles.lookup import find_by_identifier
from cdp.profiles.vault import ProfileVault
from governance.catalogue import FieldCatalogue
from governance.decision import Access, Action, Principal
from governance.engine import PolicyEngine


class GovernedSearch:
    """Finds customer ids by exact identifier for principals allowed to search that field."""

    def __init__(self, *, policy: PolicyEngine, catalogue: FieldCatalogue, vault: ProfileVault):
        self._policy = policy
        self._catalogue = catalogue
        self._vault = vault

    def search(
        self, conn: Connection, principal: Principal, purpose: str, field_name: str, value: str
    ) -> list[str]:
        """Returns ids only; raises AccessDenied unless `search` is allowed on that field."""
        decision = self._policy.decide(principal, purpose, [field_name], Action.SEARCH)
        if decision.denied:
            raise AccessDenied(str(decision.reason or "denied"))
        field_decision = decision.fields.get(field_name)
        if (
            field_decision is None
            or field_decision.access is Access.DENIED
            or field_decision.condition
        ):
            raise AccessDenied("search_denied", (field_name,))
        return find_by_identifier(conn, self._catalogue, self._vault, field_name, value)
