"""Running verification: pick the trusted start, walk every chain, report progress, resume."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from audit.chain import ChainHead
from audit.checkpoint import (
    FLOOR,
    Checkpoint,
    HmacSigner,
    SignedCheckpoint,
    sign,
    verify_checkpoint,
)
from audit.checkpoint_wire import export, parse
from audit.keys import AuditKey
from audit.sweep import LogReport, progress_of, starts_of, verify_one
from cdp.auditing.checkpoints import SqlCheckpointStore
from cdp.auditing.store import SqlAuditStore
from cdp.profiles.resolution import utcnow

PROGRESS_FILE = "audit-verify.progress"


@dataclass(frozen=True, slots=True)
class Start:
    """Where a run starts and why: `genesis`, `checkpoint`, `floor`, `file` or `resume`."""

    checkpoint: Checkpoint | None
    origin: str


def trusted_start(
    conn: Connection,
    key: AuditKey,
    *,
    full: bool = False,
    external: SignedCheckpoint | None = None,
    resume: Path | None = None,
) -> Start:
    """Chooses the start; every checkpoint's signature is checked (CheckpointInvalid if forged)."""
    signer = HmacSigner(key)
    if external is not None:
        return Start(verify_checkpoint(external, signer), "file")
    if resume is not None and resume.exists():
        return Start(verify_checkpoint(parse(resume.read_text("utf-8")), signer), "resume")
    store = SqlCheckpointStore(conn)
    latest = store.latest_floor() if full else store.latest()
    if latest is None:
        return Start(None, "genesis")
    checkpoint = verify_checkpoint(latest, signer)
    return Start(checkpoint, FLOOR if checkpoint.kind == FLOOR else "checkpoint")


def expected_links(conn: Connection, start: Start, n_chains: int) -> int:
    """Counts the links a run will check (for the progress bar)."""
    recorded = SqlAuditStore(conn).heads()
    starts = starts_of(start.checkpoint, n_chains, recorded)
    return sum(max(recorded[s.chain].seq - s.seq, 0) for s in starts if s.chain in recorded)


def verify_log(
    conn: Connection,
    key: AuditKey,
    n_chains: int,
    start: Start,
    *,
    on_progress: Callable[[int], None] | None = None,
    progress_file: Path | None = None,
) -> LogReport:
    """Verifies every chain; reports links checked and keeps a signed resume point on disk."""
    store = SqlAuditStore(conn)
    recorded = store.heads()
    trusted = start.checkpoint
    starts = starts_of(trusted, n_chains, recorded)
    anchored = trusted is None or trusted.anchored
    reached: dict[int, ChainHead] = {}
    signer = HmacSigner(key)

    def advance(head: ChainHead) -> None:
        before = reached.get(head.chain, starts[head.chain])
        reached[head.chain] = head
        if on_progress is not None:
            on_progress(head.seq - before.seq)
        if progress_file is not None and anchored:
            _save(progress_file, sign(progress_of(starts, reached, utcnow()), signer))

    reports = []
    for first in starts:
        report = verify_one(
            store, key, first, recorded.get(first.chain), anchored=anchored, on_progress=advance
        )
        reports.append(report)
        if report.intact:
            advance(report.verified)
    result = LogReport(tuple(reports))
    if progress_file is not None and result.intact:
        progress_file.unlink(missing_ok=True)
    return result


def _save(path: Path, signed: SignedCheckpoint) -> None:
    """Writes the resume point atomically (a crash leaves the old one or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".tmp")
    scratch.write_text(export(signed), "utf-8")
    scratch.replace(path)
