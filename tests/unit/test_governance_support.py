"""Helpers the governance tests share: shipped policy texts, engines, edited texts (no tests)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from governance.catalogue import FieldCatalogue, parse_catalogue
from governance.decision import Principal
from governance.engine import PolicyEngine
from governance.sources import PolicyTexts

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
CATALOGUE: FieldCatalogue = parse_catalogue(
    yaml.safe_load((POLICY_DIR / "fields.yaml").read_text(encoding="utf-8"))
)
SHIPPED = PolicyTexts(
    model_conf=(POLICY_DIR / "model.conf").read_text(encoding="utf-8"),
    policy_csv=(POLICY_DIR / "policy.csv").read_text(encoding="utf-8"),
    roles_yaml=(POLICY_DIR / "roles.yaml").read_text(encoding="utf-8"),
    purposes_yaml=(POLICY_DIR / "purposes.yaml").read_text(encoding="utf-8"),
)


def engine(texts: PolicyTexts = SHIPPED, catalogue: FieldCatalogue = CATALOGUE) -> PolicyEngine:
    """Builds a decision point the way the application does (YAML parser injected)."""
    return PolicyEngine(catalogue, texts, load_yaml=yaml.safe_load)


def as_role(*roles: str, principal_id: str = "u-1") -> Principal:
    """Makes a principal holding exactly these roles."""
    return Principal(principal_id, frozenset(roles))


def roles_yaml(*roles: tuple[str, list[str]]) -> str:
    """Writes a roles.yaml documenting `(name, purposes)` pairs, one role per entry."""
    lines = ["version: 1", "roles:"]
    for name, purposes in roles:
        lines += [
            f"  - name: {name}",
            f"    name_zh: 测试{name}",
            "    description: a role made up for one test",
            f"    purposes: [{', '.join(purposes)}]",
        ]
    return "\n".join(lines) + "\n"


def small_policy(policy_lines: str, *roles: tuple[str, list[str]]) -> PolicyTexts:
    """Makes texts with the shipped model and purposes, and the given lines and roles."""
    return replace(SHIPPED, policy_csv=policy_lines, roles_yaml=roles_yaml(*roles))


def appended(*lines: str) -> tuple[PolicyTexts, int]:
    """Appends lines to the shipped policy.csv; returns the texts and the first new line number."""
    first = len(SHIPPED.policy_csv.splitlines()) + 1
    return replace(SHIPPED, policy_csv=SHIPPED.policy_csv + "\n".join(lines) + "\n"), first
