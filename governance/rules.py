"""Policy lines parsed from policy.csv, each remembering its line so decisions can cite it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from governance.sources import POLICY_FILE, PolicyProblem

ALLOW: Final = "allow"
DENY: Final = "deny"
ANY = "*"
USER_PREFIX = "user:"
_TOKEN = re.compile(r"[A-Za-z0-9_.:*\-]+")


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """A `p` line: subject, object, action, purpose, effect, variant (empty when none)."""

    line: int
    sub: str
    obj: str
    act: str
    purpose: str
    eft: str
    variant: str = ""

    @property
    def rule_id(self) -> str:
        """Names this line the way decisions and audit records cite it (`policy.csv:17`)."""
        return f"{POLICY_FILE}:{self.line}"

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The request this line answers; two lines with one key must agree."""
        return (self.sub, self.obj, self.act, self.purpose)

    @property
    def tokens(self) -> tuple[str, str, str, str, str, str]:
        """The values as Casbin sees them (variant always present)."""
        return (self.sub, self.obj, self.act, self.purpose, self.eft, self.variant)

    @property
    def text(self) -> str:
        """The line as it would be written in policy.csv."""
        return ", ".join(("p", *self.tokens)).rstrip(", ")


@dataclass(frozen=True, slots=True)
class RoleLink:
    """A `g` line: `child` (a role or `user:<id>`) inherits every grant and denial of `parent`."""

    line: int
    child: str
    parent: str


@dataclass(frozen=True, slots=True)
class ParsedPolicy:
    """Every rule and role link of policy.csv, in file order."""

    rules: tuple[PolicyRule, ...]
    links: tuple[RoleLink, ...]


def parse_policy_csv(text: str) -> tuple[ParsedPolicy, list[PolicyProblem]]:
    """Splits policy.csv into rules and links; malformed lines become problems, not rules."""
    rules: list[PolicyRule] = []
    links: list[RoleLink] = []
    problems: list[PolicyProblem] = []
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens = [token.strip() for token in line.split(",")]
        problem = _syntax_problem(tokens)
        if problem:
            problems.append(PolicyProblem(POLICY_FILE, number, problem))
        elif tokens[0] == "p":
            variant = tokens[6] if len(tokens) == 7 else ""
            sub, obj, act, purpose, eft = tokens[1:6]
            rules.append(PolicyRule(number, sub, obj, act, purpose, eft, variant))
        else:
            links.append(RoleLink(number, tokens[1], tokens[2]))
    return ParsedPolicy(tuple(rules), tuple(links)), problems


def _syntax_problem(tokens: list[str]) -> str | None:
    kind, count = tokens[0], len(tokens) - 1
    if kind not in ("p", "g"):
        return f"unknown line type {kind!r} (expected p or g)"
    if kind == "p" and len(tokens) not in (6, 7):
        return f"a p line has 5 or 6 values (sub, obj, act, purpose, eft[, variant]), got {count}"
    if kind == "g" and len(tokens) != 3:
        return f"a g line has 2 values (member, role), got {count}"
    optional = 6 if kind == "p" else None  # the variant column may be left empty
    for position, token in enumerate(tokens[1:], start=1):
        if position == optional and token == "":
            continue
        if not _TOKEN.fullmatch(token):
            return f"value #{position} {token!r} is empty or not made of [A-Za-z0-9_.:*-]"
    return None
