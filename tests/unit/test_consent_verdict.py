"""Verdicts from a stored projection row: every reason, minors, and the refusal cooldown."""

from __future__ import annotations

from datetime import date

import pytest

from consent.events import ActorKind
from consent.fold import ConsentState, ConsentStatus
from consent.notices import NoticeCatalogue
from consent.purposes import ConsentType
from consent.verdict import Reason, Snapshot, may_prompt, verdict_from_state
from tests.unit.test_consent_support import BUMPED, NOTICES, PURPOSES, day

GRANTED, WITHDRAWN, REFUSED = ConsentStatus.GRANTED, ConsentStatus.WITHDRAWN, ConsentStatus.REFUSED
EXPIRED, STALE, NONE = ConsentStatus.EXPIRED, ConsentStatus.RECONSENT_REQUIRED, ConsentStatus.NONE
SUBJECT, GUARDIAN = ActorKind.SUBJECT, ActorKind.GUARDIAN
ADULT = date(1980, 5, 1)
CHILD = date(2016, 6, 1)  # 9 years old on day 0 (2026-03-01)
TURNS_14 = date(2012, 3, 11)  # 14 on day 10, 00:00 China time


def state(
    status: ConsentStatus,
    *,
    purpose: str = "P05",
    until: float | None = 300,
    kind: ConsentType | None = ConsentType.SEPARATE,
    actor: ActorKind = SUBJECT,
    notice: str | None = None,
    refused: float | None = None,
) -> ConsentState:
    """Builds a projection row decided by event `e1` on day 0."""
    return ConsentState(
        purpose=purpose,
        status=status,
        valid_until=day(until) if until is not None else None,
        notice_version=notice or f"{purpose}-v1",
        consent_type=kind,
        actor_kind=actor,
        event_id="e1",
        refused_at=day(refused) if refused is not None else None,
        occurred_at=day(0),
    )


# (stored state, purpose, notices, birth date, at day, valid?, reason, snapshot status)
VERDICTS = [
    # never asked: a consent purpose is denied
    (None, "P05", NOTICES, ADULT, 1, False, Reason.REQUIRED, NONE),
    # a valid separate grant
    (state(GRANTED), "P05", NOTICES, ADULT, 1, True, Reason.GRANTED, GRANTED),
    # the contract purpose needs no grant
    (None, "P01", NOTICES, ADULT, 1, True, Reason.NOT_REQUIRED, NONE),
    # a legal obligation holds even against a recorded no
    (
        state(WITHDRAWN, purpose="P02"),
        "P02",
        NOTICES,
        ADULT,
        1,
        True,
        Reason.NOT_REQUIRED,
        WITHDRAWN,
    ),
    # entrusted processing needs no grant from the subject
    (None, "P09", NOTICES, CHILD, 1, True, Reason.NOT_REQUIRED, NONE),
    # withdrawn
    (state(WITHDRAWN, until=None), "P05", NOTICES, ADULT, 1, False, Reason.WITHDRAWN, WITHDRAWN),
    # a refusal is no consent
    (state(REFUSED, until=None), "P05", NOTICES, ADULT, 1, False, Reason.REQUIRED, REFUSED),
    # the row said granted, but its end date has passed since
    (state(GRANTED, until=30), "P05", NOTICES, ADULT, 30, False, Reason.EXPIRED, EXPIRED),
    # a row already folded as expired
    (state(EXPIRED, until=30), "P05", NOTICES, ADULT, 31, False, Reason.EXPIRED, EXPIRED),
    # an open-ended grant never expires
    (state(GRANTED, until=None), "P05", NOTICES, ADULT, 5000, True, Reason.GRANTED, GRANTED),
    # a P05-v2 requiring re-consent came out after the row was written
    (state(GRANTED), "P05", BUMPED, ADULT, 25, False, Reason.RECONSENT, STALE),
    # ...but not before it took effect
    (state(GRANTED), "P05", BUMPED, ADULT, 19, True, Reason.GRANTED, GRANTED),
    # a row folded as needing re-consent
    (state(STALE), "P05", NOTICES, ADULT, 1, False, Reason.RECONSENT, STALE),
    # a notice of another purpose proves nothing
    (state(GRANTED, notice="P06-v1"), "P05", NOTICES, ADULT, 1, False, Reason.RECONSENT, STALE),
    # the purpose now asks for a stronger form than was given
    (
        state(GRANTED, kind=ConsentType.CONSENT),
        "P05",
        NOTICES,
        ADULT,
        1,
        False,
        Reason.RECONSENT,
        STALE,
    ),
    # a child's own grant does not count
    (state(GRANTED), "P05", NOTICES, CHILD, 1, False, Reason.GUARDIAN, GRANTED),
    # a guardian's grant does
    (
        state(GRANTED, kind=ConsentType.GUARDIAN, actor=GUARDIAN),
        "P05",
        NOTICES,
        CHILD,
        1,
        True,
        Reason.GRANTED,
        GRANTED,
    ),
    # a child never asked needs a guardian's consent
    (None, "P06", NOTICES, CHILD, 1, False, Reason.GUARDIAN, NONE),
    # a child's guardian who withdrew
    (
        state(WITHDRAWN, actor=GUARDIAN),
        "P05",
        NOTICES,
        CHILD,
        1,
        False,
        Reason.WITHDRAWN,
        WITHDRAWN,
    ),
    # the day before the 14th birthday the subject's own grant does not count
    (state(GRANTED), "P05", NOTICES, TURNS_14, 9.6, False, Reason.GUARDIAN, GRANTED),
    # from the birthday (00:00 China time) it does
    (state(GRANTED), "P05", NOTICES, TURNS_14, 9.7, True, Reason.GRANTED, GRANTED),
    # an unknown birth date is treated as an adult's
    (state(GRANTED), "P05", NOTICES, None, 1, True, Reason.GRANTED, GRANTED),
    # a guardian's P13 grant for a child
    (
        state(GRANTED, purpose="P13", kind=ConsentType.GUARDIAN, actor=GUARDIAN),
        "P13",
        NOTICES,
        CHILD,
        1,
        True,
        Reason.GRANTED,
        GRANTED,
    ),
    # a written credit-reference grant
    (
        state(GRANTED, purpose="P04", kind=ConsentType.WRITTEN),
        "P04",
        NOTICES,
        ADULT,
        1,
        True,
        Reason.GRANTED,
        GRANTED,
    ),
]


