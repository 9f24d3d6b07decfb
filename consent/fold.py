"""The fold: a customer's consent events, in occurrence order, to the current state per purpose."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from consent.errors import EventConflict
from consent.events import ActorKind, ConsentAction, ConsentEvent
from consent.notices import NoticeCatalogue
from consent.purposes import ConsentType, PurposeCatalogue, PurposeSpec
from consent.wire import payload_fingerprint


class ConsentStatus(StrEnum):
    """Where a customer stands for one purpose."""

    GRANTED = "granted"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"
    EXPIRED = "expired"
    RECONSENT_REQUIRED = "reconsent_required"  # stale notice, or a form the purpose no longer takes
    NONE = "none"


@dataclass(frozen=True, slots=True)
class ConsentState:
    """The projection row for one purpose: the deciding event and what it decided."""

    purpose: str
    status: ConsentStatus = ConsentStatus.NONE
    valid_until: datetime | None = None
    notice_version: str | None = None
    consent_type: ConsentType | None = None
    actor_kind: ActorKind | None = None
    event_id: str | None = None
    refused_at: datetime | None = None  # last refusal or withdrawal: starts the prompt cooldown
    occurred_at: datetime | None = None


_ENDED_BY = {
    ConsentAction.WITHDRAW: ConsentStatus.WITHDRAWN,
    ConsentAction.REFUSE: ConsentStatus.REFUSED,
    ConsentAction.EXPIRE: ConsentStatus.EXPIRED,
    ConsentAction.RECONSENT_REQUIRED: ConsentStatus.RECONSENT_REQUIRED,
}


def fold(
    events: Iterable[ConsentEvent],
    *,
    purposes: PurposeCatalogue,
    notices: NoticeCatalogue,
    at: datetime,
) -> dict[str, ConsentState]:
    """Folds one customer's events as of `at`; the arrival order never matters.

    Events after `at` are left out, so fold a projection at the latest `occurred_at` or later.
    Events for purposes not in the catalogue are left out too.
    """
    unique = [e for e in _deduplicated(events) if e.occurred_at <= at]
    unique.sort(key=_order)
    states: dict[str, ConsentState] = {}
    for event in unique:
        spec = purposes.get(event.purpose)
        if spec is not None:
            states[event.purpose] = step(states.get(event.purpose), event, spec)
    return {code: settle(s, purposes.by_code[code], notices, at) for code, s in states.items()}


def step(state: ConsentState | None, event: ConsentEvent, spec: PurposeSpec) -> ConsentState:
    """Applies one event that is newer than everything folded into `state`."""
    action, at = event.action, event.occurred_at
    if action is ConsentAction.GRANT:
        return ConsentState(
            purpose=spec.code,
            status=ConsentStatus.GRANTED,
            valid_until=event.expires_at or _default_end(at, spec.validity_days),
            notice_version=event.notice_version,
            consent_type=event.consent_type,
            actor_kind=event.actor.kind,
            event_id=event.event_id,
            occurred_at=at,
        )
    if action is ConsentAction.WITHDRAW or action is ConsentAction.REFUSE:
        return ConsentState(
            purpose=spec.code,
            status=_ENDED_BY[action],
            notice_version=event.notice_version or (state.notice_version if state else None),
            actor_kind=event.actor.kind,
            event_id=event.event_id,
            refused_at=at,
            occurred_at=at,
        )
    if state is None or state.status is not ConsentStatus.GRANTED or _ended(state, at):
        return state or ConsentState(spec.code)  # a system event ends a live grant, nothing else
    return replace(state, status=_ENDED_BY[action], event_id=event.event_id, occurred_at=at)


def settle(
    state: ConsentState, spec: PurposeSpec, notices: NoticeCatalogue, at: datetime
) -> ConsentState:
    """Returns the state as it stands at `at`: a grant may have expired or gone stale since."""
    status = effective_status(state, spec, notices, at)
    return state if status is state.status else replace(state, status=status)


def effective_status(
    state: ConsentState, spec: PurposeSpec, notices: NoticeCatalogue, at: datetime
) -> ConsentStatus:
    """Re-checks a stored grant at `at`: expiry, then its form and notice against today's rules."""
    if state.status is not ConsentStatus.GRANTED:
        return state.status
    if _ended(state, at):
        return ConsentStatus.EXPIRED
    kind, notice = state.consent_type, state.notice_version
    if kind is None or not kind.satisfies(spec.consent_type):
        return ConsentStatus.RECONSENT_REQUIRED
    if notice is None or not notice.startswith(f"{spec.code}-") or notices.is_stale(notice, at):
        return ConsentStatus.RECONSENT_REQUIRED
    return ConsentStatus.GRANTED


def _deduplicated(events: Iterable[ConsentEvent]) -> list[ConsentEvent]:
    seen: dict[str, ConsentEvent] = {}
    for event in events:
        prior = seen.setdefault(event.event_id, event)
        if prior is not event and prior != event and _differ(prior, event):
            raise EventConflict(event.event_id)
    return list(seen.values())


def _ended(state: ConsentState, at: datetime) -> bool:
    return state.valid_until is not None and state.valid_until <= at


def _default_end(granted: datetime, days: int | None) -> datetime | None:
    return None if days is None else granted + timedelta(days=days)


def _differ(one: ConsentEvent, other: ConsentEvent) -> bool:
    return payload_fingerprint(one) != payload_fingerprint(other)


def _order(event: ConsentEvent) -> tuple[datetime, str]:
    return event.occurred_at, event.event_id
