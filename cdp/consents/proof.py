"""The regulator-facing proof of one customer's consent for one purpose (CLI and API share it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from cdp.consents import repository as repo
from cdp.consents.service import ConsentLedger
from cdp.consents.stored import from_stored
from consent.notices import NoticeCatalogue


def build_proof(
    ledger: ConsentLedger,
    catalogue: NoticeCatalogue,
    conn: Connection,
    customer_id: str,
    purpose: str,
) -> dict[str, Any]:
    """Assembles the regulator-facing proof of one customer's consent for one purpose."""
    verdict = ledger.check(conn, customer_id, purpose)
    events = [
        (doc, received)
        for doc, received in repo.ledger_of(conn, customer_id)
        if doc["purpose"] == purpose
    ]
    notices: dict[str, dict[str, Any]] = {}
    for doc, _ in events:
        name: str | None = doc.get("notice_version")
        notice = catalogue.get(name) if name else None
        if name and notice is not None:
            notices[name] = {
                "sha256": notice.text_sha256,
                "published_at": str(notice.published_at),
                "requires_reconsent": notice.requires_reconsent,
            }
    return {
        "customer_id": customer_id,
        "purpose": purpose,
        "verdict": {
            "valid": verdict.valid,
            "reason": str(verdict.reason),
            "status": str(verdict.snapshot.status),
            "event_id": verdict.snapshot.event_id,
        },
        "events": [_proof_event(doc, received) for doc, received in events],
        "notices": notices,
    }


def _proof_event(doc: dict[str, Any], received: datetime | None) -> dict[str, Any]:
    event = from_stored(doc)
    return {
        "event_id": event.event_id,
        "action": event.action.value,
        "occurred_at": event.occurred_at.isoformat(),
        "received_at": received.isoformat() if received else None,
        "channel": event.channel.value,
        "actor": {k: v for k, v in doc["actor"].items() if k != "guardian"}
        | ({"guardian": "blind-index digest on file"} if event.actor.guardian else {}),
        "consent_type": event.consent_type.value if event.consent_type else None,
        "notice_version": event.notice_version,
        "evidence": doc.get("evidence") or {},
        "expires_at": event.expires_at.isoformat() if event.expires_at else None,
    }
