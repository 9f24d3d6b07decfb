"""Loads the four policy files into one checked, ready-to-enforce policy, or refuses them all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from governance.casbin_policy import CasbinPolicy, check_model, smoke_test
from governance.catalogue import FieldCatalogue
from governance.check import check_rules
from governance.decision import Action
from governance.objects import OPERATIONAL_PURPOSE, PolicyObject, policy_objects
from governance.registry import PurposeSpec, RoleSpec, codes, parse_purposes, parse_roles
from governance.rules import ALLOW, ANY, USER_PREFIX, ParsedPolicy, parse_policy_csv
from governance.sources import MODEL_FILE, PolicyInvalid, PolicyProblem, PolicyTexts, YamlLoader


@dataclass(frozen=True)
class LoadedPolicy:
    """Everything a decision needs, built completely before anyone may see it."""

    version: str
    model_text: str
    casbin: CasbinPolicy
    objects: tuple[PolicyObject, ...]
    roles: tuple[RoleSpec, ...]
    purposes: tuple[PurposeSpec, ...]
    parsed: ParsedPolicy
    user_roles: Mapping[str, frozenset[str]]  # principal id -> roles assigned by `g, user:<id>`
    open_purposes: Mapping[str, frozenset[str]]  # role -> purposes it holds any grant for

    def scoped(self, role: str, purpose: str, action: str) -> CasbinPolicy:
        """Returns an enforcer over only the lines that can match this role, purpose and action.

        Sound because model.conf must keep the shipped matcher, which tests subject (through g),
        action and purpose for equality or `*`: the lines left out can never match.
        """
        subjects = {role, ANY, *self.casbin.roles_of(role)}
        rules = tuple(
            rule
            for rule in self.parsed.rules
            if rule.sub in subjects and rule.act in (action, ANY) and rule.purpose in (purpose, ANY)
        )
        return CasbinPolicy(self.model_text, ParsedPolicy(rules, self.parsed.links))


def check_policy(
    texts: PolicyTexts, catalogue: FieldCatalogue, *, load_yaml: YamlLoader
) -> list[PolicyProblem]:
    """Returns every problem in the policy files (empty when they may be loaded)."""
    try:
        load_policy(texts, catalogue, load_yaml=load_yaml)
    except PolicyInvalid as invalid:
        return list(invalid.problems)
    return []


def load_policy(
    texts: PolicyTexts, catalogue: FieldCatalogue, *, load_yaml: YamlLoader
) -> LoadedPolicy:
    """Checks and loads the policy files; raises PolicyInvalid listing every problem."""
    problems = check_model(texts.model_conf)
    purposes, found = parse_purposes(texts.purposes_yaml, load_yaml)
    problems += found
    roles, found = parse_roles(texts.roles_yaml, load_yaml, codes(purposes))
    problems += found
    parsed, found = parse_policy_csv(texts.policy_csv)
    problems += found
    objects = policy_objects(catalogue)
    masks = {spec.name: spec.mask for spec in catalogue}
    problems += check_rules(parsed, objects, masks, codes(purposes), roles)
    if problems:
        raise PolicyInvalid(problems)
    casbin = _enforcer(texts.model_conf, parsed)
    sample = (roles[0].name, objects[0].path, Action.READ.value, purposes[0].code)
    problems += smoke_test(casbin, sample)
    if problems:
        raise PolicyInvalid(problems)
    return LoadedPolicy(
        version=texts.version,
        model_text=texts.model_conf,
        casbin=casbin,
        objects=objects,
        roles=roles,
        purposes=purposes,
        parsed=parsed,
        user_roles=_user_roles(parsed),
        open_purposes=_open_purposes(casbin, parsed, roles),
    )


def _enforcer(model_text: str, parsed: ParsedPolicy) -> CasbinPolicy:
    try:
        return CasbinPolicy(model_text, parsed)
    except Exception as exc:  # Casbin reports model/policy mismatches as bare errors
        message = f"Casbin refused the model with these lines: {type(exc).__name__}"
        raise PolicyInvalid([PolicyProblem(MODEL_FILE, 1, message)]) from None


def _user_roles(parsed: ParsedPolicy) -> dict[str, frozenset[str]]:
    assigned: dict[str, set[str]] = {}
    for link in parsed.links:
        if link.child.startswith(USER_PREFIX):
            assigned.setdefault(link.child.removeprefix(USER_PREFIX), set()).add(link.parent)
    return {user: frozenset(roles) for user, roles in assigned.items()}


def _open_purposes(
    casbin: CasbinPolicy, parsed: ParsedPolicy, roles: tuple[RoleSpec, ...]
) -> dict[str, frozenset[str]]:
    granted: dict[str, set[str]] = {}
    for rule in parsed.rules:
        if rule.eft == ALLOW:
            purpose = OPERATIONAL_PURPOSE if rule.purpose == "*" else rule.purpose
            granted.setdefault(rule.sub, set()).add(purpose)
    return {
        role.name: frozenset().union(
            *(granted.get(name, set()) for name in {role.name, *casbin.roles_of(role.name)})
        )
        for role in roles
    }
