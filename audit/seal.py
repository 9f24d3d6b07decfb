"""Sealing: guard, encode and link a transaction's events onto one chain, in order.

The application's `AuditSink` locks the chain's head row, calls `seal`, inserts the links and
moves the head, all in the caller's transaction: if any step raises, the operation fails closed.
One transaction appends to one chain (chosen with `chain_id_for`), so it takes one head lock.
"""

from __future__ import annotations

from collections.abc import Iterable

from audit.canonical import encode
from audit.chain import ChainHead, ChainLink, link_mac
from audit.events import AuditEvent
from audit.keys import AuditKey


def seal(events: Iterable[AuditEvent], head: ChainHead, key: AuditKey) -> list[ChainLink]:
    """Returns the links for events appended after a head; the last one is the new head."""
    chain, seq, prev = head.chain, head.seq, head.hash
    links: list[ChainLink] = []
    for event in events:
        body = encode(event)
        seq += 1
        prev_hash, prev = prev, link_mac(key, chain, seq, prev, body)
        links.append(ChainLink(chain, seq, prev_hash, prev, body))
    return links
