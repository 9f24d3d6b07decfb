"""Verification: walk a chain from a trusted head and report how far it holds and where it breaks.

The walk recomputes each link's MAC over the stored bytes (no decoding, no re-serialising), so
it costs one HMAC per link. At the first failure it reads a window ahead and lets
`audit.classify` name the break. Resume a later run from `ChainReport.verified`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from audit.chain import POSITION, ChainHead
from audit.classify import Scene, classify
from audit.decoding import IndexedColumns, columns_of
from audit.errors import AuditEventInvalid
from audit.findings import Break, ChainReport, Tamper
from audit.keys import AuditKey
from audit.ports import StoredLink

DEFAULT_LOOKAHEAD = 4096
PROGRESS_EVERY = 10_000  # links between progress reports (a verified head to resume from)
L = TypeVar("L", bound=StoredLink)
Progress = Callable[[ChainHead], None]


def _columns_agree(link: L, indexed: Callable[[L], IndexedColumns]) -> bool:
    """Tells whether a row's indexed columns say what its signed body says."""
    try:
        return columns_of(link.body) == indexed(link)
    except AuditEventInvalid:
        return False


def _named(scene: Scene, rest: Iterator[StoredLink], lookahead: int) -> Break:
    """Reads a window of links after a failing one and names the break."""
    window = [*scene.window, *islice(rest, lookahead)]
    return classify(Scene(scene.key, scene.head, window, scene.expect))


def _walk(
    links: Iterable[L],
    key: AuditKey,
    start: ChainHead,
    expect: ChainHead | None,
    indexed: Callable[[L], IndexedColumns] | None,
    lookahead: int,
    on_progress: Progress | None = None,
) -> tuple[ChainHead, Break | None]:
    """Returns the last verified head and the first break (None when the chain holds)."""
    chain, digest, pack, equal = start.chain, key.links.digest, POSITION.pack, hmac.compare_digest
    seq, last, prior = start.seq, start.hash, start.hash  # prior: the hash before `last`
    stop = expect.seq if expect is not None else -1
    previous: StoredLink | None = None
    rest = iter(links)
    for item in rest:
        due = seq + 1
        try:
            holds = (
                item.seq == due
                and item.prev_hash == last
                and equal(digest(pack(chain, due) + last + item.body), item.hash)
            )
        except TypeError:  # a NULL or mistyped column: the classifier names it
            holds = False
        if not holds:
            if previous is not None and item.seq == seq:  # a twin of the last link: step back
                head = ChainHead(chain, seq - 1, prior)
                return head, _named(Scene(key, head, [previous, item], expect), rest, lookahead)
            head = ChainHead(chain, seq, last)
            return head, _named(Scene(key, head, [item], expect), rest, lookahead)
        if indexed is not None and not _columns_agree(item, indexed):
            detail = "indexed columns disagree with the signed body"
            return ChainHead(chain, seq, last), Break(Tamper.MODIFIED, due, detail)
        if due == stop and expect is not None and item.hash != expect.hash:
            detail = "the link differs from the expected head"
            return ChainHead(chain, seq, last), Break(Tamper.MODIFIED, due, detail)
        seq, last, prior, previous = due, item.hash, last, item
        if on_progress is not None and due % PROGRESS_EVERY == 0:
            on_progress(ChainHead(chain, due, last))
    head = ChainHead(chain, seq, last)
    if expect is not None and seq < expect.seq:
        return head, classify(Scene(key, head, [], expect))
    return head, None


def verify_chain(
    links: Iterable[L],
    key: AuditKey,
    start: ChainHead,
    *,
    expect: ChainHead | None = None,
    indexed: Callable[[L], IndexedColumns] | None = None,
    lookahead: int = DEFAULT_LOOKAHEAD,
    on_progress: Progress | None = None,
) -> ChainReport:
    """Verifies the links after `start` (in seq order) and names the first break, if any.

    `expect` is a head the chain must reach (the latest checkpoint or the store's head row);
    without one a truncated tail cannot show. `indexed` returns a row's indexed columns, which
    must match its body. `on_progress` gets a verified head every `PROGRESS_EVERY` links.
    """
    head, broken = _walk(links, key, start, expect, indexed, lookahead, on_progress)
    return ChainReport(start.chain, start, head, head.seq - start.seq, broken)
