"""`cdp audit prune`: remove whole months past retention from each chain, leave a signed floor.

The log must verify first (a prune never destroys the evidence of tampering). Then, in one
transaction, each chain loses the prefix of links before the boundary, a floor checkpoint
records the last removed link of every chain, and the prune itself is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, func, select

from audit.chain import ChainHead, genesis
from audit.checkpoint import FLOOR, Checkpoint, HmacSigner, sign, verify_checkpoint
from audit.keys import AuditKey
from audit.retention import RetentionPolicy, prune_boundary
from audit.sweep import verify_store
from audit.tags import AuditTag, Decision
from cdp.auditing.checkpoints import SqlCheckpointStore
from cdp.auditing.recorder import AuditRecorder
from cdp.auditing.store import SqlAuditStore, link_t, subject_t
from cdp.auditing.verifying import trusted_start
from cdp.db.engine import transaction


class PruneRefused(RuntimeError):
    """The log does not verify, so nothing may be removed."""


@dataclass(frozen=True, slots=True)
class PrunePlan:
    """The boundary and, per chain, the last link to remove and how many go."""

    boundary: datetime
    through: dict[int, ChainHead]
    counts: dict[int, int]
    floors: dict[int, ChainHead]  # where each chain starts now (the last floor, or genesis)

    @property
    def removed(self) -> int:
        """Returns how many links the prune removes."""
        return sum(self.counts.values())


def _actions_before(conn: Connection, boundary: datetime) -> list[str]:
    query = select(link_t.c.action).where(link_t.c.occurred_at < boundary).distinct()
    return list(conn.execute(query).scalars())


def _floor_heads(conn: Connection, key: AuditKey, n_chains: int) -> dict[int, ChainHead]:
    """The current floor per chain (from the last prune's checkpoint), else genesis."""
    floor = SqlCheckpointStore(conn).latest_floor()
    heads = {c: genesis(c) for c in range(n_chains)}
    if floor is not None:
        for head in verify_checkpoint(floor, HmacSigner(key)).heads:
            heads[head.chain] = head
    return heads


def plan(
    conn: Connection, key: AuditKey, n_chains: int, policy: RetentionPolicy, now: datetime
) -> PrunePlan:
    """Works out what a prune at `now` would remove, without removing anything."""
    boundary = prune_boundary(policy, now, lambda b: _actions_before(conn, b))
    count = max(n_chains, max(SqlAuditStore(conn).heads(), default=-1) + 1)
    floors = _floor_heads(conn, key, count)
    through: dict[int, ChainHead] = {}
    counts: dict[int, int] = {}
    for chain, floor in sorted(floors.items()):
        last = _last_before(conn, chain, boundary)
        if last is None or last <= floor.seq:
            continue
        digest = conn.execute(
            select(link_t.c.hash).where(link_t.c.chain == chain, link_t.c.seq == last)
        ).scalar_one()
        through[chain] = ChainHead(chain, last, bytes(digest))
        counts[chain] = last - floor.seq
    return PrunePlan(boundary, through, counts, floors)


def _last_before(conn: Connection, chain: int, boundary: datetime) -> int | None:
    """The last seq of the chain's prefix whose links all happened before the boundary."""
    newer = conn.execute(
        select(func.min(link_t.c.seq)).where(
            link_t.c.chain == chain, link_t.c.occurred_at >= boundary
        )
    ).scalar_one()
    if newer is not None:
        return int(newer) - 1 if newer > 1 else None
    newest = conn.execute(
        select(func.max(link_t.c.seq)).where(link_t.c.chain == chain)
    ).scalar_one()
    return None if newest is None else int(newest)


def prune(
    engine: Engine,
    key: AuditKey,
    n_chains: int,
    policy: RetentionPolicy,
    now: datetime,
    recorder: AuditRecorder,
) -> PrunePlan:
    """Verifies the log, then removes what `plan` names and leaves a signed floor, atomically."""
    with engine.connect() as conn:
        start = trusted_start(conn, key)
        report = verify_store(SqlAuditStore(conn), key, n_chains, trusted=start.checkpoint)
    if not report.intact:
        raise PruneRefused("the audit log does not verify: run `cdp audit verify`; nothing removed")
    with transaction(engine) as conn:
        planned = plan(conn, key, n_chains, policy, now)
        if planned.through:
            _remove(conn, planned)
            _leave_floor(conn, key, planned, now)
        recorder.record(
            conn,
            AuditTag.AUDIT_PRUNE,
            Decision.ALLOW,
            record_count=planned.removed,
            reason=f"before:{planned.boundary:%Y-%m}",
        )
    return planned


def _remove(conn: Connection, planned: PrunePlan) -> None:
    for chain, head in planned.through.items():
        conn.execute(
            delete(subject_t).where(subject_t.c.chain == chain, subject_t.c.seq <= head.seq)
        )
        conn.execute(delete(link_t).where(link_t.c.chain == chain, link_t.c.seq <= head.seq))


def _leave_floor(conn: Connection, key: AuditKey, planned: PrunePlan, now: datetime) -> None:
    """Signs and stores the new floor: pruned chains start after their last removed link."""
    count = max([*planned.floors, *planned.through]) + 1
    heads = tuple(
        planned.through.get(c) or planned.floors.get(c) or genesis(c) for c in range(count)
    )
    SqlCheckpointStore(conn).save(sign(Checkpoint(heads, now, FLOOR), HmacSigner(key)))