@pytest.mark.parametrize(
    ("stored", "purpose", "notices", "birth", "at", "valid", "reason", "status"), VERDICTS
)
def test_when_checking_a_stored_state_then_the_verdict_gives_the_reason(
    stored: ConsentState | None,
    purpose: str,
    notices: NoticeCatalogue,
    birth: date | None,
    at: float,
    valid: bool,
    reason: Reason,
    status: ConsentStatus,
) -> None:
    verdict = verdict_from_state(stored, PURPOSES.by_code[purpose], notices, birth, day(at))
    assert (verdict.valid, verdict.reason, verdict.snapshot.status) == (valid, reason, status)


def test_when_a_verdict_is_given_then_its_snapshot_names_the_deciding_event() -> None:
    verdict = verdict_from_state(state(GRANTED), PURPOSES.by_code["P05"], NOTICES, ADULT, day(1))
    assert verdict.snapshot == Snapshot(GRANTED, "P05-v1", "e1")


# (stored state, purpose, at day, may a channel ask?)
PROMPTS = [
    # never asked: ask away
    (None, "P06", 0, True),
    # refused on day 0: not on day 179 (cooldown 180 days)
    (state(REFUSED, refused=0), "P06", 179, False),
    # ...again from day 180
    (state(REFUSED, refused=0), "P06", 180, True),
    # a withdrawal is a clear no too
    (state(WITHDRAWN, refused=0), "P06", 10, False),
    # a grant that went stale may be asked again at once
    (state(STALE), "P05", 25, True),
    # a contract purpose has nothing to ask
    (None, "P01", 0, False),
]


@pytest.mark.parametrize(("stored", "purpose", "at", "allowed"), PROMPTS)
def test_when_the_customer_refused_then_no_channel_asks_within_the_cooldown(
    stored: ConsentState | None, purpose: str, at: float, allowed: bool
) -> None:
    assert may_prompt(stored, PURPOSES.by_code[purpose], day(at)) is allowed
