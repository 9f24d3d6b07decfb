"""How events and states are kept in the store: no PII, and read back without re-validation.

The channel's customer reference is replaced by the customer id; a guardian's reference is kept
only as its blind-index digest. The fingerprint used for idempotency is taken over this stored
form, so it never hashes an identifier an attacker could enumerate.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from cdp.db.bulk import RawJson
from consent.events import (
    Actor,
    ActorKind,
    Channel,
    ConsentAction,
    ConsentEvent,
    CustomerRef,
    Evidence,
    Recipient,
    RefKind,
    Relationship,
)
from consent.fold import ConsentState, ConsentStatus
from consent.purposes import ConsentType
from consent.wire import to_wire

DIGEST_PREFIX = "digest:"


def to_stored(event: ConsentEvent, customer_id: str, guardian_digest: str | None) -> dict[str, Any]:
    """Renders an event for the ledger: customer by id, guardian by digest only."""
    doc = to_wire(event)
    doc["customer"] = {RefKind.CUSTOMER_ID.value: customer_id}
    guardian = event.actor.guardian
    if guardian is not None:
        doc["actor"]["guardian"] = {guardian.kind.value: DIGEST_PREFIX + (guardian_digest or "")}
    return doc


def canonical(stored: dict[str, Any]) -> RawJson:
    """Encodes the stored form canonically: what the ledger keeps and what is hashed."""
    return RawJson(json.dumps(stored, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def fingerprint(text: str) -> str:
    """Hashes the canonical stored form: same event id with another hash is a conflict."""
    return hashlib.sha256(text.encode()).hexdigest()


def from_stored(doc: dict[str, Any]) -> ConsentEvent:
    """Rebuilds a ledger event (validated when it was written) for folding."""
    actor, evidence, recipient = doc["actor"], doc.get("evidence") or {}, doc.get("recipient")
    guardian = actor.get("guardian")
    return ConsentEvent(
        event_id=doc["event_id"],
        customer=CustomerRef(RefKind.CUSTOMER_ID, doc["customer"]["customer_id"]),
        purpose=doc["purpose"],
        action=ConsentAction(doc["action"]),
        channel=Channel(doc["channel"]),
        actor=Actor(
            ActorKind(actor["kind"]),
            Relationship(actor["relationship"]) if actor.get("relationship") else None,
            _guardian(guardian),
            actor.get("staff_id"),
        ),
        occurred_at=_instant(doc["occurred_at"]),
        consent_type=ConsentType(doc["consent_type"]) if doc.get("consent_type") else None,
        notice_version=doc.get("notice_version"),
        evidence=Evidence(evidence.get("signature_sha256"), evidence.get("recording_id")),
        scope=tuple(doc.get("scope") or ()),
        recipient=Recipient(**recipient) if recipient else None,
        expires_at=_instant(doc["expires_at"]) if doc.get("expires_at") else None,
    )


def _guardian(ref: dict[str, str] | None) -> CustomerRef | None:
    if not ref:
        return None
    ((kind, value),) = ref.items()
    return CustomerRef(RefKind(kind), value)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def state_to_json(state: ConsentState) -> dict[str, Any]:
    """Serialises a projection state."""
    return {
        "purpose": state.purpose,
        "status": state.status.value,
        "valid_until": _iso(state.valid_until),
        "notice_version": state.notice_version,
        "consent_type": state.consent_type.value if state.consent_type else None,
        "actor_kind": state.actor_kind.value if state.actor_kind else None,
        "event_id": state.event_id,
        "refused_at": _iso(state.refused_at),
        "occurred_at": _iso(state.occurred_at),
    }


def state_from_json(doc: dict[str, Any]) -> ConsentState:
    """Reads a projection state back."""
    return ConsentState(
        purpose=doc["purpose"],
        status=ConsentStatus(doc["status"]),
        valid_until=_maybe(doc.get("valid_until")),
        notice_version=doc.get("notice_version"),
        consent_type=ConsentType(doc["consent_type"]) if doc.get("consent_type") else None,
        actor_kind=ActorKind(doc["actor_kind"]) if doc.get("actor_kind") else None,
        event_id=doc.get("event_id"),
        refused_at=_maybe(doc.get("refused_at")),
        occurred_at=_maybe(doc.get("occurred_at")),
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _maybe(text: str | None) -> datetime | None:
    return _instant(text) if text else None
