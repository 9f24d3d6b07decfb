"""Signed checkpoints kept in the database (and exported): where verification may start."""

from __future__ import annotations

from sqlalchemy import Connection, Table, insert, select

from audit.checkpoint import FLOOR, SignedCheckpoint
from audit.checkpoint_wire import export, parse
from cdp.db.models import AuditCheckpoint, table_of

checkpoint_t: Table = table_of(AuditCheckpoint)


class SqlCheckpointStore:
    """Keeps exported checkpoint documents; whoever reads one still checks its signature."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def latest(self) -> SignedCheckpoint | None:
        """Returns the newest checkpoint of any kind."""
        return self._newest(None)

    def latest_floor(self) -> SignedCheckpoint | None:
        """Returns the newest floor (left by a prune): a full verification starts there."""
        return self._newest(FLOOR)

    def save(self, checkpoint: SignedCheckpoint) -> None:
        """Stores a signed checkpoint as its canonical export line."""
        self._conn.execute(
            insert(checkpoint_t),
            {
                "created_at": checkpoint.checkpoint.created_at,
                "kind": checkpoint.checkpoint.kind,
                "document": export(checkpoint),
            },
        )

    def _newest(self, kind: str | None) -> SignedCheckpoint | None:
        query = select(checkpoint_t.c.document).order_by(checkpoint_t.c.id.desc()).limit(1)
        if kind is not None:
            query = query.where(checkpoint_t.c.kind == kind)
        text = self._conn.execute(query).scalar_one_or_none()
        return None if text is None else parse(text)
