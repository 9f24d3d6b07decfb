"""What every request handler needs: the platform, the client registry and the caller."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from audit.tags import AuditTag, Decision
from cdp.auditing.context import call_context
from cdp.db.engine import transaction
from governance.decision import Principal

if TYPE_CHECKING:
    from cdp.apiclients import ClientCache, ClientRegistry, TokenIssuer
    from cdp.bootstrap import Platform
    from cdp.telemetry import Telemetry


@dataclass(slots=True)
class ApiState:
    """Built once by the lifespan: engines, keys, policy, detector, clients, telemetry."""

    platform: Platform
    registry: ClientRegistry
    clients: ClientCache
    tokens: TokenIssuer
    telemetry: Telemetry

    def audit(self, tag: AuditTag, decision: Decision, **details: Any) -> None:
        """Records one event in its own transaction (a failure propagates: fail closed)."""
        with transaction(self.platform.engine) as conn:
            self.platform.recorder.record(conn, tag, decision, **details)


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated API client acting as a principal."""

    principal: Principal
    client_id: str
    via: str  # "key" or "token"

    @contextmanager
    def acting(self) -> Iterator[None]:
        """Names this client as the actor of every audit event written in the block."""
        with call_context(actor=self.principal.id):
            yield

    @property
    def roles(self) -> tuple[str, ...]:
        """The client's roles, sorted (for audit details)."""
        return tuple(sorted(self.principal.roles))
