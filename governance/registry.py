"""Roles (roles.yaml) and purpose codes (purposes.yaml) the policy may name."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from governance.sources import (
    PURPOSES_FILE,
    ROLES_FILE,
    PolicyProblem,
    YamlLoader,
    line_of,
)

_PURPOSE_CODE = re.compile(r"P\d{2}")
_ROLE_NAME = re.compile(r"[a-z][a-z0-9_]*")
LEGAL_BASES = frozenset({"consent", "contract", "legal_obligation", "entrusted"})


@dataclass(frozen=True, slots=True)
class RoleSpec:
    """One documented role: the job it stands for and the purposes it acts for."""

    name: str
    name_zh: str
    description: str
    purposes: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class PurposeSpec:
    """One purpose code with its lawful basis (the consent core owns the richer model)."""

    code: str
    name_zh: str
    name_en: str
    legal_basis: str
    line: int


def parse_purposes(
    text: str, load_yaml: YamlLoader
) -> tuple[tuple[PurposeSpec, ...], list[PolicyProblem]]:
    """Parses purposes.yaml, collecting problems instead of stopping at the first."""
    entries, problems = _entries(text, load_yaml, PURPOSES_FILE, "purposes")
    specs: list[PurposeSpec] = []
    seen: Counter[str] = Counter()
    for raw, line in entries:
        code = str(raw.get("code", ""))
        values = [str(raw.get(k, "")) for k in ("name_zh", "name_en", "legal_basis")]
        seen[code] += 1
        line = line_of(text, "code", code, line, seen[code]) if code else line
        if not _PURPOSE_CODE.fullmatch(code):
            problems.append(PolicyProblem(PURPOSES_FILE, line, f"bad purpose code {code!r}"))
        elif not all(values):
            problems.append(PolicyProblem(PURPOSES_FILE, line, f"{code} lacks a name or basis"))
        elif values[2] not in LEGAL_BASES:
            msg = f"{code}: legal_basis {values[2]!r} not in {sorted(LEGAL_BASES)}"
            problems.append(PolicyProblem(PURPOSES_FILE, line, msg))
        elif code in {s.code for s in specs}:
            problems.append(PolicyProblem(PURPOSES_FILE, line, f"purpose {code} defined twice"))
        else:
            specs.append(PurposeSpec(code, values[0], values[1], values[2], line))
    return tuple(specs), problems


def parse_roles(
    text: str, load_yaml: YamlLoader, purposes: frozenset[str]
) -> tuple[tuple[RoleSpec, ...], list[PolicyProblem]]:
    """Parses roles.yaml; every role needs a name, a Chinese name and documented purposes."""
    entries, problems = _entries(text, load_yaml, ROLES_FILE, "roles")
    specs: list[RoleSpec] = []
    seen: Counter[str] = Counter()
    for raw, line in entries:
        name = str(raw.get("name", ""))
        seen[name] += 1
        line = line_of(text, "name", name, line, seen[name]) if name else line
        raw_purposes = raw.get("purposes", [])
        listed = tuple(str(p) for p in raw_purposes) if isinstance(raw_purposes, list) else ()
        unknown = sorted(set(listed) - purposes)
        if not _ROLE_NAME.fullmatch(name):
            problems.append(PolicyProblem(ROLES_FILE, line, f"bad role name {name!r}"))
        elif not raw.get("name_zh") or not raw.get("description"):
            problems.append(PolicyProblem(ROLES_FILE, line, f"{name} lacks name_zh/description"))
        elif not isinstance(raw_purposes, list):
            problems.append(PolicyProblem(ROLES_FILE, line, f"{name}: purposes is not a list"))
        elif unknown:
            msg = f"{name}: unknown purpose(s) {', '.join(unknown)}"
            problems.append(PolicyProblem(ROLES_FILE, line, msg))
        elif name in {s.name for s in specs}:
            problems.append(PolicyProblem(ROLES_FILE, line, f"role {name} defined twice"))
        else:
            desc = " ".join(str(raw["description"]).split())
            specs.append(RoleSpec(name, str(raw["name_zh"]), desc, listed, line))
    return tuple(specs), problems


def _entries(
    text: str, load_yaml: YamlLoader, file: str, key: str
) -> tuple[list[tuple[Mapping[str, object], int]], list[PolicyProblem]]:
    try:
        data = load_yaml(text)
    except Exception as exc:  # any parser error: report, never crash the checker
        return [], [PolicyProblem(file, _error_line(exc), f"not valid YAML: {type(exc).__name__}")]
    items = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(items, list) or not items:
        return [], [PolicyProblem(file, 1, f"no '{key}' list")]
    entries: list[tuple[Mapping[str, object], int]] = []
    problems: list[PolicyProblem] = []
    for position, raw in enumerate(items, start=1):
        if isinstance(raw, Mapping):
            entries.append((raw, 1))
        else:
            problems.append(PolicyProblem(file, 1, f"{key} entry #{position} is not a mapping"))
    return entries, problems


def _error_line(exc: Exception) -> int:
    mark = getattr(exc, "problem_mark", None)
    line = getattr(mark, "line", None)
    return line + 1 if isinstance(line, int) else 1


def role_table(roles: Sequence[RoleSpec]) -> str:
    """Renders the README's role table from roles.yaml, so the two cannot drift apart."""
    rows = ["| Role | 中文 | Purposes | What it may do |", "|---|---|---|---|"]
    for role in roles:
        purposes = ", ".join(role.purposes) or "—"
        rows.append(f"| `{role.name}` | {role.name_zh} | {purposes} | {role.description} |")
    return "\n".join(rows) + "\n"


def codes(specs: Sequence[PurposeSpec]) -> frozenset[str]:
    """Returns the purpose codes of the specs."""
    return frozenset(s.code for s in specs)
