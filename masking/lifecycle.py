"""Activity, value and lifecycle facts for the masked view (issue 8), from configured rules.

Inputs are one customer's activity aggregates (counts, last login, amounts already decrypted by
the caller); outputs are coarse labels only: tenure in whole years, AUM trend, login recency band,
activity level, contribution band, lifecycle stage and a churn-risk flag. Rules are data
(`policies/masking.yaml`, sections `activity` and `lifecycle`): an ordered first-match list of
stages and an any-match list for churn risk, each rule a mapping of named conditions that must all
hold. Conditions are looked up in a fixed table below, never evaluated as text. Unknown input
never satisfies a threshold condition; a stage no rule gives is None.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any, NamedTuple

UNKNOWN = "unknown"
AUM_TRENDS = ("up", "flat", "down", UNKNOWN)
DORMANT = "dormant"
NO_ACTIVITY = "none"


class RulesInvalid(ValueError):
    """The activity or lifecycle configuration is malformed; the message names the key."""


class ActivityInputs(NamedTuple):
    """One customer's inputs; None where the profile has no value (a tuple: built per row)."""

    open_date: date | None = None
    aum: float | None = None  # amounts as floats: labels only, never stored or summed
    aum_90d_ago: float | None = None
    last_login: date | None = None
    logins_30d: int | None = None
    logins_90d: int | None = None
    txns_30d: int | None = None
    txns_90d: int | None = None
    txn_amount_90d: float | None = None
    value_tier: str | None = None  # the AUM tier, from the generaliser


@dataclass(slots=True)
class Facts:
    """What the conditions look at (the stored columns and a few unstored helpers)."""

    tenure_years: int | None
    value_rank: int | None
    aum_trend: str
    aum_change: float | None  # (aum - aum_90d_ago) / aum_90d_ago; None when not computable
    recency_band: str
    days_since_login: int | None
    activity_level: str | None
    activity_falling: bool | None
    contribution_band: str | None
    stage: str | None = None  # set once the lifecycle rules ran; churn rules may test it


class Derived(NamedTuple):
    """The masked view's activity, value and lifecycle columns of one customer."""

    tenure_years: int | None
    aum_trend: str
    recency_band: str
    activity_level: str | None
    contribution_band: str | None
    lifecycle_stage: str | None
    churn_risk: bool | None


Predicate = Callable[[Facts], bool]


@dataclass(frozen=True, slots=True)
class ActivitySettings:
    """Thresholds of the activity section (defaults equal the shipped masking.yaml)."""

    recency: tuple[tuple[str, int], ...] = (("7d", 7), ("30d", 30), ("90d", 90), ("180d", 180))
    aum_trend_threshold: float = 0.10
    levels: tuple[tuple[str, int], ...] = (("high", 20), ("medium", 5), ("low", 1))
    falling_below: float = 0.5
    falling_min_90d: int = 6
    contribution_aum_rate: float = 0.01
    contribution_txn_rate: float = 0.002
    contribution_bands: tuple[tuple[str, int], ...] = (
        ("low", 0),
        ("medium", 500),
        ("high", 5_000),
        ("top", 50_000),
    )


DEFAULT_STAGES: tuple[tuple[str, str], ...] = (
    ("acquisition", "获取"),
    ("growth", "成长"),
    ("maturity", "成熟"),
    ("decline", "衰退"),
    ("win_back", "挽留"),
)
DEFAULT_LIFECYCLE: tuple[dict[str, Any], ...] = (
    {"stage": "acquisition", "when": {"tenure_years_below": 1}},
    {"stage": "win_back", "when": {"recency_in": [DORMANT]}},
    {"stage": "win_back", "when": {"aum_change_below": -0.5}},
    {"stage": "decline", "when": {"aum_trend_in": ["down"]}},
    {"stage": "decline", "when": {"activity_falling": True}},
    {
        "stage": "maturity",
        "when": {
            "tenure_years_at_least": 3,
            "value_tier_at_least": "贵宾",
            "activity_in": ["high", "medium"],
        },
    },
    {"stage": "growth", "when": {"tenure_years_at_least": 1}},
)
DEFAULT_CHURN: tuple[dict[str, Any], ...] = (
    {"when": {"stage_in": ["decline"]}},
    {"when": {"days_since_login_at_least": 90, "aum_trend_in": ["down"]}},
)


def _labels(pairs: Sequence[tuple[str, int]], what: str, *, from_zero: bool) -> None:
    names = [name for name, _ in pairs]
    edges = [edge for _, edge in pairs]
    if not pairs or len(set(names)) != len(names):
        raise RulesInvalid(f"{what}: needs distinct names")
    if from_zero and edges[0] != 0:
        raise RulesInvalid(f"{what}: the first band starts at 0")
    if any(a >= b for a, b in pairwise(edges)) or edges[0] < 0:
        raise RulesInvalid(f"{what}: edges must rise strictly")


