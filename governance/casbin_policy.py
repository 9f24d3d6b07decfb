"""The one place that talks to pycasbin: model checks, an in-memory adapter, typed verdicts."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import casbin  # type: ignore[import-untyped]
from casbin.model import Model  # type: ignore[import-untyped]
from casbin.persist import Adapter, load_policy_line  # type: ignore[import-untyped]

from governance.decision import Condition
from governance.objects import specificity
from governance.rules import ALLOW, DENY, ParsedPolicy, PolicyRule
from governance.sources import MODEL_FILE, PolicyProblem

REQUEST_TOKENS = ["r_sub", "r_obj", "r_act", "r_purpose"]
POLICY_TOKENS = ["p_sub", "p_obj", "p_act", "p_purpose", "p_eft", "p_variant"]
DENY_OVERRIDES = "some(where (p_eft == allow)) && !some(where (p_eft == deny))"
MATCHER = (
    '(g(r_sub, p_sub) || p_sub == "*") && keyMatch(r_obj, p_obj)'
    ' && (r_act == p_act || p_act == "*") && (r_purpose == p_purpose || p_purpose == "*")'
)
_SECTIONS = {"r": "request_definition", "p": "policy_definition", "g": "role_definition"}
_SECTIONS |= {"e": "policy_effect", "m": "matchers"}

Effect = Literal["allow", "deny", "none"]

# pycasbin parses the matcher with ast.parse on every enforce; CPython before 3.11.8 can raise a
# spurious SystemError when threads run ast.parse at once (gh-106905). Enforcing only happens
# while compiling (never on a warm decide), so one process-wide lock costs nothing that matters.
_ENFORCE_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Verdict:
    """What Casbin said for one request: the effect and the line that decided it."""

    effect: Effect
    rule: PolicyRule | None = None


NO_RULE = Verdict("none")


def preference(rule: PolicyRule) -> tuple[int, int, tuple[int, int], int]:
    """Ranks lines so that Casbin's explain names the line that should decide."""
    # Casbin stops at the first matching deny and reports the last matching allow, so lines are
    # fed denies first, then allows from conditional to unconditional, general to specific.
    unconditional = 0 if rule.variant == Condition.BOOK else 1
    return (rule.eft == ALLOW, unconditional, specificity(rule.obj), rule.line)


class _RulesAdapter(Adapter):  # type: ignore[misc]
    """Feeds already-checked lines to Casbin, in preference order, with no file or database."""

    def __init__(self, policy: ParsedPolicy) -> None:
        self._lines = [", ".join(("p", *r.tokens)) for r in sorted(policy.rules, key=preference)]
        self._lines += [f"g, {link.child}, {link.parent}" for link in policy.links]

    def load_policy(self, model: Any) -> None:
        for line in self._lines:
            load_policy_line(line, model)


def check_model(text: str) -> list[PolicyProblem]:
    """Checks that model.conf parses and keeps the request, policy, effect and matcher we rely on.

    The matcher is fixed because compilation indexes lines by its equality tests (see
    LoadedPolicy.scoped); the file exists so that Casbin tooling can read the policy too.
    """
    try:
        model = Model()
        model.load_model_from_text(text)
    except Exception as exc:  # Casbin raises bare RuntimeErrors with the line in the text
        match = re.search(r"line (\d+)", str(exc))
        return [PolicyProblem(MODEL_FILE, int(match[1]) if match else 1, "cannot be parsed")]
    problems = [
        PolicyProblem(MODEL_FILE, 1, f"missing [{name}] {key}")
        for key, name in _SECTIONS.items()
        if key not in model.model or key not in model.model[key]
    ]
    if problems:
        return problems
    expected = (
        ("r", REQUEST_TOKENS, model.model["r"]["r"].tokens, "r = sub, obj, act, purpose"),
        ("p", POLICY_TOKENS, model.model["p"]["p"].tokens, "p = ..., eft, variant"),
        ("e", DENY_OVERRIDES, model.model["e"]["e"].value, "deny-overrides effect"),
        ("m", _squeeze(MATCHER), _squeeze(model.model["m"]["m"].value), "the shipped matcher"),
    )
    return [
        PolicyProblem(MODEL_FILE, _key_line(text, key), f"{key} must be {want}")
        for key, wanted, got, want in expected
        if got != wanted
    ]


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _key_line(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{key}\s*=", line):
            return number
    return 1


class CasbinPolicy:
    """A loaded Casbin enforcer over checked lines; answers one request at a time."""

    def __init__(self, model_text: str, policy: ParsedPolicy) -> None:
        model = Model()
        model.load_model_from_text(model_text)
        self._enforcer = casbin.Enforcer(model, _RulesAdapter(policy))
        self._by_tokens = {rule.tokens: rule for rule in policy.rules}

    def verdict(self, sub: str, obj: str, act: str, purpose: str) -> Verdict:
        """Enforces one request and names the deciding line (raises on a broken matcher)."""
        with _ENFORCE_LOCK:
            allowed, explain = self._enforcer.enforce_ex(sub, obj, act, purpose)
        rule = self._by_tokens.get(tuple(explain)) if explain else None
        if allowed:
            return Verdict(ALLOW, rule)
        if rule is not None and rule.eft == DENY:
            return Verdict(DENY, rule)
        return NO_RULE

    def enforce(self, sub: str, obj: str, act: str, purpose: str) -> bool:
        """Plain Casbin enforce, for comparisons and benchmarks."""
        with _ENFORCE_LOCK:
            return bool(self._enforcer.enforce(sub, obj, act, purpose))

    def roles_of(self, member: str) -> frozenset[str]:
        """Returns every role `member` inherits through `g`, as Casbin's role manager sees it."""
        return frozenset(str(r) for r in self._enforcer.get_implicit_roles_for_user(member))


def smoke_test(policy: CasbinPolicy, sample: Sequence[str]) -> list[PolicyProblem]:
    """Evaluates the matcher once, so a broken matcher fails the load, not the first read."""
    try:
        policy.verdict(*sample)
    except Exception as exc:  # any evaluation error means the model is unusable
        return [PolicyProblem(MODEL_FILE, 1, f"matcher cannot be evaluated: {type(exc).__name__}")]
    return []
