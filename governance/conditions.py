"""Attribute conditions (the relationship manager's book) that only the application can check."""

from __future__ import annotations

from collections.abc import Mapping

from governance.decision import Condition, Principal

BRANCHES_ATTRIBUTE = "branches"
CUSTOMER_BRANCH_ATTRIBUTE = "open_branch"


def principal_branches(principal: Principal) -> frozenset[str]:
    """Reads the comma-separated `branches` attribute, ignoring blanks."""
    raw = principal.attributes.get(BRANCHES_ATTRIBUTE, "")
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def conditions_holding(principal: Principal, customer: Mapping[str, str]) -> frozenset[Condition]:
    """Names the conditions that hold for this principal and customer (fail closed on blanks)."""
    branch = customer.get(CUSTOMER_BRANCH_ATTRIBUTE, "").strip()
    if branch and branch in principal_branches(principal):
        return frozenset({Condition.BOOK})
    return frozenset()
