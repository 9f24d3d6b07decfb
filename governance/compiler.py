"""Compiles Casbin verdicts into per-field decisions for one role set, purpose and action."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from governance.casbin_policy import NO_RULE, CasbinPolicy, Verdict, preference
from governance.catalogue import FieldClass
from governance.decision import Access, Action, Condition, FieldDecision, MaskVariant, Reason
from governance.objects import PolicyObject
from governance.rules import ALLOW, DENY

# How much each variant reveals, so several roles combine to the most permissive view.
_REVEALS = {MaskVariant.LAST4: 0, None: 1, MaskVariant.VERIFY: 2, MaskVariant.BAND: 2}


def role_verdicts(
    casbin: CasbinPolicy, objects: Sequence[PolicyObject], role: str, purpose: str, act: str
) -> dict[str, Verdict]:
    """Asks Casbin about every object for one role: by path and by class, deny winning."""
    by_class: dict[str, Verdict] = {}
    verdicts: dict[str, Verdict] = {}
    for obj in objects:
        found = casbin.verdict(role, obj.path, act, purpose)
        class_object = obj.class_object
        if class_object is not None:
            if class_object not in by_class:
                by_class[class_object] = casbin.verdict(role, class_object, act, purpose)
            found = union(found, by_class[class_object])
        verdicts[obj.name] = found
    return verdicts


def union(first: Verdict, second: Verdict) -> Verdict:
    """Combines verdicts over two sets of matching lines: deny overrides, else the best allow."""
    for verdict in (first, second):
        if verdict.effect == DENY:
            return verdict
    allows = [(preference(v.rule), v) for v in (first, second) if v.effect == ALLOW and v.rule]
    return max(allows, key=lambda pair: pair[0])[1] if allows else NO_RULE


def across_roles(verdicts: Iterable[Verdict]) -> Verdict:
    """Combines one object's verdicts from several roles: any deny wins, else the widest allow."""
    listed = list(verdicts)
    for verdict in listed:
        if verdict.effect == DENY:
            return verdict
    allows = [v for v in listed if v.effect == ALLOW and v.rule is not None]
    return max(allows, key=_breadth, default=NO_RULE)


def _breadth(verdict: Verdict) -> tuple[int, int]:
    if verdict.rule is None:
        return (0, 0)
    unconditional = 0 if verdict.rule.variant == Condition.BOOK else 1
    return (unconditional, _REVEALS.get(_mask_variant(verdict), 1))


def _mask_variant(verdict: Verdict) -> MaskVariant | None:
    variant = verdict.rule.variant if verdict.rule else ""
    return MaskVariant(variant) if variant in frozenset(MaskVariant) else None


def decide_field(
    obj: PolicyObject, action: Action, verdicts: Mapping[Action, Verdict]
) -> FieldDecision:
    """Turns the combined verdicts for one object into CLEAR, MASKED or DENIED."""
    if obj.field_class is FieldClass.C3:
        return FieldDecision(obj.name, Access.DENIED, reason=Reason.C3)
    if action is Action.READ:
        masked = _grant(obj.name, Access.MASKED, verdicts[Action.READ_MASKED], None)
        return _grant(obj.name, Access.CLEAR, verdicts[Action.READ], masked)
    granted = Access.MASKED if action is Action.READ_MASKED else Access.CLEAR
    return _grant(obj.name, granted, verdicts[action], None)


def _grant(
    name: str, access: Access, verdict: Verdict, fallback: FieldDecision | None
) -> FieldDecision:
    rule = verdict.rule
    if verdict.effect != ALLOW or rule is None:
        if fallback is not None and (fallback.access is not Access.DENIED or rule is None):
            return fallback
        reason = Reason.DENY_RULE if verdict.effect == DENY else Reason.NO_RULE
        return FieldDecision(name, Access.DENIED, rule.rule_id if rule else None, reason=reason)
    variant = _mask_variant(verdict) if access is Access.MASKED else None
    if rule.variant != Condition.BOOK:
        return FieldDecision(name, access, rule.rule_id, variant)
    otherwise = fallback if fallback is not None and fallback.access is not Access.DENIED else None
    return FieldDecision(name, access, rule.rule_id, variant, Condition.BOOK, otherwise)
