"""SQL side of the audit core: append sealed links under a locked head, read chains back."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Table

from audit.chain import ChainHead, ChainLink, chain_id_for, genesis
from audit.decoding import columns
from audit.events import AuditEvent
from audit.keys import AuditKey
from audit.seal import seal
from cdp.db.bulk import BulkInserts
from cdp.db.hot import HotQuery, HotStatement, HotStream
from cdp.db.models import AuditHead, AuditLink, AuditSubject, table_of

link_t: Table = table_of(AuditLink)
head_t: Table = table_of(AuditHead)
subject_t: Table = table_of(AuditSubject)
_BULK = BulkInserts()
# Taking the head locks it. On SQLite the no-op `UPDATE ... RETURNING` is a write, so it opens
# the write transaction and the head it returns is the newest; on PostgreSQL `FOR UPDATE` locks
# the row (no new row version), so appenders to one chain queue there. A chain's first append
# creates its genesis row first.
_TAKE_HEAD = {
    "sqlite": HotQuery("UPDATE audit_head SET seq = seq WHERE chain = ? RETURNING seq, hash"),
    "postgresql": HotQuery("SELECT seq, hash FROM audit_head WHERE chain = ? FOR UPDATE"),
}
_ENSURE_HEAD = HotStatement(
    "INSERT INTO audit_head (chain, seq, hash) VALUES (?, 0, ?) ON CONFLICT (chain) DO NOTHING"
)
_HEADS = HotQuery("SELECT chain, seq, hash FROM audit_head")
_LINKS = HotStream(
    "SELECT seq, prev_hash, hash, body FROM audit_link WHERE chain = ? AND seq > ? ORDER BY seq"
)


@dataclass(frozen=True, slots=True)
class Row:
    """A stored link as the verifier reads it."""

    seq: int
    prev_hash: bytes
    hash: bytes
    body: bytes


class SqlAuditTrail:
    """Appends events to one of `n_chains` chains inside the caller's transaction."""

    def __init__(self, key: AuditKey, n_chains: int):
        self._key = key
        self._chains = n_chains

    @property
    def key(self) -> AuditKey:
        """The audit key this trail seals with (verifiers and queries check with it)."""
        return self._key

    def append(
        self, conn: Connection, events: Sequence[AuditEvent], routing: str
    ) -> list[ChainLink]:
        """Seals and stores the events; any failure propagates so the operation fails closed."""
        chain = chain_id_for(routing, self._chains)
        take = _TAKE_HEAD[conn.dialect.name]
        rows = take.all(conn, (chain,))
        if not rows:
            _ENSURE_HEAD.run(conn, (chain, genesis(chain).hash))
            rows = take.all(conn, (chain,))
        ((seq, digest),) = rows
        links = seal(events, ChainHead(chain, int(seq), bytes(digest)), self._key)
        _BULK.insert(conn, link_t, [self._row(k, e) for k, e in zip(links, events, strict=True)])
        subjects = [
            {"customer_id": c, "occurred_at": e.occurred_at, "chain": k.chain, "seq": k.seq}
            for k, e in zip(links, events, strict=True)
            for c in dict.fromkeys(e.customer_ids)
        ]
        if subjects:
            _BULK.insert(conn, subject_t, subjects)
        last = links[-1]
        _BULK.update(
            conn, head_t, ("chain",), [{"seq": last.seq, "hash": last.hash, "chain": chain}]
        )
        return links

    @staticmethod
    def _row(link: ChainLink, event: AuditEvent) -> dict[str, object]:
        cols = columns(event)
        return {
            "chain": link.chain,
            "seq": link.seq,
            "prev_hash": link.prev_hash,
            "hash": link.hash,
            "body": link.body,
            "event_id": cols.event_id,
            "occurred_at": cols.occurred_at,
            "actor": cols.actor,
            "action": cols.action,
            "decision": cols.decision,
            "purpose": cols.purpose,
            "roles": roles_column(event.roles),
        }


def roles_column(roles: tuple[str, ...]) -> str | None:
    """Stores roles as `|a|b|`, so `LIKE '%|a|%'` finds one exactly."""
    return "|" + "|".join(roles) + "|" if roles else None


class SqlAuditStore:
    """Reads chains for verification (the AuditStore port)."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def links(self, chain: int, after_seq: int) -> Iterator[Row]:
        """Yields a chain's links after `after_seq`, in seq order."""
        for seq, prev, digest, body in _LINKS.stream(self._conn, (chain, after_seq)):
            yield Row(int(seq), bytes(prev), bytes(digest), bytes(body))

    def heads(self) -> Mapping[int, ChainHead]:
        """Returns the head each chain records."""
        return {
            int(c): ChainHead(int(c), int(s), bytes(h)) for c, s, h in _HEADS.all(self._conn, ())
        }
