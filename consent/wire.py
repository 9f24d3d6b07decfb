"""The wire shape of a consent event (API, JSONL, ledger payload) and its fingerprint."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from consent.events import ConsentEvent, CustomerRef


def to_wire(event: ConsentEvent) -> dict[str, Any]:
    """Renders the event as the mapping `parse_event` accepts, empty parts left out."""
    actor, evidence, recipient = event.actor, event.evidence, event.recipient
    doc: dict[str, Any] = {
        "event_id": event.event_id,
        "customer": _ref(event.customer),
        "purpose": event.purpose,
        "action": event.action.value,
        "channel": event.channel.value,
        "actor": _dropped_none(
            kind=actor.kind.value,
            relationship=actor.relationship.value if actor.relationship else None,
            guardian=_ref(actor.guardian) if actor.guardian else None,
            staff_id=actor.staff_id,
        ),
        "occurred_at": _utc(event.occurred_at),
    }
    optional = _dropped_none(
        consent_type=event.consent_type.value if event.consent_type else None,
        notice_version=event.notice_version,
        evidence=_dropped_none(
            signature_sha256=evidence.signature_sha256, recording_id=evidence.recording_id
        )
        or None,
        scope=sorted(event.scope) or None,
        recipient=_dropped_none(
            name=recipient.name, contact=recipient.contact, country=recipient.country
        )
        if recipient
        else None,
        expires_at=_utc(event.expires_at) if event.expires_at else None,
    )
    return doc | optional


def payload_fingerprint(event: ConsentEvent) -> str:
    """Hashes the canonical wire form: the same event id with another hash is a conflict.

    The hash covers the customer reference: resolve it first (`with_customer_id`) before storing
    the fingerprint, or keep it as carefully as a blind-index digest.
    """
    text = json.dumps(to_wire(event), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _ref(ref: CustomerRef) -> dict[str, str]:
    return {ref.kind.value: ref.value}


def _dropped_none(**parts: Any) -> dict[str, Any]:
    return {k: v for k, v in parts.items() if v is not None}


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()
