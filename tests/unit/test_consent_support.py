"""Shared fixtures for the consent core tests: the shipped catalogues and event builders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from consent.clock import CST
from consent.events import (
    Actor,
    ActorKind,
    Channel,
    ConsentAction,
    ConsentEvent,
    CustomerRef,
    RefKind,
    Relationship,
)
from consent.notices import NoticeCatalogue, parse_notices, publish
from consent.purposes import ConsentType, PurposeCatalogue, parse_purposes

ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> dict[str, Any]:
    """Reads a shipped policy file the way the application does."""
    data = yaml.safe_load((ROOT / "policies" / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


PURPOSES: PurposeCatalogue = parse_purposes(load("purposes.yaml"))
NOTICES: NoticeCatalogue = parse_notices(load("notices.yaml"), PURPOSES)
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=CST)
NOW = T0 + timedelta(hours=1)
ID_NUMBER = "11010519491231002X"  # DOMAIN §13.1 test vector
OTHER_ID_NUMBER = "360426199101010071"
MOBILE = "13800138000"
SIGNATURE = "ab" * 32
CUSTOMER = CustomerRef(RefKind.CUSTOMER_ID, "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")
DROP = object()  # marks a key to remove from the wire event
# P05-v2 changes the processing and needs re-consent from 2026-03-21 (day 20)
BUMPED: NoticeCatalogue = publish(
    NOTICES,
    purpose="P05",
    text="【客户分层】新增流失预测。\n[Customer tiering] Adds churn prediction.\n",
    published_at=date(2026, 3, 21),
    requires_reconsent=True,
)
# P05-v2 only rewords the notice: earlier grants stay good
REWORDED: NoticeCatalogue = publish(
    NOTICES,
    purpose="P05",
    text="【客户分层与服务画像】措辞调整。\n[Customer tiering] Wording only.\n",
    published_at=date(2026, 3, 21),
    requires_reconsent=False,
)


def day(n: float) -> datetime:
    """Returns the instant `n` days after T0."""
    return T0 + timedelta(days=n)


def wire(**changes: Any) -> dict[str, Any]:
    """Returns a valid P05 grant in wire shape, with top-level keys replaced or DROPped."""
    event: dict[str, Any] = {
        "event_id": "app-20260301-000123",
        "customer": {"id_number": ID_NUMBER},
        "purpose": "P05",
        "action": "grant",
        "consent_type": "separate",
        "notice_version": "P05-v1",
        "channel": "app",
        "actor": {"kind": "subject"},
        "occurred_at": T0.isoformat(),
        "evidence": {"signature_sha256": SIGNATURE},
        "expires_at": None,
    }
    for key, value in changes.items():
        if value is DROP:
            event.pop(key, None)
        else:
            event[key] = value
    return event


def guardian() -> Actor:
    """Returns a mother acting for her child."""
    return Actor(ActorKind.GUARDIAN, Relationship.MOTHER, CustomerRef(RefKind.MOBILE, MOBILE), None)


def ev(
    event_id: str,
    action: ConsentAction,
    at_day: float,
    *,
    purpose: str = "P05",
    kind: ConsentType | None = None,
    notice: str | None = None,
    actor: Actor | None = None,
    expires_day: float | None = None,
) -> ConsentEvent:
    """Builds an event directly; grants default to the purpose's own form and first notice."""
    grant = action is ConsentAction.GRANT
    spec = PURPOSES.get(purpose)
    if grant and kind is None and spec is not None:
        kind = spec.consent_type
    system = action in (ConsentAction.EXPIRE, ConsentAction.RECONSENT_REQUIRED)
    return ConsentEvent(
        event_id=event_id,
        customer=CUSTOMER,
        purpose=purpose,
        action=action,
        channel=Channel.SYSTEM if system else Channel.APP,
        actor=actor or Actor(ActorKind.SYSTEM if system else ActorKind.SUBJECT),
        occurred_at=day(at_day),
        consent_type=kind,
        notice_version=notice or (f"{purpose}-v1" if grant else None),
        expires_at=day(expires_day) if expires_day is not None else None,
    )
