"""Consent on the governed read path: a consent-based purpose needs a valid grant, or no data."""

from __future__ import annotations

from sqlalchemy import Connection

from cdp.consents.service import ConsentLedger
from cdp.governed.errors import AccessDenied
from governance.decision import Principal


class ConsentRequired(AccessDenied):
    """The purpose rests on consent and the customer has no valid grant (reason says why)."""


class ConsentReadCheck:
    """Refuses reads whose purpose needs consent the customer has not validly given."""

    def __init__(self, ledger: ConsentLedger):
        self._ledger = ledger

    def check(self, conn: Connection, principal: Principal, purpose: str, customer_id: str) -> None:
        """Raises ConsentRequired with the precise reason; contract and legal purposes pass."""
        spec = self._ledger.purposes.get(purpose)
        if spec is None:
            raise ConsentRequired("unknown_purpose")
        if not spec.needs_consent:
            return
        verdict = self._ledger.check(conn, customer_id, purpose)
        if not verdict.valid:
            raise ConsentRequired(str(verdict.reason))
