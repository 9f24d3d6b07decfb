"""Reads `policies/masking.yaml`: pseudonyms, view domain, bands, tiers, lifecycle, responses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdp.resources import load_yaml, shipped_policy_dir
from masking.generalise import Generaliser
from masking.lifecycle import (
    DEFAULT_CHURN,
    DEFAULT_LIFECYCLE,
    DEFAULT_STAGES,
    ActivitySettings,
    LifecycleRules,
    RulesInvalid,
)
from masking.responses import ResponseRule

FILE_NAME = "masking.yaml"


class MaskingConfigInvalid(ValueError):
    """`masking.yaml` is malformed; the message names the key, never a customer value."""


@dataclass(frozen=True, slots=True)
class MaskingConfig:
    """The masked view's configuration, validated."""

    domains: tuple[str, ...]
    view_domain: str
    generaliser: Generaliser
    lifecycle: LifecycleRules
    responses: ResponseRule


def load_masking_config(policy_dir: Path) -> MaskingConfig:
    """Loads the policy directory's masking.yaml, or the shipped one when it has none."""
    path = policy_dir / FILE_NAME
    return parse_masking_config(
        load_yaml(path if path.exists() else shipped_policy_dir() / FILE_NAME)
    )


def parse_masking_config(doc: Any) -> MaskingConfig:
    """Validates the parsed YAML document."""
    if not isinstance(doc, dict):
        raise MaskingConfigInvalid("masking.yaml must be a mapping")
    try:
        domains = tuple(str(name) for name in doc["pseudonym_domains"])
        view = str(doc["view_domain"])
        tiers = tuple((str(t["name"]), int(t["from"])) for t in doc["aum_tiers"])
        generaliser = Generaliser(
            age_edges=tuple(int(edge) for edge in doc["age_bands"]),
            aum_tiers=tiers,
            amount_edges=tuple(int(edge) for edge in doc["amount_bands"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise MaskingConfigInvalid(f"masking.yaml: {type(exc).__name__}: {exc}") from None
    if view not in domains or len(set(domains)) != len(domains):
        raise MaskingConfigInvalid("masking.yaml: view_domain must be one of distinct domains")
    try:
        rules = _lifecycle_rules(doc, tuple(name for name, _ in tiers))
        responses = _response_rule(doc.get("campaign_responses"))
    except (KeyError, TypeError, ValueError) as exc:  # RulesInvalid is a ValueError
        raise MaskingConfigInvalid(f"masking.yaml: {type(exc).__name__}: {exc}") from None
    return MaskingConfig(domains, view, generaliser, rules, responses)


def _response_rule(raw: Any) -> ResponseRule:
    """The `campaign_responses` section; missing, it takes the shipped default window."""
    if raw is None:
        return ResponseRule()
    if not isinstance(raw, dict) or set(raw) - {"window_days"}:
        raise RulesInvalid("campaign_responses: a mapping with window_days only")
    return ResponseRule(raw.get("window_days", ResponseRule().window_days))


def _lifecycle_rules(doc: dict[str, Any], tiers: tuple[str, ...]) -> LifecycleRules:
    """The `activity` and `lifecycle` sections; a missing key takes the shipped default."""
    activity, lifecycle = doc.get("activity") or {}, doc.get("lifecycle") or {}
    if not isinstance(activity, dict) or not isinstance(lifecycle, dict):
        raise RulesInvalid("activity and lifecycle must be mappings")
    d = ActivitySettings()
    falling = activity.get("activity_falling") or {}
    contribution = activity.get("contribution") or {}
    settings = ActivitySettings(
        recency=_pairs(activity.get("recency_bands"), "within", d.recency),
        aum_trend_threshold=float(activity.get("aum_trend_threshold", d.aum_trend_threshold)),
        levels=_pairs(activity.get("activity_levels"), "from", d.levels),
        falling_below=float(falling.get("below", d.falling_below)),
        falling_min_90d=int(falling.get("min_events_90d", d.falling_min_90d)),
        contribution_aum_rate=float(contribution.get("aum_rate", d.contribution_aum_rate)),
        contribution_txn_rate=float(contribution.get("txn_rate", d.contribution_txn_rate)),
        contribution_bands=_pairs(contribution.get("bands"), "from", d.contribution_bands),
    )
    stages = lifecycle.get("stages")
    return LifecycleRules(
        settings=settings,
        value_tiers=tiers,
        stages=tuple((str(k), str(v)) for k, v in stages.items()) if stages else DEFAULT_STAGES,
        lifecycle=_or(lifecycle.get("rules"), DEFAULT_LIFECYCLE),
        churn=_or(lifecycle.get("churn_risk"), DEFAULT_CHURN),
    )


def _or(raw: Any, default: tuple[dict[str, Any], ...]) -> Any:
    """The configured list (an empty one included), else the default."""
    if raw is None:
        return default
    if not isinstance(raw, list):
        raise RulesInvalid("lifecycle rules and churn_risk must be lists")
    return raw


def _pairs(raw: Any, key: str, default: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    if raw is None:
        return default
    return tuple((str(item["name"]), int(item[key])) for item in raw)
