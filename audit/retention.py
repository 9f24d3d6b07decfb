"""Retention: how long each class of event is kept, and which whole months a prune may remove.

Chains interleave every class, so a prune removes a prefix of each chain: every link before a
month boundary B, where each class with events before B has passed its retention for every
month before B. Periods are calendar months in UTC. CSL Art 21 sets six months as the floor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType

from audit.errors import RetentionInvalid
from audit.tags import AuditTag

MIN_MONTHS = 6  # CSL Art 21: network logs kept at least six months


class EventClass(StrEnum):
    """The retention classes events fall into."""

    READ = "read"
    EXPORT = "export"
    CONSENT = "consent"
    WRITE = "write"
    DSR = "dsr"
    ADMIN = "admin"
    AUTH = "auth"


_BY_DOMAIN = {
    "profile": EventClass.WRITE,
    "consent": EventClass.CONSENT,
    "segment": EventClass.EXPORT,
    "campaign": EventClass.EXPORT,
    "export": EventClass.EXPORT,
    "dsr": EventClass.DSR,
    "policy": EventClass.ADMIN,
    "key": EventClass.ADMIN,
    "audit": EventClass.ADMIN,
    "client": EventClass.ADMIN,
    "tag": EventClass.CONSENT,  # a tag deletion is the customer's choice, kept like consents
    "auth": EventClass.AUTH,
    "api": EventClass.AUTH,
}
_READS = frozenset((AuditTag.PROFILE_READ, AuditTag.PROFILE_FIELD_READ, AuditTag.PROFILE_SEARCH))
DEFAULT_MONTHS: Mapping[EventClass, int] = MappingProxyType(
    {
        EventClass.READ: 36,
        EventClass.EXPORT: 36,
        EventClass.CONSENT: 36,
        EventClass.WRITE: 36,
        EventClass.DSR: 60,
        EventClass.ADMIN: 60,
        EventClass.AUTH: 12,
    }
)


def class_of(action: str) -> EventClass:
    """Returns an action's retention class (unknown actions are kept as long as admin ones)."""
    if action in _READS:
        return EventClass.READ
    return _BY_DOMAIN.get(action.split(":", 1)[0], EventClass.ADMIN)


def months_before(at: datetime, months: int) -> datetime:
    """Returns the first instant of the UTC month `months` calendar months before `at`'s."""
    at = at.astimezone(UTC)
    index = at.year * 12 + (at.month - 1) - months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """Months to keep each class (at least six each)."""

    months: Mapping[EventClass, int] = field(default_factory=lambda: DEFAULT_MONTHS)

    def __post_init__(self) -> None:
        for name, value in self.months.items():
            if type(value) is not int or value < MIN_MONTHS:
                raise RetentionInvalid(f"{name}: keep at least {MIN_MONTHS} months (CSL Art 21)")
        missing = set(EventClass) - set(self.months)
        if missing:
            raise RetentionInvalid(f"no retention for {', '.join(sorted(missing))}")

    @classmethod
    def from_settings(cls, given: Mapping[str, int]) -> RetentionPolicy:
        """Builds a policy from defaults overridden by `{class name: months}`."""
        merged = dict(DEFAULT_MONTHS)
        for name, value in given.items():
            try:
                merged[EventClass(name)] = value
            except ValueError:
                raise RetentionInvalid(f"unknown event class {name!r}") from None
        return cls(MappingProxyType(merged))

    def boundary(self, event_class: EventClass, now: datetime) -> datetime:
        """Returns the month boundary before which that class's whole months have expired.

        A month [s, e) has expired when e + retention <= now; the latest such e is the start of
        the month containing now - retention, computed in whole calendar months.
        """
        return months_before(now, self.months[event_class])


def prune_boundary(
    policy: RetentionPolicy,
    now: datetime,
    actions_before: Callable[[datetime], Iterable[str]],
) -> datetime:
    """Returns the boundary B: every event before B is in a whole month past its retention.

    `actions_before(b)` names the actions stored before `b`; B only moves earlier, so it ends.
    """
    boundary = max(policy.boundary(c, now) for c in EventClass)
    while True:
        present = {class_of(action) for action in actions_before(boundary)}
        if not present:
            return boundary
        earlier = min([boundary, *(policy.boundary(c, now) for c in present)])
        if earlier == boundary:
            return boundary
        boundary = earlier
