"""Ports the application implements: the sink (in the caller's transaction) and the stores.

The core never opens a connection. An adapter binds one transaction, implements these Protocols
with SQL, and is handed in by the composition root; tests use an in-memory fake of the same shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

from audit.chain import ChainHead, ChainLink
from audit.checkpoint import SignedCheckpoint
from audit.events import AuditEvent


class StoredLink(Protocol):
    """A link as a store returns it (a dataclass or a database row); possibly tampered with."""

    @property
    def seq(self) -> int: ...

    @property
    def prev_hash(self) -> bytes: ...

    @property
    def hash(self) -> bytes: ...

    @property
    def body(self) -> bytes: ...


class AuditSink(Protocol):
    """Appends events in the caller's transaction; raises on any failure (fail closed).

    Implementations lock the chosen chain's head, `seal` the events, insert the links and move the
    head before the caller commits, so an operation and its audit record commit or fail together.
    """

    def append(self, events: Sequence[AuditEvent]) -> list[ChainLink]: ...


class AuditStore(Protocol):
    """Reads the stored chains for verification."""

    def links(self, chain: int, after_seq: int) -> Iterator[StoredLink]:
        """Yields a chain's links with seq > after_seq in ascending seq (`ORDER BY seq`)."""
        ...

    def heads(self) -> Mapping[int, ChainHead]:
        """Returns the heads the store records for appending (one row per chain)."""
        ...


class CheckpointStore(Protocol):
    """Keeps signed checkpoints (in the database, and exported outside it)."""

    def latest(self) -> SignedCheckpoint | None: ...

    def save(self, checkpoint: SignedCheckpoint) -> None: ...
