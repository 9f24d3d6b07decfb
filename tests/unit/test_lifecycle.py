"""Activity, value and lifecycle labels of the masked view: every label and rule at its edges."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from cdp.masked.config import MaskingConfigInvalid, load_masking_config, parse_masking_config
from cdp.resources import load_yaml, shipped_policy_dir
from masking.lifecycle import ActivityInputs, ActivitySettings, LifecycleRules, RulesInvalid

TODAY = date(2026, 11, 23)
SHIPPED = load_masking_config(shipped_policy_dir()).lifecycle
DEFAULT = LifecycleRules()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def years_ago(years: int, days: int = 0) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=days)


def inputs(**kw: Any) -> ActivityInputs:
    """An engaged 贵宾 customer of five years with flat AUM, changed by `kw`."""
    base: dict[str, Any] = {
        "open_date": years_ago(5),
        "aum": 100000.0,
        "aum_90d_ago": 100000.0,
        "last_login": ago(3),
        "logins_30d": 10,
        "logins_90d": 30,
        "txns_30d": 5,
        "txns_90d": 15,
        "txn_amount_90d": 20000.0,
        "value_tier": "贵宾",
    }
    return ActivityInputs(**(base | kw))


def test_when_shipped_config_is_loaded_then_it_equals_the_code_defaults() -> None:
    assert SHIPPED.settings == ActivitySettings()
    for case in (inputs(), inputs(open_date=ago(10)), inputs(last_login=ago(400))):
        assert SHIPPED.derive(case, TODAY) == DEFAULT.derive(case, TODAY)


@pytest.mark.parametrize(
    ("opened", "years"),
    [
        (years_ago(1), 1),  # the anniversary counts
        (years_ago(1) + timedelta(days=1), 0),
        (years_ago(3), 3),
        (TODAY, 0),
        (TODAY + timedelta(days=1), None),  # a future opening date is unknown, not negative
        (None, None),
    ],
)
def test_tenure_is_completed_years_since_opening(opened: date | None, years: int | None) -> None:
    assert DEFAULT.derive(inputs(open_date=opened), TODAY).tenure_years == years


@pytest.mark.parametrize(
    ("now", "before", "trend"),
    [
        ("110000.00", "100000.00", "flat"),  # +10 % exactly is still flat
        ("110000.01", "100000.00", "up"),
        ("90000.00", "100000.00", "flat"),  # -10 % exactly is still flat
        ("89999.99", "100000.00", "down"),
        ("5.00", "0.00", "up"),  # from nothing
        ("0.00", "0.00", "flat"),
        (None, "100.00", "unknown"),
        ("100.00", None, "unknown"),
    ],
)
def test_aum_trend_compares_aum_with_90_days_ago(
    now: str | None, before: str | None, trend: str
) -> None:
    case = inputs(aum=float(now) if now else None, aum_90d_ago=float(before) if before else None)
    assert DEFAULT.derive(case, TODAY).aum_trend == trend


@pytest.mark.parametrize(
    ("days", "band"),
    [
        (0, "7d"),
        (7, "7d"),
        (8, "30d"),
        (30, "30d"),
        (31, "90d"),
        (90, "90d"),
        (91, "180d"),
        (180, "180d"),
        (181, "dormant"),
        (-2, "7d"),  # a login dated after the refresh day counts as today
        (None, "unknown"),
    ],
)
def test_recency_band_of_days_since_last_login(days: int | None, band: str) -> None:
    login = ago(days) if days is not None else None
    assert DEFAULT.derive(inputs(last_login=login), TODAY).recency_band == band


@pytest.mark.parametrize(
    ("logins", "txns", "level"),
    [
        (0, 0, "none"),
        (1, 0, "low"),
        (0, 4, "low"),
        (2, 3, "medium"),  # 5 events
        (19, 0, "medium"),
        (10, 10, "high"),  # 20 events
        (None, 25, "high"),  # only the known kinds count
        (None, None, None),
    ],
)
def test_activity_level_of_events_in_30_days(
    logins: int | None, txns: int | None, level: str | None
) -> None:
    case = inputs(logins_30d=logins, txns_30d=txns, logins_90d=60, txns_90d=60)
    assert DEFAULT.derive(case, TODAY).activity_level == level


@pytest.mark.parametrize(
    ("aum", "txn", "band"),
    [
        ("0.00", "0.00", "low"),
        ("49999.99", None, "low"),  # 499.9999 yuan a year
        ("50000.00", None, "medium"),  # 500
        (None, "62500.00", "medium"),  # 62,500 x 4 x 0.2 % = 500
        ("499999.00", "0.00", "medium"),
        ("500000.00", "0.00", "high"),  # 5,000
        ("4000000.00", "1250000.00", "top"),  # 40,000 + 10,000
        ("4000000.00", "1249999.00", "high"),
        (None, None, None),
    ],
)
def test_contribution_band_from_aum_and_annualised_transactions(
    aum: str | None, txn: str | None, band: str | None
) -> None:
    case = inputs(aum=float(aum) if aum else None, txn_amount_90d=float(txn) if txn else None)
    assert DEFAULT.derive(case, TODAY).contribution_band == band


FALLING = {"logins_30d": 1, "logins_90d": 30, "txns_30d": 0, "txns_90d": 0}  # 1 x 3 < 30 x 0.5


@pytest.mark.parametrize(
    ("case", "stage", "churn"),
    [
        # acquisition: tenure below one year, whatever else holds
        (
            inputs(open_date=years_ago(1) + timedelta(days=1), last_login=ago(400)),
            "acquisition",
            False,
        ),
        (inputs(open_date=years_ago(1), last_login=ago(400)), "win_back", False),
        # win-back: dormant (> 180 days) or AUM more than halved
        (inputs(last_login=ago(181)), "win_back", False),
        (inputs(last_login=ago(180)), "maturity", False),
        (inputs(aum=49999.99, aum_90d_ago=100000.0), "win_back", False),
        (inputs(aum=50000.0, aum_90d_ago=100000.0), "decline", True),
        # decline: AUM trend down, or activity falling
        (inputs(aum=89999.99), "decline", True),
        (inputs(aum=90000.0), "maturity", False),
        (inputs(**FALLING), "decline", True),
        (inputs(**(FALLING | {"logins_30d": 4})), "decline", True),  # 4 x 3 < 30 x 0.5
        (inputs(**(FALLING | {"logins_30d": 5})), "maturity", False),  # 5 x 3 = 15: not below
        # maturity: tenure >= 3, tier >= 贵宾, activity high or medium
        (inputs(open_date=years_ago(3)), "maturity", False),
        (inputs(open_date=years_ago(3) + timedelta(days=1)), "growth", False),
        (inputs(value_tier="大众"), "growth", False),
        (inputs(value_tier="私行"), "maturity", False),
        (inputs(value_tier=None), "growth", False),
        (inputs(logins_30d=2, txns_30d=2, logins_90d=6, txns_90d=6), "growth", False),  # low
        # growth: tenure of a year or more otherwise; nothing known leaves the stage empty
        (inputs(open_date=years_ago(1)), "growth", False),
        (inputs(open_date=None), None, None),
        # churn risk outside decline: no login for 90+ days while AUM falls
        (inputs(open_date=ago(30), last_login=ago(90), aum=1.0), "acquisition", True),
        (inputs(open_date=ago(30), last_login=ago(89), aum=1.0), "acquisition", False),
        (inputs(last_login=ago(200), aum=80000.0), "win_back", True),
    ],
)
def test_lifecycle_rules_first_match_and_churn_risk(
    case: ActivityInputs, stage: str | None, churn: bool | None
) -> None:
    derived = SHIPPED.derive(case, TODAY)
    assert (derived.lifecycle_stage, derived.churn_risk) == (stage, churn)


def test_when_falling_is_judged_then_the_90_day_floor_and_ratio_apply() -> None:
    facts = DEFAULT.facts
    edge = {"logins_90d": 6, "txns_30d": None, "txns_90d": None}
    assert facts(inputs(**edge, logins_30d=0), TODAY).activity_falling is True
    assert facts(inputs(**edge, logins_30d=1), TODAY).activity_falling is False  # 3 == 3
    assert (
        facts(
            inputs(logins_30d=0, logins_90d=5, txns_30d=None, txns_90d=None), TODAY
        ).activity_falling
        is False
    )
    unknown = inputs(logins_30d=None, logins_90d=None, txns_30d=None, txns_90d=None)
    assert facts(unknown, TODAY).activity_falling is None


def _doc(**sections: Any) -> dict[str, Any]:
    doc = dict(load_yaml(shipped_policy_dir() / "masking.yaml"))
    return doc | sections


def test_when_rules_are_reordered_in_config_then_the_first_match_changes() -> None:
    rules = [
        {"stage": "decline", "when": {"aum_trend_in": ["down"]}},
        {"stage": "acquisition", "when": {"tenure_years_below": 1}},
    ]
    config = parse_masking_config(_doc(lifecycle={"rules": rules, "churn_risk": []}))
    case = inputs(open_date=ago(10), aum=1.0)
    assert config.lifecycle.derive(case, TODAY).lifecycle_stage == "decline"
    assert config.lifecycle.derive(case, TODAY).churn_risk is False


def test_when_the_sections_are_missing_then_the_defaults_apply() -> None:
    doc = _doc()
    del doc["activity"], doc["lifecycle"]
    config = parse_masking_config(doc)
    assert config.lifecycle.derive(inputs(), TODAY) == DEFAULT.derive(inputs(), TODAY)


def test_when_thresholds_change_in_config_then_labels_follow() -> None:
    activity = {"aum_trend_threshold": 0.5, "recency_bands": [{"name": "recent", "within": 2}]}
    config = parse_masking_config(_doc(activity=activity))
    derived = config.lifecycle.derive(inputs(aum=140000.0, last_login=ago(3)), TODAY)
    assert (derived.aum_trend, derived.recency_band) == ("flat", "dormant")


@pytest.mark.parametrize(
    ("lifecycle", "fragment"),
    [
        ({"rules": [{"stage": "nirvana", "when": {}}]}, "unknown stage"),
        ({"rules": [{"stage": "growth", "when": {"age_at_least": 3}}]}, "unknown condition"),
        ({"rules": [{"stage": "growth", "when": {"stage_in": ["growth"]}}]}, "unknown condition"),
        ({"rules": [{"stage": "growth", "when": {"recency_in": ["soon"]}}]}, "not among"),
        ({"rules": [{"stage": "growth", "when": {"value_tier_at_least": "钻石"}}]}, "钻石"),
        ({"rules": [{"stage": "growth", "when": {"activity_falling": "yes"}}]}, "true or false"),
        ({"rules": [{"stage": "growth", "when": "tenure > 3"}]}, "mapping"),
        ({"churn_risk": [{"when": {"tenure_years_below": "x"}}]}, "tenure_years_below"),
    ],
)
def test_when_a_rule_is_malformed_then_the_config_is_refused_naming_it(
    lifecycle: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(MaskingConfigInvalid, match=fragment):
        parse_masking_config(_doc(lifecycle=lifecycle))


def test_when_bands_do_not_rise_then_the_rules_refuse_to_build() -> None:
    with pytest.raises(RulesInvalid, match="rise"):
        LifecycleRules(settings=ActivitySettings(recency=(("a", 30), ("b", 7))))
    with pytest.raises(RulesInvalid, match="starts at 0"):
        LifecycleRules(settings=ActivitySettings(contribution_bands=(("a", 5),)))
