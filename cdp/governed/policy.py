"""Reads the policy files and builds the decision point; an invalid policy never half-loads."""

from __future__ import annotations

from pathlib import Path

import yaml

from governance.catalogue import FieldCatalogue
from governance.engine import PolicyEngine
from governance.sources import (
    MODEL_FILE,
    POLICY_FILE,
    PURPOSES_FILE,
    ROLES_FILE,
    PolicyInvalid,
    PolicyProblem,
    PolicyTexts,
)


def read_policy_texts(policy_dir: Path) -> PolicyTexts:
    """Reads the four policy files of a directory."""

    def text(name: str) -> str:
        return (policy_dir / name).read_text(encoding="utf-8")

    return PolicyTexts(text(MODEL_FILE), text(POLICY_FILE), text(ROLES_FILE), text(PURPOSES_FILE))


def build_policy_engine(catalogue: FieldCatalogue, policy_dir: Path) -> PolicyEngine:
    """Loads and compiles the policy; raises PolicyInvalid with every problem found."""
    return PolicyEngine(catalogue, read_policy_texts(policy_dir), load_yaml=yaml.safe_load)


def check_policy_dir(catalogue: FieldCatalogue, policy_dir: Path) -> list[PolicyProblem]:
    """Lists every problem of a policy directory (empty when it would load)."""
    try:
        texts = read_policy_texts(policy_dir)
    except OSError as exc:
        return [PolicyProblem(Path(exc.filename or str(policy_dir)).name, 1, "cannot be read")]
    try:
        PolicyEngine(catalogue, texts, load_yaml=yaml.safe_load)
    except PolicyInvalid as exc:
        return list(exc.problems)
    return []
