"""Enforcement: may the bank process a customer's data for a purpose now, and may it ask?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from consent.clock import is_minor
from consent.events import ActorKind
from consent.fold import ConsentState, ConsentStatus, effective_status
from consent.notices import NoticeCatalogue
from consent.purposes import PurposeSpec


class Reason(StrEnum):
    """Why a verdict came out as it did."""

    GRANTED = "consent_granted"
    NOT_REQUIRED = "consent_not_required"  # contract, legal obligation, entrusted processing
    REQUIRED = "consent_required"  # never granted, or refused
    WITHDRAWN = "consent_withdrawn"
    EXPIRED = "consent_expired"
    RECONSENT = "reconsent_required"
    GUARDIAN = "guardian_consent_required"  # under 14: only a guardian's grant counts


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The consent state the verdict was based on, for the audit record."""

    status: ConsentStatus
    notice_version: str | None
    event_id: str | None


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether processing may go ahead, why, and on what evidence."""

    valid: bool
    reason: Reason
    snapshot: Snapshot


_DENIED = {
    ConsentStatus.NONE: Reason.REQUIRED,
    ConsentStatus.REFUSED: Reason.REQUIRED,
    ConsentStatus.WITHDRAWN: Reason.WITHDRAWN,
    ConsentStatus.EXPIRED: Reason.EXPIRED,
    ConsentStatus.RECONSENT_REQUIRED: Reason.RECONSENT,
}
_NO_STATE = Snapshot(ConsentStatus.NONE, None, None)


def verdict_from_state(
    state: ConsentState | None,
    purpose: PurposeSpec,
    notices: NoticeCatalogue,
    birth_date: date | None,
    at: datetime,
) -> Verdict:
    """Decides from a stored projection row, re-checking expiry, notice and age at `at`."""
    if state is None:
        snapshot = _NO_STATE
    else:
        status = effective_status(state, purpose, notices, at)
        snapshot = Snapshot(status, state.notice_version, state.event_id)
    if not purpose.needs_consent:
        return Verdict(True, Reason.NOT_REQUIRED, snapshot)
    minor = is_minor(birth_date, at)
    if snapshot.status is ConsentStatus.GRANTED:
        if minor and state is not None and state.actor_kind is not ActorKind.GUARDIAN:
            return Verdict(False, Reason.GUARDIAN, snapshot)
        return Verdict(True, Reason.GRANTED, snapshot)
    reason = _DENIED[snapshot.status]
    return Verdict(
        False, Reason.GUARDIAN if minor and reason is Reason.REQUIRED else reason, snapshot
    )


def may_prompt(state: ConsentState | None, purpose: PurposeSpec, at: datetime) -> bool:
    """Tells whether a channel may ask for consent now (NDSR Art 22: no re-asking after a no)."""
    if not purpose.needs_consent:
        return False
    if state is None or state.refused_at is None:
        return True
    return at >= state.refused_at + timedelta(days=purpose.refusal_cooldown_days)
