"""The hash chain: each link MACs its chain, position, predecessor's hash and canonical body.

`hash = HMAC-SHA256(link key, chain (4 bytes) || seq (8 bytes) || prev_hash (32) || body)`, all
big-endian and fixed-width before the body, so no two inputs share an encoding. The log is split
into several chains so concurrent writers do not queue on one head; each chain starts at its own
genesis head (seq 0, 32 zero bytes) and numbers its links 1, 2, 3, ...
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from audit.keys import AuditKey

HASH_BYTES = 32
MAX_CHAINS = 2**31
POSITION = struct.Struct(">IQ")  # chain (4 bytes), seq (8 bytes), big-endian


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The newest link of a chain as far as someone knows it: where to append or resume."""

    chain: int
    seq: int
    hash: bytes


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One sealed record: its place in a chain, the MAC chain and the canonical event body."""

    chain: int
    seq: int
    prev_hash: bytes
    hash: bytes
    body: bytes

    @property
    def head(self) -> ChainHead:
        """Returns the chain head this link makes."""
        return ChainHead(self.chain, self.seq, self.hash)


def genesis(chain: int) -> ChainHead:
    """Returns the head of an empty chain."""
    return ChainHead(chain, 0, bytes(HASH_BYTES))


def link_mac(key: AuditKey, chain: int, seq: int, prev_hash: bytes, body: bytes) -> bytes:
    """Computes a link's MAC from its position, predecessor and body."""
    return key.links.digest(POSITION.pack(chain, seq) + prev_hash + body)


def link(prev: ChainHead, body: bytes, key: AuditKey) -> ChainLink:
    """Seals a body as the next link after a head."""
    seq = prev.seq + 1
    mac = link_mac(key, prev.chain, seq, prev.hash, body)
    return ChainLink(prev.chain, seq, prev.hash, mac, body)


def chain_id_for(routing_key: str, n_chains: int) -> int:
    """Maps a routing key (a request id, a customer id) to a chain, the same way every time."""
    if not 0 < n_chains <= MAX_CHAINS:
        raise ValueError(f"n_chains must be between 1 and {MAX_CHAINS}")
    digest = hashlib.blake2b(routing_key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % n_chains