class LifecycleRules:
    """Computes `Derived` from `ActivityInputs` as of a day; pure and deterministic."""

    def __init__(
        self,
        *,
        settings: ActivitySettings | None = None,
        value_tiers: Sequence[str] = ("大众", "贵宾", "财富", "私行"),
        stages: Sequence[tuple[str, str]] = DEFAULT_STAGES,
        lifecycle: Sequence[Mapping[str, Any]] = DEFAULT_LIFECYCLE,
        churn: Sequence[Mapping[str, Any]] = DEFAULT_CHURN,
    ) -> None:
        s = self.settings = settings or ActivitySettings()
        _labels(s.recency, "recency bands", from_zero=False)
        levels = tuple(reversed(s.levels))  # rising
        _labels(levels, "activity levels", from_zero=False)
        if levels[0][1] < 1:
            raise RulesInvalid("activity levels: the lowest starts at 1 or more (0 is 'none')")
        _labels(s.contribution_bands, "contribution bands", from_zero=True)
        if s.aum_trend_threshold < 0 or not 0 < s.falling_below <= 1:
            raise RulesInvalid("aum_trend_threshold >= 0 and 0 < falling_below <= 1")
        self._recency_days = tuple(days for _, days in s.recency)
        self._recency_names = (*(name for name, _ in s.recency), DORMANT)
        self._level_floors = tuple(floor for _, floor in levels)
        self._level_names = (NO_ACTIVITY, *(name for name, _ in levels))
        self._contribution_floors = tuple(floor for _, floor in s.contribution_bands[1:])
        self._contribution_names = tuple(name for name, _ in s.contribution_bands)
        self._tiers = {name: rank for rank, name in enumerate(value_tiers)}
        self.stage_labels = dict(stages)
        vocabulary = _Vocabulary(
            recency=(*self._recency_names, UNKNOWN),
            levels=(*self._level_names, UNKNOWN),
            tiers=self._tiers,
            stages=tuple(self.stage_labels),
        )
        self._lifecycle = tuple(
            (
                _stage(rule, self.stage_labels, i),
                _all(vocabulary.compile(rule, f"lifecycle #{i}")),
            )
            for i, rule in enumerate(lifecycle, start=1)
        )
        self._churn = tuple(
            _all(vocabulary.compile(rule, f"churn_risk #{i}", stage_allowed=True))
            for i, rule in enumerate(churn, start=1)
        )

    @property
    def value_tiers(self) -> tuple[str, ...]:
        """The value tiers in rising order."""
        return tuple(self._tiers)

    def facts(self, inputs: ActivityInputs, today: date) -> Facts:
        """Computes the labels and helpers the rules look at."""
        s = self.settings
        tenure = _years(inputs.open_date, today)
        trend, change = self._trend(inputs.aum, inputs.aum_90d_ago)
        if inputs.last_login is None:
            days, recency = None, UNKNOWN
        else:
            days = max((today - inputs.last_login).days, 0)
            recency = self._recency_names[bisect_left(self._recency_days, days)]
        logins, logins_90d = inputs.logins_30d, inputs.logins_90d
        txns, txns_90d = inputs.txns_30d, inputs.txns_90d
        level = falling = None
        if logins is not None or txns is not None:
            short = (logins or 0) + (txns or 0)
            level = self._level_names[bisect_right(self._level_floors, short)]
        # falling: over the kinds known for both windows
        both_logins = logins is not None and logins_90d is not None
        both_txns = txns is not None and txns_90d is not None
        if both_logins or both_txns:
            recent = (logins if both_logins else 0) + (txns if both_txns else 0)  # type: ignore[operator]
            window = (logins_90d if both_logins else 0) + (txns_90d if both_txns else 0)  # type: ignore[operator]
            falling = window >= s.falling_min_90d and recent * 3 < window * s.falling_below
        contribution = self._contribution(inputs.aum, inputs.txn_amount_90d)
        rank = self._tiers.get(inputs.value_tier) if inputs.value_tier else None
        return Facts(tenure, rank, trend, change, recency, days, level, falling, contribution)

    def derive(self, inputs: ActivityInputs, today: date) -> Derived:
        """Returns the stored columns: labels, the first matching stage, the churn flag."""
        facts = self.facts(inputs, today)
        stage = churn = None
        for name, matches in self._lifecycle:  # plain loops: this runs for every row of a rebuild
            if matches(facts):
                stage = facts.stage = name
                churn = False
                for risky in self._churn:
                    if risky(facts):
                        churn = True
                        break
                break
        return Derived(
            facts.tenure_years,
            facts.aum_trend,
            facts.recency_band,
            facts.activity_level,
            facts.contribution_band,
            stage,
            churn,
        )

    def _trend(self, aum: float | None, before: float | None) -> tuple[str, float | None]:
        if aum is None or before is None or aum < 0 or before < 0:
            return UNKNOWN, None
        if before == 0:
            return ("up" if aum > 0 else "flat"), None
        change = (aum - before) / before
        limit = self.settings.aum_trend_threshold
        return ("up" if change > limit else "down" if change < -limit else "flat"), change

    def _contribution(self, aum: float | None, txn: float | None) -> str | None:
        if aum is None and txn is None:
            return None
        s = self.settings
        value = (aum or 0.0) * s.contribution_aum_rate
        value += (txn or 0.0) * 4 * s.contribution_txn_rate  # 90 days, annualised
        return self._contribution_names[bisect_right(self._contribution_floors, value)]


