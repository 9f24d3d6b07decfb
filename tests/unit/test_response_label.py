"""The masked view's campaign-response label: every kind, the window's edge, opt-out order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cdp.masked.config import MaskingConfigInvalid, load_masking_config, parse_masking_config
from cdp.resources import load_yaml, shipped_policy_dir
from masking.responses import ResponseRule, ResponseRuleInvalid

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
RULE = ResponseRule(window_days=180)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.mark.parametrize(
    ("latest", "label"),
    [
        (None, None),
        ({}, None),
        ({"delivered": ago(1)}, "delivered"),
        ({"delivered": ago(5), "opened": ago(4)}, "opened"),
        ({"delivered": ago(5), "opened": ago(4), "converted": ago(3)}, "converted"),
        # the best response wins, whatever its order
        ({"converted": ago(30), "delivered": ago(1)}, "converted"),
        # an opt-out that is the latest response in the window is the label
        ({"converted": ago(30), "opted_out": ago(2)}, "opted_out"),
        ({"opted_out": ago(2)}, "opted_out"),
        # a response after the opt-out (consent granted again since) outranks it
        ({"opted_out": ago(30), "opened": ago(2)}, "opened"),
        # the window: its first day counts, the day before does not
        ({"converted": ago(180)}, "converted"),
        ({"converted": ago(180.01)}, None),
        ({"converted": ago(400), "delivered": ago(10)}, "delivered"),
        ({"opted_out": ago(400), "delivered": ago(10)}, "delivered"),
        ({"opted_out": ago(10), "converted": ago(400)}, "opted_out"),
        # a channel clock slightly ahead still counts
        ({"opened": NOW + timedelta(minutes=5)}, "opened"),
    ],
)
def test_the_label_is_the_best_recent_response_or_a_latest_opt_out(
    latest: dict[str, datetime] | None, label: str | None
) -> None:
    assert RULE.label(latest, NOW) == label


def test_a_shorter_window_drops_older_responses() -> None:
    assert ResponseRule(window_days=30).label({"converted": ago(31)}, NOW) is None
    assert ResponseRule(window_days=30).label({"converted": ago(29)}, NOW) == "converted"


@pytest.mark.parametrize("days", [0, -1, 3661, 1.5, "180", True])
def test_a_malformed_window_is_refused(days: Any) -> None:
    with pytest.raises(ResponseRuleInvalid, match="window_days"):
        ResponseRule(window_days=days)


def test_the_shipped_window_is_180_days() -> None:
    assert load_masking_config(shipped_policy_dir()).responses == ResponseRule(180)


@pytest.mark.parametrize(
    "section",
    [{"window_days": 0}, {"window_days": "x"}, {"days": 30}, [180], "180"],
)
def test_a_malformed_section_is_refused_naming_it(section: Any) -> None:
    doc = load_yaml(shipped_policy_dir() / "masking.yaml")
    doc["campaign_responses"] = section
    with pytest.raises(MaskingConfigInvalid, match="campaign_responses"):
        parse_masking_config(doc)


def test_a_file_without_the_section_gets_the_default() -> None:
    doc = load_yaml(shipped_policy_dir() / "masking.yaml")
    del doc["campaign_responses"]
    assert parse_masking_config(doc).responses == ResponseRule()
