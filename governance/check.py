"""Semantic checks on policy.csv: names that exist, lines that agree, grants that are documented."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from governance.decision import Action, Condition, MaskVariant
from governance.objects import CLASS_PREFIX, PolicyObject, is_customer_data, matches
from governance.registry import RoleSpec
from governance.roles_graph import ancestors, cycle_members
from governance.rules import ALLOW, ANY, DENY, USER_PREFIX, ParsedPolicy, PolicyRule
from governance.sources import POLICY_FILE, ROLES_FILE, PolicyProblem

MASK_OF_VARIANT = {
    MaskVariant.VERIFY: "M-ID",
    MaskVariant.BAND: "M-AMT",
    MaskVariant.LAST4: "M-PAN",
}
_ACTIONS = frozenset(Action)
_CLASSES = frozenset({f"{CLASS_PREFIX}C1", f"{CLASS_PREFIX}C2", f"{CLASS_PREFIX}C3"})


def check_rules(
    policy: ParsedPolicy,
    objects: Sequence[PolicyObject],
    masks: Mapping[str, str],
    purposes: frozenset[str],
    roles: Sequence[RoleSpec],
) -> list[PolicyProblem]:
    """Returns every semantic problem of the parsed policy, each at its policy.csv line."""
    role_names = frozenset(r.name for r in roles)
    patterns = {rule.obj for rule in policy.rules}
    known = frozenset(p for p in patterns if any(matches(p, obj) for obj in objects))
    found: list[PolicyProblem] = []
    for rule in policy.rules:
        message = _rule_problem(rule, known, masks, purposes, role_names)
        if message:
            found.append(PolicyProblem(POLICY_FILE, rule.line, message))
    found += _link_problems(policy, role_names)
    found += _agreement_problems(policy)
    found += _documentation_problems(policy, roles, purposes)
    return found


def _rule_problem(
    rule: PolicyRule,
    known: frozenset[str],
    masks: Mapping[str, str],
    purposes: frozenset[str],
    roles: frozenset[str],
) -> str | None:
    deny_only = "may only be used on deny lines"
    if rule.eft not in (ALLOW, DENY):
        return f"effect {rule.eft!r} is neither allow nor deny"
    if rule.sub == ANY:
        if rule.eft == ALLOW:
            return f"subject * {deny_only}"
    elif rule.sub not in roles:
        return f"unknown role {rule.sub!r} (not in {ROLES_FILE})"
    if rule.act == ANY:
        if rule.eft == ALLOW:
            return f"action * {deny_only}"
    elif rule.act not in _ACTIONS:
        return f"unknown action {rule.act!r} (expected one of {', '.join(Action)})"
    if rule.purpose != ANY and rule.purpose not in purposes:
        return f"unknown purpose {rule.purpose!r}"
    if rule.purpose == ANY and rule.eft == ALLOW and is_customer_data(rule.obj):
        return "an allow on customer data must name a purpose, not *"
    return _object_problem(rule, known) or _variant_problem(rule, masks)


def _object_problem(rule: PolicyRule, known: frozenset[str]) -> str | None:
    if rule.obj == ANY:
        return None if rule.eft == DENY else "object * may only be used on deny lines"
    if rule.obj.startswith(CLASS_PREFIX):
        if rule.obj not in _CLASSES:
            return f"unknown field class {rule.obj!r} (expected class:C1, class:C2 or class:C3)"
        if rule.obj.endswith("C3") and rule.eft == ALLOW:
            return "C3 data may never be allowed"
        return None
    if "*" in rule.obj[:-1]:
        return f"object {rule.obj!r}: a wildcard may only end the path"
    if rule.obj not in known:
        return f"unknown field or resource {rule.obj!r}"
    return None


def _variant_problem(rule: PolicyRule, masks: Mapping[str, str]) -> str | None:
    if not rule.variant:
        return None
    if rule.eft == DENY:
        return "a deny line takes no variant"
    if rule.variant == Condition.BOOK:
        return None if is_customer_data(rule.obj) else "the book condition applies to customer data"
    if rule.variant not in frozenset(MaskVariant):
        known = ", ".join([*MaskVariant, *Condition])
        return f"unknown variant {rule.variant!r} (expected one of {known}, or empty)"
    if rule.act != Action.READ_MASKED:
        return f"mask variant {rule.variant!r} only applies to read_masked"
    field = rule.obj.removeprefix("profile.")
    expected = MASK_OF_VARIANT[MaskVariant(rule.variant)]
    if masks.get(field) != expected or "*" in rule.obj:
        return f"mask variant {rule.variant!r} needs one field whose mask is {expected}"
    return None


def _link_problems(policy: ParsedPolicy, roles: frozenset[str]) -> list[PolicyProblem]:
    found: list[PolicyProblem] = []
    seen: dict[tuple[str, str], int] = {}
    for link in policy.links:
        message = None
        if link.parent not in roles:
            message = f"unknown role {link.parent!r} (not in {ROLES_FILE})"
        elif link.child not in roles and not link.child.startswith(USER_PREFIX):
            message = f"{link.child!r} is neither a known role nor a user:<id> assignment"
        elif link.child == link.parent:
            message = f"role {link.child} inherits itself"
        elif (link.child, link.parent) in seen:
            message = f"duplicate of line {seen[(link.child, link.parent)]}"
        if message:
            found.append(PolicyProblem(POLICY_FILE, link.line, message))
        seen.setdefault((link.child, link.parent), link.line)
    cyclic = cycle_members(policy.links)
    for link in policy.links:
        if link.child in cyclic and link.parent in cyclic:
            message = f"role inheritance cycle through {link.child}"
            found.append(PolicyProblem(POLICY_FILE, link.line, message))
    return found


def _agreement_problems(policy: ParsedPolicy) -> list[PolicyProblem]:
    found: list[PolicyProblem] = []
    first: dict[tuple[str, str, str, str], PolicyRule] = {}
    for rule in policy.rules:
        earlier = first.setdefault(rule.key, rule)
        if earlier is rule:
            continue
        if earlier.tokens == rule.tokens:
            message = f"duplicate of line {earlier.line}"
        elif earlier.eft != rule.eft:
            message = f"contradicts line {earlier.line} ({earlier.eft} vs {rule.eft})"
        else:
            variants = f"{earlier.variant!r} vs {rule.variant!r}"
            message = f"contradicts line {earlier.line} (variant {variants})"
        found.append(PolicyProblem(POLICY_FILE, rule.line, message))
    return found + _inherited_variant_problems(policy)


def _inherited_variant_problems(policy: ParsedPolicy) -> list[PolicyProblem]:
    found: list[PolicyProblem] = []
    targets: dict[tuple[str, str, str], list[PolicyRule]] = {}
    for rule in policy.rules:
        if rule.eft == ALLOW:
            targets.setdefault((rule.obj, rule.act, rule.purpose), []).append(rule)
    inherited = {link.child: ancestors(link.child, policy.links) for link in policy.links}
    for rules in (group for group in targets.values() if len(group) > 1):
        for i, later in enumerate(rules):
            for earlier in rules[:i]:
                related = earlier.sub in inherited.get(later.sub, ()) or later.sub in inherited.get(
                    earlier.sub, ()
                )
                if related and earlier.variant != later.variant:
                    message = (
                        f"variant {later.variant!r} is ambiguous with inherited line "
                        f"{earlier.line} ({earlier.variant!r})"
                    )
                    found.append(PolicyProblem(POLICY_FILE, later.line, message))
    return found


def _documentation_problems(
    policy: ParsedPolicy, roles: Sequence[RoleSpec], purposes: frozenset[str]
) -> list[PolicyProblem]:
    found: list[PolicyProblem] = []
    documented = {r.name: frozenset(r.purposes) for r in roles}
    granted: dict[str, set[str]] = {}
    for rule in policy.rules:
        if rule.eft != ALLOW or rule.purpose not in purposes or rule.sub not in documented:
            continue
        granted.setdefault(rule.sub, set()).add(rule.purpose)
        if rule.purpose not in documented[rule.sub]:
            message = f"{rule.sub} is granted {rule.purpose} but {ROLES_FILE} does not list it"
            found.append(PolicyProblem(POLICY_FILE, rule.line, message))
    for role in roles:
        effective = set().union(
            *(granted.get(name, set()) for name in {role.name, *ancestors(role.name, policy.links)})
        )
        for purpose in sorted(set(role.purposes) - effective):
            message = f"{role.name} lists {purpose} but no policy line grants it"
            found.append(PolicyProblem(ROLES_FILE, role.line, message))
    return found
