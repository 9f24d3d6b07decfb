"""The policy decision point: decide, explain and tabulate; reload swaps one reference."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from governance.catalogue import FieldCatalogue
from governance.compiled import CompiledPolicy
from governance.decision import Action, Decision, FieldDecision, Principal, Reason
from governance.loading import load_policy
from governance.registry import PurposeSpec, RoleSpec
from governance.rules import PolicyRule
from governance.sources import PolicyTexts, YamlLoader

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Explanation:
    """One role's decision on one field, with the policy lines behind it."""

    role: str
    purpose: str
    field: str
    action: str
    decision: FieldDecision
    rules: tuple[PolicyRule, ...]
    policy_version: str
    reason: Reason | None  # set when the whole request was refused


class PolicyEngine:
    """Decides per-field access from the shipped Casbin policy, fast and fail-closed."""

    def __init__(
        self, catalogue: FieldCatalogue, texts: PolicyTexts, *, load_yaml: YamlLoader
    ) -> None:
        self._catalogue = catalogue
        self._load_yaml = load_yaml
        self._policy = CompiledPolicy(load_policy(texts, catalogue, load_yaml=load_yaml))

    @property
    def version(self) -> str:
        """The SHA-256 of the policy files currently in force."""
        return self._policy.version

    @property
    def roles(self) -> tuple[RoleSpec, ...]:
        """The documented roles (the README's role table is checked against these)."""
        return self._policy.loaded.roles

    @property
    def purposes(self) -> tuple[PurposeSpec, ...]:
        """The purpose codes the policy may name."""
        return self._policy.loaded.purposes

    def reload(self, texts: PolicyTexts) -> str:
        """Checks and compiles new policy files, then swaps them in at once; returns the version.

        Raises PolicyInvalid and keeps the current policy when the new files have problems.
        """
        return self.install(self.compile(texts))

    def compile(self, texts: PolicyTexts) -> CompiledPolicy:
        """Checks and compiles policy files without serving them (raises PolicyInvalid)."""
        return CompiledPolicy(load_policy(texts, self._catalogue, load_yaml=self._load_yaml))

    def install(self, fresh: CompiledPolicy) -> str:
        """Serves a compiled policy from now on; returns its version."""
        self._policy = fresh  # one reference assignment: readers see the old or the new, whole
        return fresh.version

    def decide(
        self,
        principal: Principal,
        purpose: str,
        fields: Iterable[str] | None = None,
        action: str = Action.READ,
    ) -> Decision:
        """Decides each field (the whole catalogue when None); never raises, fails closed."""
        policy = self._policy
        try:
            return policy.decide(principal, purpose, fields, action)
        except Exception as exc:  # fail closed: any evaluation error denies everything
            _log.warning("policy decision failed, denying: %s", type(exc).__name__)
            names = policy.field_names if fields is None else _names(fields)
            principal_id = _text(getattr(principal, "id", ""))
            return policy.refuse(
                principal_id, _text(purpose), _text(action), names, Reason.POLICY_ERROR
            )

    def explain(
        self, role: str, purpose: str, field: str, action: str = Action.READ
    ) -> Explanation:
        """Decides one field for one role and names the policy lines that made the decision."""
        decision = self.decide(_as_principal(role), purpose, [field], action)
        found = decision.fields[field]
        by_id = {rule.rule_id: rule for rule in self._policy.loaded.parsed.rules}
        chain = [d.rule for d in _chain(found) if d.rule is not None]
        rules = tuple(by_id[rule_id] for rule_id in chain if rule_id in by_id)
        return Explanation(
            role,
            purpose,
            field,
            str(action),
            found,
            rules,
            decision.policy_version,
            decision.reason,
        )

    def matrix(
        self, purpose: str, action: str = Action.READ
    ) -> Mapping[str, Mapping[str, FieldDecision]]:
        """Tabulates role x object decisions for one purpose and action (for reviews and docs)."""
        policy = self._policy
        names = policy.object_names
        return {
            role.name: policy.decide(_as_principal(role.name), purpose, names, action).fields
            for role in policy.loaded.roles
        }

    def casbin_allows(self, role: str, obj: str, action: str, purpose: str) -> bool:
        """Asks plain pycasbin once (no cache, no class rules): for comparisons and benchmarks."""
        return self._policy.loaded.casbin.enforce(role, obj, action, purpose)


def _as_principal(role: str) -> Principal:
    return Principal(role, frozenset({role}))


def _chain(decision: FieldDecision) -> Iterable[FieldDecision]:
    current: FieldDecision | None = decision
    while current is not None:
        yield current
        current = current.otherwise


def _text(value: object) -> str:
    return value if isinstance(value, str) else "<invalid>"


def _names(fields: Iterable[object]) -> tuple[str, ...]:
    try:
        return tuple(name if isinstance(name, str) else "<invalid>" for name in fields)
    except Exception:  # a field list that cannot be iterated yields an empty, denied decision
        return ()
