"""The explicit rule-id -> operator registry and the one function surfaces call to mask a field."""

from __future__ import annotations

from typing import overload

from masking.operators.base import Operator


class MaskRegistry:
    """Holds one operator per rule id, registered by hand so the set of masks is reviewable."""

    def __init__(self) -> None:
        self._operators: dict[str, Operator] = {}

    def register(self, operator: Operator) -> None:
        """Adds an operator; a second one for the same rule would make surfaces disagree."""
        if operator.name in self._operators:
            raise ValueError(f"rule {operator.name} is already registered")
        self._operators[operator.name] = operator

    def get(self, rule_id: str) -> Operator:
        """Returns the operator of `rule_id`, raising KeyError for an unknown rule."""
        return self._operators[rule_id]

    def rule_ids(self) -> frozenset[str]:
        """Lists the registered rule ids."""
        return frozenset(self._operators)

    def mask(self, rule_id: str, value: str, variant: str | None = None) -> str:
        """Masks `value` by `rule_id`; an unknown variant gets the rule's strictest form."""
        operator = self.get(rule_id)
        if variant is not None and variant not in operator.variants:
            variant = operator.strictest
        return operator.mask(value, variant)


@overload
def mask_field(
    registry: MaskRegistry, rule_id: str, value: str, variant: str | None = ...
) -> str: ...


@overload
def mask_field(
    registry: MaskRegistry, rule_id: str, value: None, variant: str | None = ...
) -> None: ...


def mask_field(
    registry: MaskRegistry, rule_id: str, value: str | None, variant: str | None = None
) -> str | None:
    """Masks one field value for display; every surface calls this so a field masks one way."""
    if value is None:
        return None
    return registry.mask(rule_id, value, variant)
