"""The policy files as text, and the problems found in them (always with file and line)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

YamlLoader = Callable[[str], object]
"""Parses YAML text (the application passes `yaml.safe_load`; the core imports no YAML library)."""

MODEL_FILE = "model.conf"
POLICY_FILE = "policy.csv"
ROLES_FILE = "roles.yaml"
PURPOSES_FILE = "purposes.yaml"


@dataclass(frozen=True, slots=True)
class PolicyTexts:
    """The four policy files, as read by the application."""

    model_conf: str
    policy_csv: str
    roles_yaml: str
    purposes_yaml: str

    @property
    def version(self) -> str:
        """Returns the SHA-256 over all four files, so any edit yields a new policy version."""
        digest = hashlib.sha256()
        for name, text in self._named():
            digest.update(f"{name}\0{len(text.encode())}\0".encode())
            digest.update(text.encode())
        return digest.hexdigest()

    def _named(self) -> Sequence[tuple[str, str]]:
        return (
            (MODEL_FILE, self.model_conf),
            (POLICY_FILE, self.policy_csv),
            (ROLES_FILE, self.roles_yaml),
            (PURPOSES_FILE, self.purposes_yaml),
        )


@dataclass(frozen=True, slots=True, order=True)
class PolicyProblem:
    """One defect in a policy file, located by file name and 1-based line."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class PolicyInvalid(ValueError):
    """The policy files are not valid; nothing of them was loaded."""

    def __init__(self, problems: Sequence[PolicyProblem]) -> None:
        self.problems = tuple(sorted(problems))
        head = "; ".join(str(p) for p in self.problems[:5])
        more = f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{len(self.problems)} policy problem(s): {head}{more}")


def line_of(text: str, key: str, value: str, default: int = 1, occurrence: int = 1) -> int:
    """Returns the 1-based line of the n-th YAML `key: value` (YAML parsers drop line numbers)."""
    pattern = re.compile(rf"\b{re.escape(key)}:\s*['\"]?{re.escape(value)}['\"]?\s*(#.*)?$")
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            seen += 1
            if seen == occurrence:
                return number
    return default
