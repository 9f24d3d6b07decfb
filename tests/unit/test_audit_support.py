"""Shared pieces for the audit core tests: keys, event builders and an in-memory audit log."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from audit.chain import ChainHead, ChainLink, chain_id_for, genesis
from audit.checkpoint import SignedCheckpoint
from audit.events import AuditEvent, ConsentSnapshot
from audit.keys import AuditKey
from audit.seal import seal
from audit.tags import AuditTag, Decision

KEY = AuditKey("audit-test-1", b"\x01" * 32)
OTHER_KEY = AuditKey("audit-attacker", b"\x02" * 32)
T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
CUSTOMER = "0195a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b"


def event(n: int, **changes: object) -> AuditEvent:
    """Builds a realistic governed-read event numbered n, with optional field overrides."""
    fields: dict[str, object] = {
        "event_id": f"0195a1b2-0000-7000-8000-{n:012d}",
        "occurred_at": T0 + timedelta(seconds=n, microseconds=n),
        "actor": "client-crm-01",
        "action": AuditTag.PROFILE_FIELD_READ,
        "decision": Decision.ALLOW,
        "roles": ("relationship_manager",),
        "purpose": "P05",
        "customer_ids": (CUSTOMER,),
        "fields_clear": ("name",),
        "fields_masked": ("mobile", "id_number"),
        "fields_denied": ("income",),
        "reason": "granted",
        "rules": ("policy.csv:17", "policy.csv:21"),
        "policy_version": "2025-03-01.1",
        "consent": ConsentSnapshot("granted", "N-P05-3", "ev-77"),
        "request_id": f"req-{n}",
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "channel": "api",
        "source": "10.20.30.40",
    }
    fields.update(changes)
    return AuditEvent(**fields)  # type: ignore[arg-type]


def sealed(count: int, chain: int = 0, key: AuditKey = KEY) -> list[ChainLink]:
    """Returns a chain of `count` sealed events, seq 1..count."""
    return seal((event(n) for n in range(1, count + 1)), genesis(chain), key)


class FakeAuditLog:
    """An in-memory audit log implementing AuditSink, AuditStore and CheckpointStore.

    Rows are plain lists per chain that tests may tamper with; `links` sorts them by seq (stable,
    like `ORDER BY seq` with ties in insertion order).
    """

    def __init__(self, n_chains: int, key: AuditKey = KEY) -> None:
        self.n_chains = n_chains
        self.key = key
        self.rows: dict[int, list[ChainLink]] = {c: [] for c in range(n_chains)}
        self.head_rows: dict[int, ChainHead] = {c: genesis(c) for c in range(n_chains)}
        self.saved: list[SignedCheckpoint] = []

    def append(self, events: Sequence[AuditEvent]) -> list[ChainLink]:
        """Seals a transaction's events onto the chain its first request id routes to."""
        chain = chain_id_for(events[0].request_id or events[0].event_id, self.n_chains)
        links = seal(events, self.head_rows[chain], self.key)
        self.rows[chain].extend(links)
        self.head_rows[chain] = links[-1].head
        return links

    def links(self, chain: int, after_seq: int) -> Iterator[ChainLink]:
        """Yields a chain's links after a seq, ordered by seq."""
        rows = sorted(self.rows.get(chain, []), key=lambda row: row.seq)
        return (row for row in rows if row.seq > after_seq)

    def heads(self) -> Mapping[int, ChainHead]:
        """Returns the recorded head rows."""
        return dict(self.head_rows)

    def latest(self) -> SignedCheckpoint | None:
        """Returns the newest saved checkpoint."""
        return self.saved[-1] if self.saved else None

    def save(self, checkpoint: SignedCheckpoint) -> None:
        """Keeps a checkpoint."""
        self.saved.append(checkpoint)
