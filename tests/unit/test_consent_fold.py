"""The fold: occurrence order not arrival, idempotent ids, expiry, stale notices, withdrawal."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consent.errors import EventConflict
from consent.events import ActorKind, ConsentAction, ConsentEvent
from consent.fold import ConsentState, ConsentStatus, fold, step
from consent.notices import NoticeCatalogue
from consent.purposes import ConsentType
from tests.unit.test_consent_support import (
    BUMPED,
    NOTICES,
    PURPOSES,
    REWORDED,
    day,
    ev,
    guardian,
)

GRANT, WITHDRAW, REFUSE = ConsentAction.GRANT, ConsentAction.WITHDRAW, ConsentAction.REFUSE
EXPIRE, RECONSENT = ConsentAction.EXPIRE, ConsentAction.RECONSENT_REQUIRED
GRANTED, WITHDRAWN, REFUSED = ConsentStatus.GRANTED, ConsentStatus.WITHDRAWN, ConsentStatus.REFUSED
EXPIRED, STALE, NONE = ConsentStatus.EXPIRED, ConsentStatus.RECONSENT_REQUIRED, ConsentStatus.NONE

# (events in arrival order, notices, fold at day, {purpose: (status, deciding event)})
FOLD = [
    # one grant
    ([ev("g1", GRANT, 0)], NOTICES, 1, {"P05": (GRANTED, "g1")}),
    # grant then withdrawal
    ([ev("g1", GRANT, 0), ev("w1", WITHDRAW, 5)], NOTICES, 6, {"P05": (WITHDRAWN, "w1")}),
    # the withdrawal arrives first but occurred later: arrival order does not count
    ([ev("w1", WITHDRAW, 5), ev("g1", GRANT, 0)], NOTICES, 6, {"P05": (WITHDRAWN, "w1")}),
    # a late event older than the newest never overrides it
    ([ev("g2", GRANT, 10), ev("w1", WITHDRAW, 5)], NOTICES, 11, {"P05": (GRANTED, "g2")}),
    # grant, withdraw, grant again
    (
        [ev("g1", GRANT, 0), ev("w1", WITHDRAW, 5), ev("g2", GRANT, 9)],
        NOTICES,
        10,
        {"P05": (GRANTED, "g2")},
    ),
    # ...and withdraw again
    (
        [ev("g1", GRANT, 0), ev("w1", WITHDRAW, 5), ev("g2", GRANT, 9), ev("w2", WITHDRAW, 12)],
        NOTICES,
        13,
        {"P05": (WITHDRAWN, "w2")},
    ),
    # same instant: ties go by event id, "a-" before "b-"
    (
        [ev("b-grant", GRANT, 3), ev("a-withdraw", WITHDRAW, 3)],
        NOTICES,
        4,
        {"P05": (GRANTED, "b-grant")},
    ),
    # same instant, ids the other way round
    (
        [ev("a-grant", GRANT, 3), ev("b-withdraw", WITHDRAW, 3)],
        NOTICES,
        4,
        {"P05": (WITHDRAWN, "b-withdraw")},
    ),
    # the same event delivered twice is folded once
    (
        [ev("g1", GRANT, 0), ev("w1", WITHDRAW, 5), ev("g1", GRANT, 0)],
        NOTICES,
        6,
        {"P05": (WITHDRAWN, "w1")},
    ),
    # Art 15: folded before the withdrawal, the grant still held then
    ([ev("g1", GRANT, 0), ev("w1", WITHDRAW, 5)], NOTICES, 4, {"P05": (GRANTED, "g1")}),
    # nothing had happened yet
    ([ev("g1", GRANT, 5)], NOTICES, 4, {}),
    # the grant's own end date
    ([ev("g1", GRANT, 0, expires_day=30)], NOTICES, 29, {"P05": (GRANTED, "g1")}),
    # ...reached
    ([ev("g1", GRANT, 0, expires_day=30)], NOTICES, 30, {"P05": (EXPIRED, "g1")}),
    # P06 lasts 365 days by default
    ([ev("g1", GRANT, 0, purpose="P06")], NOTICES, 364, {"P06": (GRANTED, "g1")}),
    # ...and then expires
    ([ev("g1", GRANT, 0, purpose="P06")], NOTICES, 365, {"P06": (EXPIRED, "g1")}),
    # a new grant before expiry renews it
    (
        [ev("g1", GRANT, 0, purpose="P06"), ev("g2", GRANT, 300, purpose="P06")],
        NOTICES,
        400,
        {"P06": (GRANTED, "g2")},
    ),
    # a grant after expiry starts again
    (
        [ev("g1", GRANT, 0, expires_day=30), ev("g2", GRANT, 40)],
        NOTICES,
        41,
        {"P05": (GRANTED, "g2")},
    ),
    # a refusal
    ([ev("r1", REFUSE, 0)], NOTICES, 1, {"P05": (REFUSED, "r1")}),
    # the customer later grants after all
    ([ev("r1", REFUSE, 0), ev("g1", GRANT, 30)], NOTICES, 31, {"P05": (GRANTED, "g1")}),
    # a withdrawal without any grant still records the no
    ([ev("w1", WITHDRAW, 0)], NOTICES, 1, {"P05": (WITHDRAWN, "w1")}),
    # P05-v2 requires re-consent from day 20: before that the v1 grant holds
    ([ev("g1", GRANT, 0)], BUMPED, 19, {"P05": (GRANTED, "g1")}),
    # from day 20 it is stale
    ([ev("g1", GRANT, 0)], BUMPED, 21, {"P05": (STALE, "g1")}),
    # a grant on the old notice after the new one is out is stale too
    ([ev("g1", GRANT, 25)], BUMPED, 26, {"P05": (STALE, "g1")}),
    # re-consent on v2 puts it right
    (
        [ev("g1", GRANT, 0), ev("g2", GRANT, 22, notice="P05-v2")],
        BUMPED,
        23,
        {"P05": (GRANTED, "g2")},
    ),
    # a reworded notice needs no re-consent
    ([ev("g1", GRANT, 0)], REWORDED, 30, {"P05": (GRANTED, "g1")}),
    # the P05 bump leaves P06 alone
    ([ev("g1", GRANT, 0, purpose="P06")], BUMPED, 30, {"P06": (GRANTED, "g1")}),
    # plain consent for the separate-consent P05 never counts
    ([ev("g1", GRANT, 0, kind=ConsentType.CONSENT)], NOTICES, 1, {"P05": (STALE, "g1")}),
    # separate consent is more than P07 needs
    (
        [ev("g1", GRANT, 0, purpose="P07", kind=ConsentType.SEPARATE)],
        NOTICES,
        1,
        {"P07": (GRANTED, "g1")},
    ),
    # P13 takes only a guardian's consent
    (
        [ev("g1", GRANT, 0, purpose="P13", kind=ConsentType.SEPARATE)],
        NOTICES,
        1,
        {"P13": (STALE, "g1")},
    ),
    # ...which a mother gives
    ([ev("g1", GRANT, 0, purpose="P13", actor=guardian())], NOTICES, 1, {"P13": (GRANTED, "g1")}),
    # the platform's expire event ends a grant
    ([ev("g1", GRANT, 0), ev("x1", EXPIRE, 10)], NOTICES, 11, {"P05": (EXPIRED, "x1")}),
    # the platform's reconsent event ends a grant
    ([ev("g1", GRANT, 0), ev("x1", RECONSENT, 10)], NOTICES, 11, {"P05": (STALE, "x1")}),
    # a system event after the grant ran out leaves the grant expired
    (
        [ev("g1", GRANT, 0, expires_day=30), ev("x1", RECONSENT, 40)],
        NOTICES,
        41,
        {"P05": (EXPIRED, "g1")},
    ),
    # a system event after a withdrawal changes nothing
    (
        [ev("g1", GRANT, 0), ev("w1", WITHDRAW, 5), ev("x1", EXPIRE, 10)],
        NOTICES,
        11,
        {"P05": (WITHDRAWN, "w1")},
    ),
    # purposes are independent
    (
        [
            ev("g1", GRANT, 0),
            ev("g2", GRANT, 0, purpose="P06"),
            ev("w2", WITHDRAW, 3, purpose="P06"),
        ],
        NOTICES,
        4,
        {"P05": (GRANTED, "g1"), "P06": (WITHDRAWN, "w2")},
    ),
    # a purpose the catalogue does not know is left out
    ([ev("g1", GRANT, 0, purpose="P99", kind=ConsentType.SEPARATE)], NOTICES, 1, {}),
]


@pytest.mark.parametrize(("events", "notices", "at", "expected"), FOLD)
def test_when_folding_events_then_each_purpose_ends_in_the_expected_state(
    events: list[ConsentEvent],
    notices: NoticeCatalogue,
    at: float,
    expected: dict[str, tuple[ConsentStatus, str]],
) -> None:
    states = fold(events, purposes=PURPOSES, notices=notices, at=day(at))
    assert {p: (s.status, s.event_id) for p, s in states.items()} == expected


def test_when_a_grant_is_folded_then_the_state_carries_its_terms() -> None:
    states = fold(
        [ev("g1", GRANT, 0, purpose="P13", actor=guardian())],
        purposes=PURPOSES,
        notices=NOTICES,
        at=day(1),
    )
    assert states["P13"] == ConsentState(
        purpose="P13",
        status=GRANTED,
        valid_until=day(365),
        notice_version="P13-v1",
        consent_type=ConsentType.GUARDIAN,
        actor_kind=ActorKind.GUARDIAN,
        event_id="g1",
        refused_at=None,
        occurred_at=day(0),
    )


# (events, fold at day, when the prompt cooldown started)
REFUSED_AT = [
    # a refusal starts it
    ([ev("r1", REFUSE, 2)], 3, 2),
    # a withdrawal is a clear no as well
    ([ev("g1", GRANT, 0), ev("w1", WITHDRAW, 4)], 5, 4),
    # a later grant clears it
    ([ev("r1", REFUSE, 2), ev("g1", GRANT, 8)], 9, None),
    # a system expiry leaves it as it was
    ([ev("r1", REFUSE, 0), ev("g1", GRANT, 2), ev("x1", EXPIRE, 4)], 5, None),
]


@pytest.mark.parametrize(("events", "at", "since"), REFUSED_AT)
def test_when_the_customer_says_no_then_the_state_remembers_when(
    events: list[ConsentEvent], at: float, since: float | None
) -> None:
    state = fold(events, purposes=PURPOSES, notices=NOTICES, at=day(at))["P05"]
    assert state.refused_at == (day(since) if since is not None else None)


def test_when_one_id_comes_with_two_payloads_then_the_fold_refuses_in_any_order() -> None:
    first, second = ev("g1", GRANT, 0), ev("g1", GRANT, 1)
    for events in ([first, second], [second, first]):
        with pytest.raises(EventConflict) as caught:
            fold(events, purposes=PURPOSES, notices=NOTICES, at=day(2))
        assert caught.value.event_id == "g1"


def test_when_a_conflicting_event_lies_after_the_fold_time_then_it_still_conflicts() -> None:
    events = [ev("g1", GRANT, 0), ev("g1", GRANT, 50)]
    with pytest.raises(EventConflict):
        fold(events, purposes=PURPOSES, notices=NOTICES, at=day(2))


def test_when_the_same_event_differs_only_in_its_offset_then_it_is_a_duplicate() -> None:
    first = ev("g1", GRANT, 0)
    same = replace(first, occurred_at=first.occurred_at.astimezone(tz=None))
    states = fold([first, same], purposes=PURPOSES, notices=NOTICES, at=day(1))
    assert states["P05"].status is GRANTED


def test_when_stepping_a_newer_event_then_it_equals_refolding() -> None:
    events = [ev("g1", GRANT, 0), ev("w1", WITHDRAW, 5)]
    spec = PURPOSES.by_code["P05"]
    stepped = step(step(None, events[0], spec), events[1], spec)
    assert fold(events, purposes=PURPOSES, notices=NOTICES, at=day(6))["P05"] == stepped


ACTIONS = st.sampled_from([GRANT, GRANT, WITHDRAW, REFUSE, EXPIRE, RECONSENT])


@st.composite
def histories(draw: st.DrawFn) -> list[ConsentEvent]:
    """Draws a history with ties in time, repeats of the same event, two purposes and a bump."""
    count = draw(st.integers(min_value=1, max_value=9))
    events = []
    for n in range(count):
        purpose = draw(st.sampled_from(["P05", "P06"]))
        events.append(
            ev(
                f"e{n}",
                draw(ACTIONS),
                draw(st.integers(min_value=0, max_value=40)),  # small range: many ties
                purpose=purpose,
                notice=draw(st.sampled_from([None, "P05-v2"])) if purpose == "P05" else None,
                expires_day=draw(st.none() | st.integers(min_value=41, max_value=60)),
            )
        )
    repeats = draw(st.lists(st.sampled_from(events), max_size=3))
    return events + repeats


@settings(max_examples=300, deadline=None)
@given(data=st.data(), events=histories(), at=st.integers(min_value=0, max_value=70))
def test_when_the_same_events_arrive_in_any_order_then_the_fold_is_the_same(
    data: st.DataObject, events: list[ConsentEvent], at: int
) -> None:
    shuffled = data.draw(st.permutations(events))
    expected = fold(events, purposes=PURPOSES, notices=BUMPED, at=day(at))
    assert fold(shuffled, purposes=PURPOSES, notices=BUMPED, at=day(at)) == expected


@settings(max_examples=100, deadline=None)
@given(data=st.data(), events=histories(), shift=st.integers(min_value=1, max_value=5))
def test_when_one_id_has_two_payloads_then_every_order_conflicts(
    data: st.DataObject, events: list[ConsentEvent], shift: int
) -> None:
    twin = replace(events[0], occurred_at=day(shift + 100))
    shuffled = data.draw(st.permutations([*events, twin]))
    with pytest.raises(EventConflict):
        fold(shuffled, purposes=PURPOSES, notices=BUMPED, at=day(70))
