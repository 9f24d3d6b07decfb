"""Decoding stored bodies back into events, strictly: unknown keys or types are an error."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from audit.canonical import FORMAT_VERSION
from audit.errors import AuditEventInvalid
from audit.events import AuditEvent, ConsentSnapshot
from audit.tags import AuditTag, Decision

_KEYS = frozenset(
    (
        *("action", "actor", "channel", "consent", "customer_ids", "decision", "event_id"),
        *("fields_clear", "fields_denied", "fields_masked", "occurred_at", "policy_version"),
        *("purpose", "reason", "record_count", "request_id", "roles", "rules", "source"),
        *("ticket_id", "trace_id", "v"),
    )
)
_CONSENT_KEYS = frozenset(("event_id", "notice_version", "status"))
E = TypeVar("E", AuditTag, Decision)


class IndexedColumns(NamedTuple):
    """The columns a store may keep beside the body for queries; verify them against it."""

    event_id: str
    occurred_at: datetime
    actor: str
    action: str
    decision: str
    purpose: str | None


def _text(doc: dict[str, Any], key: str, *, required: bool = False) -> Any:
    """Returns a string member (or None when absent and optional), checking its type."""
    value = doc.get(key)
    if (value is None and required) or (value is not None and not isinstance(value, str)):
        raise AuditEventInvalid(key, "missing or not a string")
    return value


def _strings(doc: dict[str, Any], key: str) -> tuple[str, ...]:
    """Returns an array of strings as a tuple; absent means empty."""
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AuditEventInvalid(key, "not an array of strings")
    return tuple(value)


def _document(body: bytes) -> dict[str, Any]:
    """Parses a body into its JSON object, refusing other versions and unknown keys."""
    try:
        doc = json.loads(body)
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError both are
        raise AuditEventInvalid("body", "not UTF-8 JSON") from error
    if not isinstance(doc, dict):
        raise AuditEventInvalid("body", "not a JSON object")
    if doc.get("v") != FORMAT_VERSION:
        raise AuditEventInvalid("v", f"unsupported format version (expected {FORMAT_VERSION})")
    if unknown := doc.keys() - _KEYS:
        raise AuditEventInvalid(sorted(unknown)[0], "unknown key")
    return doc


def _instant(doc: dict[str, Any]) -> datetime:
    """Parses `occurred_at`, which must be an aware instant."""
    try:
        return datetime.fromisoformat(_text(doc, "occurred_at", required=True))
    except ValueError as error:
        raise AuditEventInvalid("occurred_at", "not an ISO 8601 instant") from error


def _consent(doc: dict[str, Any]) -> ConsentSnapshot | None:
    """Decodes the consent snapshot member, if any."""
    value = doc.get("consent")
    if value is None:
        return None
    if not isinstance(value, dict) or value.keys() - _CONSENT_KEYS:
        raise AuditEventInvalid("consent", "not a consent snapshot")
    status = _text(value, "status", required=True)
    return ConsentSnapshot(status, _text(value, "notice_version"), _text(value, "event_id"))


def _enum_value(kind: type[E], doc: dict[str, Any], key: str) -> E:
    """Decodes a tag or decision, naming the key when the value is unknown."""
    try:
        return kind(_text(doc, key, required=True))
    except ValueError as error:
        raise AuditEventInvalid(key, "unknown value") from error


def decode(body: bytes) -> AuditEvent:
    """Decodes a stored body into the event it records."""
    doc = _document(body)
    count = doc.get("record_count")
    if count is not None and (type(count) is not int or count < 0):
        raise AuditEventInvalid("record_count", "not a non-negative integer")
    return AuditEvent(
        event_id=_text(doc, "event_id", required=True),
        occurred_at=_instant(doc),
        actor=_text(doc, "actor", required=True),
        action=_enum_value(AuditTag, doc, "action"),
        decision=_enum_value(Decision, doc, "decision"),
        roles=_strings(doc, "roles"),
        purpose=_text(doc, "purpose"),
        customer_ids=_strings(doc, "customer_ids"),
        record_count=count,
        fields_clear=_strings(doc, "fields_clear"),
        fields_masked=_strings(doc, "fields_masked"),
        fields_denied=_strings(doc, "fields_denied"),
        reason=_text(doc, "reason"),
        rules=_strings(doc, "rules"),
        policy_version=_text(doc, "policy_version"),
        consent=_consent(doc),
        request_id=_text(doc, "request_id"),
        trace_id=_text(doc, "trace_id"),
        channel=_text(doc, "channel"),
        source=_text(doc, "source"),
        ticket_id=_text(doc, "ticket_id"),
    )


def columns_of(body: bytes) -> IndexedColumns:
    """Reads the indexed columns straight from a body (no full decode), to compare with a row."""
    doc = _document(body)
    return IndexedColumns(
        _text(doc, "event_id", required=True),
        _instant(doc),
        _text(doc, "actor", required=True),
        _text(doc, "action", required=True),
        _text(doc, "decision", required=True),
        _text(doc, "purpose"),
    )


def columns(event: AuditEvent) -> IndexedColumns:
    """Returns the indexed columns of an event, as a store writes them beside its body."""
    return IndexedColumns(
        event.event_id,
        event.occurred_at,
        event.actor,
        event.action.value,
        event.decision.value,
        event.purpose,
    )
