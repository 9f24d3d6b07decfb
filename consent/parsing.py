"""Validation of one incoming consent event (API, JSONL or CSV row) into a `ConsentEvent`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from consent.errors import EventInvalid, Problem
from consent.events import (
    SYSTEM_ACTIONS,
    Actor,
    ActorKind,
    Channel,
    ConsentAction,
    ConsentEvent,
    CustomerRef,
)
from consent.notices import NoticeCatalogue
from consent.parts import (
    actor,
    customer_ref,
    evidence,
    is_mapping,
    keys_only,
    lookup,
    recipient,
    safe_name,
)
from consent.purposes import ConsentType, PurposeCatalogue, PurposeSpec

DEFAULT_SKEW = timedelta(minutes=5)
_KEYS = frozenset(
    {"event_id", "customer", "purpose", "action", "consent_type", "notice_version", "channel"}
    | {"actor", "occurred_at", "evidence", "scope", "recipient", "expires_at"}
)
_SYSTEM_KEYS = frozenset(
    {"event_id", "customer", "purpose", "action", "channel", "actor", "occurred_at"}
)
_EVENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_SUBJECT_ACTIONS = {a.value: a for a in ConsentAction if a not in SYSTEM_ACTIONS}
_ALL_ACTIONS = {a.value: a for a in ConsentAction}
_CHANNELS = {c.value: c for c in Channel if c is not Channel.SYSTEM}
_GRANTABLE = {t.value: t for t in ConsentType if t is not ConsentType.NONE}


def parse_event(
    raw: Mapping[str, Any],
    *,
    purposes: PurposeCatalogue,
    notices: NoticeCatalogue,
    now: datetime,
    skew: timedelta = DEFAULT_SKEW,
    allow_system: bool = False,
) -> ConsentEvent:
    """Validates one event in wire shape (or a CSV row with dotted keys); raises EventInvalid."""
    if not is_mapping(raw):
        raise EventInvalid("event", Problem.MALFORMED)
    if "customer" not in raw:
        raw = unflatten(raw)
    keys_only(raw, _KEYS, "")
    event_id = raw.get("event_id")
    if not isinstance(event_id, str) or not _EVENT_ID.fullmatch(event_id):
        raise EventInvalid("event_id", Problem.MALFORMED if event_id else Problem.MISSING)
    action = lookup(raw, "action", _ALL_ACTIONS if allow_system else _SUBJECT_ACTIONS, "action")
    spec = lookup(raw, "purpose", purposes.by_code, "purpose")
    if not spec.needs_consent:
        raise EventInvalid("purpose", Problem.NOT_CONSENT_BASED)
    customer = customer_ref(raw.get("customer"), "customer")
    occurred = instant(raw.get("occurred_at"), "occurred_at")
    if occurred > now + skew:
        raise EventInvalid("occurred_at", Problem.IN_FUTURE)
    if action in SYSTEM_ACTIONS:
        return _system(raw, event_id, customer, spec, action, occurred)
    channel = lookup(raw, "channel", _CHANNELS, "channel")
    who = actor(raw.get("actor"), channel)
    grant = action is ConsentAction.GRANT
    kind = _consent_type(raw.get("consent_type"), spec, who, required=grant)
    proof = evidence(raw.get("evidence"))
    if kind is ConsentType.WRITTEN and proof.signature_sha256 is None:
        raise EventInvalid("evidence.signature_sha256", Problem.SIGNATURE_REQUIRED)
    return ConsentEvent(
        event_id=event_id,
        customer=customer,
        purpose=spec.code,
        action=action,
        channel=channel,
        actor=who,
        occurred_at=occurred,
        consent_type=kind,
        notice_version=_notice(raw.get("notice_version"), spec, notices, occurred, grant),
        evidence=proof,
        scope=_scope(raw.get("scope")),
        recipient=recipient(raw.get("recipient"), spec.recipient, required=grant),
        expires_at=_expiry(raw.get("expires_at"), occurred, grant),
    )


def unflatten(row: Mapping[str, Any]) -> dict[str, Any]:
    """Nests dotted CSV columns (`actor.guardian.mobile`); empty cells count as absent."""
    nested: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or value == "":
            continue
        parts = key.split(".") if isinstance(key, str) else [key]
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise EventInvalid(safe_name(key), Problem.MALFORMED)
        if parts[-1] in node:
            raise EventInvalid(safe_name(key), Problem.MALFORMED)
        node[parts[-1]] = value
    return nested


def instant(value: object, field: str) -> datetime:
    """Parses an ISO 8601 timestamp with an offset into an aware UTC datetime."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise EventInvalid(field, Problem.MALFORMED) from None
    if not isinstance(value, datetime):
        raise EventInvalid(field, Problem.MISSING if value is None else Problem.MALFORMED)
    if value.tzinfo is None or value.utcoffset() is None:
        raise EventInvalid(field, Problem.NO_TIMEZONE)
    return value.astimezone(UTC)


def _consent_type(
    value: object, spec: PurposeSpec, who: Actor, *, required: bool
) -> ConsentType | None:
    if value is None and not required:
        return None
    kind = _GRANTABLE.get(value) if isinstance(value, str) else None
    if kind is None:
        raise EventInvalid("consent_type", Problem.MISSING if value is None else Problem.UNKNOWN)
    if required and not kind.satisfies(spec.consent_type):
        raise EventInvalid("consent_type", Problem.TOO_WEAK)
    if kind is ConsentType.GUARDIAN and who.kind is not ActorKind.GUARDIAN:
        raise EventInvalid("actor.kind", Problem.GUARDIAN_ACTOR_REQUIRED)
    return kind


def _notice(
    value: object, spec: PurposeSpec, notices: NoticeCatalogue, at: datetime, required: bool
) -> str | None:
    if value is None and not required:
        return None
    if value is None:
        raise EventInvalid("notice_version", Problem.MISSING)
    notice = notices.get(value) if isinstance(value, str) else None
    if notice is None:
        raise EventInvalid("notice_version", Problem.UNKNOWN)
    if notice.purpose != spec.code:
        raise EventInvalid("notice_version", Problem.NOTICE_OF_OTHER_PURPOSE)
    if notice.in_force_from > at:
        raise EventInvalid("notice_version", Problem.NOTICE_NOT_YET_PUBLISHED)
    return notice.name


def _scope(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(";") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(
        isinstance(i, str) and 0 < len(i.strip()) <= 64 for i in items
    ):
        raise EventInvalid("scope", Problem.MALFORMED)
    return tuple(sorted({i.strip() for i in items}))


def _expiry(value: object, occurred: datetime, grant: bool) -> datetime | None:
    if value is None:
        return None
    if not grant:
        raise EventInvalid("expires_at", Problem.UNEXPECTED)
    expires = instant(value, "expires_at")
    if expires <= occurred:
        raise EventInvalid("expires_at", Problem.NOT_AFTER_OCCURRED)
    return expires


def _system(
    raw: Mapping[str, Any],
    event_id: str,
    customer: CustomerRef,
    spec: PurposeSpec,
    action: ConsentAction,
    occurred: datetime,
) -> ConsentEvent:
    keys_only(raw, _SYSTEM_KEYS, "")
    if raw.get("channel") != Channel.SYSTEM:
        raise EventInvalid("channel", Problem.UNKNOWN)
    if raw.get("actor") != {"kind": ActorKind.SYSTEM}:
        raise EventInvalid("actor", Problem.MALFORMED)
    system = Actor(ActorKind.SYSTEM)
    return ConsentEvent(event_id, customer, spec.code, action, Channel.SYSTEM, system, occurred)
