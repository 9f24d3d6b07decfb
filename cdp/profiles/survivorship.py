"""Survivorship: which source's value of a field becomes the golden value."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from cdp.profiles.sources import SourceRegistry

Provenance = tuple[str, str]  # (source system, observed_at as canonical UTC text)


def canonical_instant(moment: datetime) -> str:
    """Renders an aware instant as fixed-width UTC text so that text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Survivorship:
    """The survivorship rule with priorities resolved once (it runs for every ingested value).

    Configured source priority decides first, then the more recent observation; a tie keeps
    the current value, so re-reading the same record never changes anything. A source that has
    left the registry counts as priority 0.
    """

    def __init__(self, registry: SourceRegistry, field_names: Iterable[str]):
        self._priority = {
            (source, name): system.priority_for(name)
            for source, system in registry.systems.items()
            for name in field_names
        }

    def wins(self, field_name: str, candidate: Provenance, current: Provenance | None) -> bool:
        """Tells whether a value observed by `candidate` replaces the one held from `current`."""
        if current is None:
            return True
        priority = self._priority
        new = priority.get((candidate[0], field_name), 0)
        old = priority.get((current[0], field_name), 0)
        if new != old:
            return new > old
        return candidate[1] > current[1]


def wins(
    registry: SourceRegistry, field_name: str, candidate: Provenance, current: Provenance | None
) -> bool:
    """Applies the survivorship rule once (see `Survivorship`)."""
    return Survivorship(registry, [field_name]).wins(field_name, candidate, current)


StoredProvenance = list[list[object]]  # [[source, observed_at, [field, ...]], ...]


def pack_provenance(provenance: dict[str, list[str]]) -> StoredProvenance:
    """Groups fields by the observation that supplied them: a few hundred bytes a profile."""
    groups: dict[tuple[str, str], list[str]] = {}
    for field_name, (source, observed) in provenance.items():
        groups.setdefault((source, observed), []).append(field_name)
    return [[source, observed, fields] for (source, observed), fields in groups.items()]


def unpack_provenance(stored: StoredProvenance | None) -> dict[str, list[str]]:
    """Expands stored groups back into field -> [source, observed_at]."""
    provenance: dict[str, list[str]] = {}
    for source, observed, fields in stored or ():
        entry = [str(source), str(observed)]
        for field_name in fields:  # type: ignore[attr-defined]
            provenance[str(field_name)] = entry
    return provenance
