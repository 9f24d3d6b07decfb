"""The registered API client as the rest of the platform sees it (no key material)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from governance.decision import Principal

_NO_ATTRIBUTES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ApiClient:
    """A caller of the API: its id, unique name, roles and attributes (e.g. `branches`)."""

    client_id: str
    name: str
    roles: frozenset[str]
    attributes: Mapping[str, str] = field(default_factory=lambda: _NO_ATTRIBUTES)
    disabled: bool = False
    created_at: datetime | None = None
    disabled_at: datetime | None = None

    @property
    def principal(self) -> Principal:
        """Returns the policy principal this client acts as."""
        return Principal(id=self.client_id, roles=self.roles, attributes=self.attributes)
