"""Role inheritance from `g` lines, for checks and documentation (Casbin decides at run time)."""

from __future__ import annotations

from collections.abc import Sequence

from governance.rules import RoleLink


def ancestors(member: str, links: Sequence[RoleLink]) -> frozenset[str]:
    """Returns every role `member` inherits from, directly or not (cycles terminate)."""
    parents: dict[str, set[str]] = {}
    for link in links:
        parents.setdefault(link.child, set()).add(link.parent)
    found: set[str] = set()
    pending = list(parents.get(member, ()))
    while pending:
        role = pending.pop()
        if role not in found:
            found.add(role)
            pending.extend(parents.get(role, ()))
    return frozenset(found)


def cycle_members(links: Sequence[RoleLink]) -> frozenset[str]:
    """Returns the roles that inherit from themselves through a chain of links."""
    return frozenset(link.child for link in links if link.child in ancestors(link.child, links))
