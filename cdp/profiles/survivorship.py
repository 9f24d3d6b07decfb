"""Survivorship: which source's value of a field becomes the golden value."""

from __future__ import annotations

from datetime import UTC, datetime

from cdp.profiles.sources import SourceRegistry

Provenance = tuple[str, str]  # (source system, observed_at as canonical UTC text)


def canonical_instant(moment: datetime) -> str:
    """Renders an aware instant as fixed-width UTC text so that text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def wins(
    registry: SourceRegistry, field_name: str, candidate: Provenance, current: Provenance | None
) -> bool:
    """Tells whether a value observed by `candidate` replaces the one held from `current`.

    Configured source priority decides first, then the more recent observation; a tie keeps
    the current value, so re-reading the same record never changes anything.
    """
    if current is None:
        return True
    new_priority = registry.priority(candidate[0], field_name)
    old_priority = registry.priority(current[0], field_name)
    if new_priority != old_priority:
        return new_priority > old_priority
    return candidate[1] > current[1]
