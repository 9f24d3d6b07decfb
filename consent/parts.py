"""Parsers for the nested parts of a consent event: references, actor, evidence, recipient."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeGuard, TypeVar

from consent.errors import EventInvalid, Problem
from consent.events import (
    STAFFED_CHANNELS,
    Actor,
    ActorKind,
    Channel,
    CustomerRef,
    Evidence,
    Recipient,
    RefKind,
    Relationship,
)
from consent.identifiers import normal_customer_id, normal_id_number, normal_mobile
from consent.purposes import RecipientRule

_T = TypeVar("_T")
_NORMALISERS: dict[str, tuple[RefKind, Callable[[str], str | None]]] = {
    "customer_id": (RefKind.CUSTOMER_ID, normal_customer_id),
    "id_number": (RefKind.ID_NUMBER, normal_id_number),
    "mobile": (RefKind.MOBILE, normal_mobile),
}
_ACTOR_KINDS = {k.value: k for k in (ActorKind.SUBJECT, ActorKind.GUARDIAN, ActorKind.STAFF)}
_ACTOR_KEYS = {
    ActorKind.SUBJECT: frozenset({"kind"}),
    ActorKind.GUARDIAN: frozenset({"kind", "relationship", "guardian", "staff_id"}),
    ActorKind.STAFF: frozenset({"kind", "staff_id"}),
    ActorKind.SYSTEM: frozenset({"kind"}),
}
_RELATIONSHIPS = {r.value: r for r in Relationship}
_STAFF_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_RECORDING = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_EVIDENCE_KEYS = frozenset({"signature_sha256", "recording_id"})
_RECIPIENT_KEYS = frozenset({"name", "contact", "country"})
_NO_EVIDENCE = Evidence()
_SUBJECT = Actor(ActorKind.SUBJECT)
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,40}")


def customer_ref(value: object, field: str) -> CustomerRef:
    """Parses {"customer_id"|"id_number"|"mobile": text}, the value checked but never echoed."""
    if not is_mapping(value) or len(value) != 1:
        raise EventInvalid(field, Problem.MALFORMED if value else Problem.MISSING)
    ((key, text),) = value.items()
    known = _NORMALISERS.get(key) if isinstance(key, str) else None
    if known is None:
        raise EventInvalid(f"{field}.{safe_name(key)}", Problem.UNEXPECTED)
    normal = known[1](text) if isinstance(text, str) else None
    if normal is None:
        raise EventInvalid(f"{field}.{key}", Problem.MALFORMED)
    return CustomerRef(known[0], normal)


def actor(value: object, channel: Channel) -> Actor:
    """Parses the actor; staff only assist where staff meet the customer."""
    if not is_mapping(value):
        raise EventInvalid("actor", Problem.MALFORMED if value else Problem.MISSING)
    kind = lookup(value, "kind", _ACTOR_KINDS, "actor.kind")
    keys_only(value, _ACTOR_KEYS[kind], "actor")
    staff = value.get("staff_id")
    if staff is not None or kind is ActorKind.STAFF:
        if not isinstance(staff, str) or not _STAFF_ID.fullmatch(staff):
            raise EventInvalid("actor.staff_id", Problem.MALFORMED if staff else Problem.MISSING)
        if channel not in STAFFED_CHANNELS:
            raise EventInvalid("actor.staff_id", Problem.STAFF_NOT_ON_CHANNEL)
    if kind is not ActorKind.GUARDIAN:
        return _SUBJECT if kind is ActorKind.SUBJECT else Actor(kind, staff_id=staff)
    relationship = lookup(value, "relationship", _RELATIONSHIPS, "actor.relationship")
    guardian = customer_ref(value.get("guardian"), "actor.guardian")
    return Actor(kind, relationship, guardian, staff)


def evidence(value: object) -> Evidence:
    """Parses the evidence references; a signature is the SHA-256 of the signed form."""
    if value is None:
        return _NO_EVIDENCE
    if not is_mapping(value):
        raise EventInvalid("evidence", Problem.MALFORMED)
    keys_only(value, _EVIDENCE_KEYS, "evidence")
    signature, recording = value.get("signature_sha256"), value.get("recording_id")
    if signature is not None:
        signature = signature.lower() if isinstance(signature, str) else ""
        if not _SHA256.fullmatch(signature):
            raise EventInvalid("evidence.signature_sha256", Problem.MALFORMED)
    if recording is not None and not (
        isinstance(recording, str) and _RECORDING.fullmatch(recording)
    ):
        raise EventInvalid("evidence.recording_id", Problem.MALFORMED)
    return Evidence(signature, recording)


def recipient(value: object, rule: RecipientRule, *, required: bool) -> Recipient | None:
    """Parses who receives the data; P08 needs name and contact, P10 also the country."""
    if value is None:
        if required and rule is not RecipientRule.NONE:
            raise EventInvalid("recipient", Problem.RECIPIENT_REQUIRED)
        return None
    if rule is RecipientRule.NONE:
        raise EventInvalid("recipient", Problem.UNEXPECTED)
    if not is_mapping(value):
        raise EventInvalid("recipient", Problem.MALFORMED)
    keys_only(value, _RECIPIENT_KEYS, "recipient")
    name, contact, country = (value.get(k) for k in ("name", "contact", "country"))
    for key, text in (("name", name), ("contact", contact)):
        if not isinstance(text, str) or not text.strip():
            raise EventInvalid(f"recipient.{key}", Problem.MISSING)
    if rule is RecipientRule.OVERSEAS and country is None:
        raise EventInvalid("recipient.country", Problem.MISSING)
    if country is not None and not _country_fits(country, rule):
        raise EventInvalid("recipient.country", Problem.MALFORMED)
    return Recipient(str(name).strip(), str(contact).strip(), country)


def _country_fits(country: object, rule: RecipientRule) -> bool:
    if not isinstance(country, str) or not _COUNTRY.fullmatch(country):
        return False
    return (country != "CN") if rule is RecipientRule.OVERSEAS else (country == "CN")


def lookup(raw: Mapping[str, Any], key: str, table: Mapping[str, _T], field: str) -> _T:
    """Returns the table entry named by raw[key], rejecting what is missing or unknown."""
    value = raw.get(key)
    found = table.get(value) if isinstance(value, str) else None
    if found is None:
        raise EventInvalid(field, Problem.MISSING if value is None else Problem.UNKNOWN)
    return found


def keys_only(raw: Mapping[str, Any], allowed: frozenset[str], field: str) -> None:
    """Rejects keys outside `allowed`, naming the key only when it looks like a field name."""
    if raw.keys() <= allowed:
        return
    for key in raw:
        if key not in allowed:
            raise EventInvalid(
                f"{field}.{safe_name(key)}" if field else safe_name(key), Problem.UNEXPECTED
            )


def is_mapping(value: object) -> TypeGuard[Mapping[str, Any]]:
    """Tells whether a value is a mapping; plain dicts (JSON, CSV rows) skip the ABC check."""
    return type(value) is dict or isinstance(value, Mapping)


def safe_name(key: object) -> str:
    """Returns the key if it looks like a field name, so an error never echoes a stray value."""
    return key if isinstance(key, str) and _FIELD_NAME.fullmatch(key) else "?"
