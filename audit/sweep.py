"""Verifying the whole log: every chain from the last trusted checkpoint to the store's heads.

This is what `cdp audit verify` runs. Each chain starts from its head in the trusted checkpoint
(or from genesis for a full run); the checkpointed link itself must still be stored as signed, and
the chain must reach the head the store records. An intact run yields the heads for the next
checkpoint, so verification resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from audit.chain import ChainHead, genesis
from audit.checkpoint import Checkpoint, CheckpointSigner, verify_checkpoint
from audit.errors import CheckpointInvalid
from audit.findings import Break, ChainReport, Tamper
from audit.keys import AuditKey
from audit.ports import AuditStore, CheckpointStore, StoredLink
from audit.verify import DEFAULT_LOOKAHEAD, Progress, verify_chain


@dataclass(frozen=True, slots=True)
class LogReport:
    """Every chain's report, in chain order."""

    chains: tuple[ChainReport, ...]

    @property
    def intact(self) -> bool:
        """Tells whether every chain verified (the CLI exits 0 only then)."""
        return all(report.intact for report in self.chains)

    @property
    def checked(self) -> int:
        """Returns how many links verified, over all chains."""
        return sum(report.checked for report in self.chains)


def trusted_checkpoint(store: CheckpointStore, signer: CheckpointSigner) -> Checkpoint | None:
    """Loads the latest checkpoint and checks its signature; raises CheckpointInvalid if forged."""
    latest = store.latest()
    return None if latest is None else verify_checkpoint(latest, signer)


def _anchor(links: Iterator[StoredLink], start: ChainHead) -> Break | None:
    """Checks that the checkpointed link is still stored as it was signed."""
    anchor = next(links, None)
    if anchor is None:
        return Break(Tamper.TRUNCATED, start.seq, "the chain ends before its checkpointed link")
    if anchor.seq != start.seq:
        return Break(Tamper.DELETED, start.seq, "the checkpointed link is missing")
    if anchor.hash != start.hash:
        return Break(Tamper.MODIFIED, start.seq, "the checkpointed link was changed")
    return None


def verify_one(
    store: AuditStore,
    key: AuditKey,
    start: ChainHead,
    recorded: ChainHead | None,
    lookahead: int = DEFAULT_LOOKAHEAD,
    *,
    anchored: bool = True,
    on_progress: Progress | None = None,
) -> ChainReport:
    """Verifies one chain from a trusted head up to (at least) the head the store records.

    `anchored` (a heads checkpoint) also requires the trusted link itself to be stored; a floor
    (after a prune) only requires the next stored link to follow it.
    """
    anchor = anchored and start.seq > 0
    links = iter(store.links(start.chain, start.seq - 1 if anchor else start.seq))
    if anchor and (broken := _anchor(links, start)) is not None:
        return ChainReport(start.chain, start, start, 0, broken)
    expect = recorded if recorded is not None and recorded.seq >= start.seq else None
    return verify_chain(
        links, key, start, expect=expect, lookahead=lookahead, on_progress=on_progress
    )


def verify_store(
    store: AuditStore,
    key: AuditKey,
    n_chains: int,
    *,
    trusted: Checkpoint | None = None,
    lookahead: int = DEFAULT_LOOKAHEAD,
    on_progress: Progress | None = None,
) -> LogReport:
    """Verifies every chain (configured, checkpointed or stored) from the trusted checkpoint."""
    recorded = store.heads()
    anchored = trusted is None or trusted.anchored
    return LogReport(
        tuple(
            verify_one(
                store,
                key,
                start,
                recorded.get(start.chain),
                lookahead,
                anchored=anchored,
                on_progress=on_progress,
            )
            for start in starts_of(trusted, n_chains, recorded)
        )
    )


def starts_of(
    trusted: Checkpoint | None, n_chains: int, recorded: Mapping[int, ChainHead]
) -> list[ChainHead]:
    """Where each chain's verification starts: its trusted head, or genesis."""
    known = len(trusted.heads) if trusted is not None else 0
    count = max(n_chains, known, max(recorded, default=-1) + 1)
    return [
        trusted.head(c) if trusted is not None and c < known else genesis(c) for c in range(count)
    ]


def checkpoint_of(report: LogReport, at: datetime) -> Checkpoint:
    """Builds the next checkpoint from an intact run's verified heads (sign it, then export it)."""
    if not report.intact:
        raise CheckpointInvalid("a checkpoint may only bless chains that verified")
    return Checkpoint(tuple(chain.verified for chain in report.chains), at)


def progress_of(
    starts: list[ChainHead], reached: Mapping[int, ChainHead], at: datetime
) -> Checkpoint:
    """A partial run's heads (reached, else start) to resume from; only intact prefixes count."""
    return Checkpoint(tuple(reached.get(s.chain, s) for s in starts), at)