def _stage(rule: Mapping[str, Any], stages: Mapping[str, str], position: int) -> str:
    if not isinstance(rule, Mapping) or "stage" not in rule:
        raise RulesInvalid(f"lifecycle #{position}: needs a stage")
    stage = str(rule["stage"])
    if stage not in stages:
        raise RulesInvalid(f"lifecycle #{position}: unknown stage {stage!r}")
    return stage


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """The condition names a rule may use and how each becomes a predicate."""

    recency: tuple[str, ...]
    levels: tuple[str, ...]
    tiers: Mapping[str, int]
    stages: tuple[str, ...]

    def compile(
        self, rule: Any, where: str, *, stage_allowed: bool = False
    ) -> tuple[Predicate, ...]:
        if not isinstance(rule, Mapping) or not isinstance(rule.get("when", {}), Mapping):
            raise RulesInvalid(f"{where}: 'when' must be a mapping of conditions")
        return tuple(
            self._condition(str(name), value, where, stage_allowed)
            for name, value in rule.get("when", {}).items()
        )

    def _condition(  # one branch per condition name: the whole vocabulary in one place
        self, name: str, value: Any, where: str, stage_allowed: bool
    ) -> Predicate:
        try:
            if name == "tenure_years_below":
                n = int(value)
                return lambda f: f.tenure_years is not None and f.tenure_years < n
            if name == "tenure_years_at_least":
                n = int(value)
                return lambda f: f.tenure_years is not None and f.tenure_years >= n
            if name == "days_since_login_at_least":
                n = int(value)
                return lambda f: f.days_since_login is not None and f.days_since_login >= n
            if name == "aum_change_below":
                x = float(value)
                return lambda f: f.aum_change is not None and f.aum_change < x
            if name == "activity_falling":
                want = _bool(value)
                return lambda f: f.activity_falling is want
            if name == "value_tier_at_least":
                rank = self.tiers[str(value)]
                return lambda f: f.value_rank is not None and f.value_rank >= rank
            if name == "recency_in":
                bands = _members(value, self.recency)
                return lambda f: f.recency_band in bands
            if name == "aum_trend_in":
                trends = _members(value, AUM_TRENDS)
                return lambda f: f.aum_trend in trends
            if name == "activity_in":
                levels = _members(value, self.levels)
                return lambda f: (f.activity_level or UNKNOWN) in levels
            if name == "stage_in" and stage_allowed:
                stages = _members(value, self.stages)
                return lambda f: f.stage in stages
        except (KeyError, TypeError, ValueError) as exc:
            raise RulesInvalid(f"{where}: condition {name}: {exc}") from None
        raise RulesInvalid(f"{where}: unknown condition {name!r}")


def _members(value: Any, allowed: tuple[str, ...]) -> frozenset[str]:
    if not isinstance(value, list | tuple) or not value:
        raise ValueError("expects a non-empty list")
    found = frozenset(str(v) for v in value)
    if not found <= set(allowed):
        raise ValueError(f"not among {', '.join(allowed)}")
    return found


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expects true or false")
    return value


def _all(checks: tuple[Predicate, ...]) -> Predicate:
    """One predicate for a rule's conditions (unrolled for the usual one to three)."""
    if not checks:
        return lambda f: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda f: a(f) and b(f)
    if len(checks) == 3:
        a, b, c = checks
        return lambda f: a(f) and b(f) and c(f)
    return lambda f: all(check(f) for check in checks)


def _years(opened: date | None, today: date) -> int | None:
    if opened is None or opened > today:
        return None
    return today.year - opened.year - ((today.month, today.day) < (opened.month, opened.day))
