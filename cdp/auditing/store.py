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
from cdp.db.hot import HotQuery
from cdp.db.models import AuditHead, AuditLink, table_of

link_t: Table = table_of(AuditLink)
head_t: Table = table_of(AuditHead)
_BULK = BulkInserts()
_HEAD = {
    "sqlite": HotQuery("SELECT seq, hash FROM audit_head WHERE chain = ?"),
    "postgresql": HotQuery("SELECT seq, hash FROM audit_head WHERE chain = ? FOR UPDATE"),
}
_HEADS = HotQuery("SELECT chain, seq, hash FROM audit_head")
_LINKS = HotQuery(
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

    def append(
        self, conn: Connection, events: Sequence[AuditEvent], routing: str
    ) -> list[ChainLink]:
        """Seals and stores the events; any failure propagates so the operation fails closed."""
        chain = chain_id_for(routing, self._chains)
        rows = _HEAD[conn.dialect.name].all(conn, (chain,))
        head = ChainHead(chain, int(rows[0][0]), bytes(rows[0][1])) if rows else genesis(chain)
        links = seal(events, head, self._key)
        _BULK.insert(conn, link_t, [self._row(k, e) for k, e in zip(links, events, strict=True)])
        last = links[-1]
        if rows:
            _BULK.update(
                conn, head_t, ("chain",), [{"seq": last.seq, "hash": last.hash, "chain": chain}]
            )
        else:
            _BULK.insert(conn, head_t, [{"chain": chain, "seq": last.seq, "hash": last.hash}])
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
        }


class SqlAuditStore:
    """Reads chains for verification (the AuditStore port)."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def links(self, chain: int, after_seq: int) -> Iterator[Row]:
        """Yields a chain's links after `after_seq`, in seq order."""
        for seq, prev, digest, body in _LINKS.all(self._conn, (chain, after_seq)):
            yield Row(int(seq), bytes(prev), bytes(digest), bytes(body))

    def heads(self) -> Mapping[int, ChainHead]:
        """Returns the head each chain records."""
        return {
            int(c): ChainHead(int(c), int(s), bytes(h)) for c, s, h in _HEADS.all(self._conn, ())
        }
