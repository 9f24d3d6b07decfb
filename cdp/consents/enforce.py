"""Consent on the governed read path: a consent-based purpose needs a valid grant, or no data."""

from __future__ import annotations

from sqlalchemy import Connection

from audit.events import ConsentSnapshot
from cdp.consents.service import ConsentLedger
from cdp.governed.errors import AccessDenied
from governance.decision import Principal


class ConsentRequired(AccessDenied):
    """The purpose rests on consent and the customer has no valid grant (reason says why)."""


class ConsentReadCheck:
    """Refuses reads whose purpose needs consent the customer has not validly given."""

    def __init__(self, ledger: ConsentLedger):
        self._ledger = ledger

    def check(
        self, conn: Connection, principal: Principal, purpose: str, customer_id: str
    ) -> ConsentSnapshot | None:
        """Returns the consent evidence, or raises ConsentRequired with the precise reason.

        Contract and legal-obligation purposes pass without evidence (None).
        """
        spec = self._ledger.purposes.get(purpose)
        if spec is None:
            raise ConsentRequired("unknown_purpose")
        if not spec.needs_consent:
            return None
        verdict = self._ledger.check(conn, customer_id, purpose)
        shot = verdict.snapshot
        evidence = ConsentSnapshot(shot.status.value, shot.notice_version, shot.event_id)
        if not verdict.valid:
            raise ConsentRequired(str(verdict.reason), evidence=evidence)
        return evidence
