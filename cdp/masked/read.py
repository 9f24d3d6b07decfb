"""What an analyst sees of one masked row: the pseudonym and generalised attributes, no id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from cdp.masked import repository as repo
from cdp.profiles.repository import as_utc


@dataclass(frozen=True, slots=True)
class MaskedProfileRead:
    """One masked profile as the analytics side may read it (customer id withheld)."""

    pseudonym: str
    age_band: str | None
    is_minor_u14: bool | None
    is_minor_u18: bool | None
    gender: str | None
    city: str | None
    aum_tier: str | None
    risk_level: str | None
    preferred_channel: str | None
    consents: dict[str, bool]
    masked_note: str | None
    note_detector: str | None
    tags: list[Any]
    lifecycle_stage: str | None
    tenure_years: int | None
    aum_trend: str | None
    recency_band: str | None
    activity_level: str | None
    txn_amount_band: str | None
    products_held: int | None
    contribution_band: str | None
    churn_risk: bool | None
    campaign_response: str | None
    profile_updated_at: datetime
    consent_updated_at: datetime | None
    refreshed_at: datetime


def show(conn: Connection, pseudonym: str) -> MaskedProfileRead | None:
    """Returns the masked row behind a view-domain pseudonym, or None."""
    row = repo.by_pseudonym(conn, pseudonym)
    if row is None:
        return None
    for name in ("profile_updated_at", "consent_updated_at", "refreshed_at"):
        row[name] = as_utc(row[name])
    for name in ("is_minor_u14", "is_minor_u18", "churn_risk"):
        row[name] = None if row[name] is None else bool(row[name])
    return MaskedProfileRead(**row)
