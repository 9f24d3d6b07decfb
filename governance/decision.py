"""Decision values the policy decision point hands out: plain frozen data, no engine inside."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Access(StrEnum):
    """What the caller gets for one field."""

    CLEAR = "clear"
    MASKED = "masked"
    DENIED = "denied"


class Action(StrEnum):
    """Actions a policy line may grant; `read` means clear, `read_masked` the display mask."""

    READ = "read"
    READ_MASKED = "read_masked"
    WRITE = "write"
    SEARCH = "search"
    EXPORT = "export"
    SEGMENT = "segment"


class MaskVariant(StrEnum):
    """Display-mask variants a policy line may name for a role (DOMAIN.md §4.2)."""

    VERIFY = "verify"  # M-ID first 6 + last 4, for identity verification
    BAND = "band"  # M-AMT as a band (100万–300万) instead of ***
    LAST4 = "last4"  # M-PAN last 4 only, for analytics and marketing


class Condition(StrEnum):
    """Conditions the application must check on the customer before a grant applies."""

    BOOK = "book"  # the customer's open_branch is among the principal's branches


class Reason(StrEnum):
    """Why a field or a whole decision was denied; stable strings for audit and API errors."""

    NO_RULE = "no_matching_rule"
    DENY_RULE = "denied_by_rule"
    C3 = "c3_refused"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_PURPOSE = "unknown_purpose"
    UNKNOWN_ACTION = "unknown_action"
    PURPOSE_NOT_PERMITTED = "purpose_not_permitted"
    CONDITION_FAILED = "condition_failed"
    POLICY_ERROR = "policy_error"


_NO_ATTRIBUTES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Principal:
    """Who asks: an id, role names, and attributes such as `branches` (comma-separated)."""

    id: str
    roles: frozenset[str]
    attributes: Mapping[str, str] = field(default_factory=lambda: _NO_ATTRIBUTES)


@dataclass(frozen=True, slots=True)
class FieldDecision:
    """The outcome for one field, with the policy line that decided it (`policy.csv:17`).

    When `condition` is set the access holds only if the condition holds for the customer;
    otherwise `otherwise` applies (DENIED when absent). `variant` names the mask variant when
    the access is MASKED.
    """

    field: str
    access: Access
    rule: str | None = None
    variant: MaskVariant | None = None
    condition: Condition | None = None
    otherwise: FieldDecision | None = None
    reason: Reason | None = None

    def settle(self, holds: frozenset[Condition]) -> FieldDecision:
        """Returns the unconditional decision once the holding conditions are known."""
        if self.condition is None or self.condition in holds:
            return self
        if self.otherwise is not None:
            return self.otherwise.settle(holds)
        return FieldDecision(self.field, Access.DENIED, self.rule, reason=Reason.CONDITION_FAILED)


@dataclass(frozen=True, slots=True)
class Decision:
    """Per-field outcomes for one principal, purpose and action, under one policy version."""

    principal_id: str
    purpose: str
    action: str
    fields: Mapping[str, FieldDecision]
    policy_version: str
    denied: bool = False
    reason: Reason | None = None

    def fields_with(self, access: Access) -> tuple[str, ...]:
        """Names the fields that came back with `access` (what the audit record lists)."""
        return tuple(name for name, d in self.fields.items() if d.access is access)

    def settle(self, holds: frozenset[Condition]) -> Decision:
        """Returns this decision with every field's condition resolved."""
        settled = {name: d.settle(holds) for name, d in self.fields.items()}
        return Decision(
            self.principal_id,
            self.purpose,
            self.action,
            settled,
            self.policy_version,
            self.denied,
            self.reason,
        )
