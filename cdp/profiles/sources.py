"""Source systems that feed profiles, their survivorship priorities and the match order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdp.resources import load_yaml
from governance.catalogue import FieldCatalogue


class UnknownSource(ValueError):
    """A record names a source system that is not registered in sources.yaml."""


class SourceConfigError(ValueError):
    """sources.yaml is malformed; the message names the entry at fault."""


@dataclass(frozen=True, slots=True)
class SourceSystem:
    """One registered source system."""

    name: str
    label_zh: str
    priority: int
    field_priority: Mapping[str, int] = field(default_factory=dict)

    def priority_for(self, field_name: str) -> int:
        """Returns this source's priority for one field (a field override beats the default)."""
        return self.field_priority.get(field_name, self.priority)


@dataclass(frozen=True, slots=True)
class SourceRegistry:
    """All registered sources plus the identity-resolution match order."""

    match_order: tuple[str, ...]
    systems: Mapping[str, SourceSystem]

    def get(self, name: str) -> SourceSystem:
        """Returns the named source or raises UnknownSource."""
        try:
            return self.systems[name]
        except KeyError:
            known = ", ".join(sorted(self.systems))
            raise UnknownSource(f"unknown source system {name!r} (known: {known})") from None

    def priority(self, source: str, field_name: str) -> int:
        """Returns a priority, 0 for a source that has since been removed from the registry."""
        system = self.systems.get(source)
        return system.priority_for(field_name) if system else 0


def load_sources(
    policy_dir: Path, catalogue: FieldCatalogue, match_order: tuple[str, ...] | None = None
) -> SourceRegistry:
    """Loads sources.yaml and checks it against the field catalogue."""
    return parse_sources(load_yaml(policy_dir / "sources.yaml"), catalogue, match_order)


def parse_sources(
    data: Mapping[str, Any], catalogue: FieldCatalogue, match_order: tuple[str, ...] | None = None
) -> SourceRegistry:
    """Builds the registry from parsed YAML; an explicit match order overrides the file's."""
    order = tuple(match_order or data.get("match_order") or ("id_number", "mobile", "email"))
    for name in order:
        if name not in catalogue or not catalogue.get(name).blind_index:
            raise SourceConfigError(f"match_order: {name!r} is not a blind-indexed field")
    raw = data.get("sources")
    if not isinstance(raw, Mapping) or not raw:
        raise SourceConfigError("sources.yaml has no 'sources' mapping")
    systems = {name: _parse_system(name, spec, catalogue) for name, spec in raw.items()}
    return SourceRegistry(match_order=order, systems=systems)


def _parse_system(name: str, spec: Any, catalogue: FieldCatalogue) -> SourceSystem:
    if not isinstance(spec, Mapping) or "priority" not in spec:
        raise SourceConfigError(f"source {name!r} needs a priority")
    overrides = {str(k): int(v) for k, v in (spec.get("field_priority") or {}).items()}
    for field_name in overrides:
        if field_name not in catalogue:
            raise SourceConfigError(f"source {name!r}: field_priority names unknown {field_name!r}")
    return SourceSystem(
        name=name,
        label_zh=str(spec.get("label_zh", name)),
        priority=int(spec["priority"]),
        field_priority=overrides,
    )
