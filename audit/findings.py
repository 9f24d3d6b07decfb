"""What verification finds: per chain, how far it verified and the first break, by name."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from audit.chain import ChainHead


class Tamper(StrEnum):
    """What happened at the first break of a chain (the rules are in `audit.classify`)."""

    MODIFIED = "modified"  # a link's body, hash or prev_hash changed in place
    DELETED = "deleted"  # links are missing from the middle (renumbered or not)
    INSERTED = "inserted"  # a link that does not verify was added (forged, or a replayed copy)
    REORDERED = "reordered"  # authentic links sit at the wrong positions (swapped, moved)
    TRUNCATED = "truncated"  # the chain ends before the head a checkpoint or the store expects
    REHASHED = "rehashed"  # hashes were recomputed without the key from a link to the end


@dataclass(frozen=True, slots=True)
class Break:
    """The first break of a chain: what, at which seq, and a sentence that never shows a body."""

    kind: Tamper
    seq: int
    detail: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """One chain's verification: from `start`, up to `verified` (resume there), with `checked`."""

    chain: int
    start: ChainHead
    verified: ChainHead
    checked: int
    broken: Break | None = None

    @property
    def intact(self) -> bool:
        """Tells whether every link read verified and nothing expected was missing."""
        return self.broken is None
