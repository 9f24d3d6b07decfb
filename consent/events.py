"""Consent events as the ledger records them (DOMAIN §8): who decided what, when, where, how."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from consent.purposes import ConsentType


class ConsentAction(StrEnum):
    """What happened: a subject's decision, or a system event recorded by the platform."""

    GRANT = "grant"
    WITHDRAW = "withdraw"
    REFUSE = "refuse"
    EXPIRE = "expire"  # system
    RECONSENT_REQUIRED = "reconsent_required"  # system


SYSTEM_ACTIONS = frozenset({ConsentAction.EXPIRE, ConsentAction.RECONSENT_REQUIRED})


class Channel(StrEnum):
    """Where the decision was taken; `system` only for system events."""

    APP = "app"
    WEB = "web"
    BRANCH = "branch"
    CALL_CENTER = "call_center"
    SMS = "sms"
    WECHAT = "wechat"
    IVR = "ivr"
    PAPER = "paper"
    SYSTEM = "system"


STAFFED_CHANNELS = frozenset({Channel.BRANCH, Channel.CALL_CENTER, Channel.PAPER})


class ActorKind(StrEnum):
    """Who expressed the decision."""

    SUBJECT = "subject"
    GUARDIAN = "guardian"  # PIPL Art 31, for a child under 14
    STAFF = "staff"  # staff assisting the subject at a branch, call centre or on paper
    SYSTEM = "system"


class Relationship(StrEnum):
    """A guardian's relationship to the child (Civil Code Art 27)."""

    FATHER = "father"
    MOTHER = "mother"
    GRANDPARENT = "grandparent"
    ADULT_SIBLING = "adult_sibling"
    APPOINTED = "appointed"  # another person or body appointed or approved as guardian


class RefKind(StrEnum):
    """How a channel names the customer; ID numbers and mobiles resolve through blind indexes."""

    CUSTOMER_ID = "customer_id"
    ID_NUMBER = "id_number"
    MOBILE = "mobile"


@dataclass(frozen=True, slots=True)
class CustomerRef:
    """A reference to a person; the value may be PII, so it never shows in repr or errors."""

    kind: RefKind
    value: str

    def __repr__(self) -> str:
        return f"CustomerRef(kind={self.kind.value!r}, value=<redacted>)"


@dataclass(frozen=True, slots=True)
class Actor:
    """The person who acted: the subject, a guardian (with who they are), or assisting staff."""

    kind: ActorKind
    relationship: Relationship | None = None
    guardian: CustomerRef | None = None
    staff_id: str | None = None  # staff who assisted; also allowed beside a guardian


@dataclass(frozen=True, slots=True)
class Evidence:
    """Proof kept elsewhere: the hash of a signed form or e-signature, a call recording id."""

    signature_sha256: str | None = None
    recording_id: str | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who receives the data under P08/P10 (PIPL Art 23, 39)."""

    name: str
    contact: str
    country: str | None = None  # ISO 3166 alpha-2, for cross-border provision


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """One validated event; `occurred_at` is an aware UTC instant."""

    event_id: str
    customer: CustomerRef
    purpose: str
    action: ConsentAction
    channel: Channel
    actor: Actor
    occurred_at: datetime
    consent_type: ConsentType | None = None
    notice_version: str | None = None
    evidence: Evidence = Evidence()
    scope: tuple[str, ...] = ()
    recipient: Recipient | None = None
    expires_at: datetime | None = None


def system_event(
    action: ConsentAction, *, event_id: str, customer: CustomerRef, purpose: str, at: datetime
) -> ConsentEvent:
    """Builds an `expire` or `reconsent_required` event the platform records itself."""
    if action not in SYSTEM_ACTIONS:
        raise ValueError(f"{action} is a subject's action, not a system event")
    return ConsentEvent(
        event_id, customer, purpose, action, Channel.SYSTEM, Actor(ActorKind.SYSTEM), at
    )


def with_customer_id(event: ConsentEvent, customer_id: str) -> ConsentEvent:
    """Replaces the channel's reference by the resolved customer id, so no PII is kept."""
    return replace(event, customer=CustomerRef(RefKind.CUSTOMER_ID, customer_id))
