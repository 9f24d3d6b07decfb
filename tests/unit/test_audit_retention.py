"""Retention classes and the prune boundary: whole months, every class present has expired."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from audit.errors import RetentionInvalid
from audit.retention import EventClass, RetentionPolicy, class_of, months_before, prune_boundary

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("profile:read", EventClass.READ),
        ("profile:field:read", EventClass.READ),
        ("profile:search", EventClass.READ),
        ("profile:write", EventClass.WRITE),
        ("profile:ingest", EventClass.WRITE),
        ("consent:event", EventClass.CONSENT),
        ("export", EventClass.EXPORT),
        ("segment:run", EventClass.EXPORT),
        ("dsr:erase", EventClass.DSR),
        ("key:rotate", EventClass.ADMIN),
        ("audit:prune", EventClass.ADMIN),
        ("auth:login", EventClass.AUTH),
        ("something:new", EventClass.ADMIN),  # unknown tags are kept as long as admin ones
    ],
)
def test_when_an_action_is_classified_then_it_lands_in_its_class(
    action: str, expected: EventClass
) -> None:
    assert class_of(action) is expected


@pytest.mark.parametrize(
    ("at", "months", "expected"),
    [
        (NOW, 36, datetime(2023, 11, 1, tzinfo=UTC)),
        (NOW, 6, datetime(2026, 5, 1, tzinfo=UTC)),
        (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2025, 12, 1, tzinfo=UTC)),
        (datetime(2026, 3, 1, tzinfo=UTC), 14, datetime(2025, 1, 1, tzinfo=UTC)),
    ],
)
def test_when_counting_months_back_then_the_month_start_comes_out(
    at: datetime, months: int, expected: datetime
) -> None:
    assert months_before(at, months) == expected


def test_when_a_class_keeps_under_six_months_then_the_policy_refuses() -> None:
    with pytest.raises(RetentionInvalid, match="at least 6 months"):
        RetentionPolicy.from_settings({"read": 5})
    with pytest.raises(RetentionInvalid, match="unknown event class"):
        RetentionPolicy.from_settings({"reads": 36})


def test_when_only_reads_are_old_then_the_boundary_is_the_reads_boundary() -> None:
    policy = RetentionPolicy()
    boundary = prune_boundary(policy, NOW, lambda b: ["profile:read"])
    assert boundary == datetime(2023, 11, 1, tzinfo=UTC)


def test_when_a_longer_kept_class_is_present_then_the_boundary_moves_back_to_it() -> None:
    policy = RetentionPolicy()
    stored = {
        "profile:read": datetime(2020, 1, 5, tzinfo=UTC),
        "key:rotate": datetime(2021, 6, 1, tzinfo=UTC),
    }

    def before(boundary: datetime) -> list[str]:
        return [action for action, at in stored.items() if at < boundary]

    assert prune_boundary(policy, NOW, before) == datetime(2021, 11, 1, tzinfo=UTC)


def test_when_nothing_is_old_then_the_boundary_removes_nothing_stored() -> None:
    boundary = prune_boundary(RetentionPolicy(), NOW, lambda b: [])
    assert boundary == datetime(2025, 11, 1, tzinfo=UTC)  # the shortest-kept class (auth, 12)
