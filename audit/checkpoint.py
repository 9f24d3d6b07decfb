"""Checkpoints: every chain's head at one instant, signed, so truncation and rollback show.

Export them (`checkpoint_wire.export`) to a system outside the database (a WORM bucket, a ticket,
another bank system): the database's writers can then neither move a head back nor forge one.
Signing goes through `CheckpointSigner`, so a deployment may swap the HMAC signer for an
asymmetric one (SM2, Ed25519) that outside parties can verify without the audit key.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from audit.canonical import instant
from audit.chain import HASH_BYTES, ChainHead
from audit.errors import CheckpointInvalid
from audit.keys import AuditKey

CHECKPOINT_VERSION = 1
HEADS = "heads"  # heads that verified: the links they name must still be stored
FLOOR = "floor"  # the last links a prune removed: the chains now start right after them
KINDS = (HEADS, FLOOR)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The heads of chains 0..n-1, in order, at `created_at` (UTC); `kind` is heads or floor."""

    heads: tuple[ChainHead, ...]
    created_at: datetime
    kind: str = HEADS

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise CheckpointInvalid(f"a checkpoint's kind is one of {', '.join(KINDS)}")
        if [head.chain for head in self.heads] != list(range(len(self.heads))) or not self.heads:
            raise CheckpointInvalid("a checkpoint holds one head for each chain 0..n-1, in order")
        if any(head.seq < 0 or len(head.hash) != HASH_BYTES for head in self.heads):
            raise CheckpointInvalid("a head has a negative seq or a hash of the wrong size")
        if self.created_at.tzinfo is None:
            raise CheckpointInvalid("created_at must be timezone-aware")
        object.__setattr__(self, "created_at", self.created_at.astimezone(UTC))

    @property
    def anchored(self) -> bool:
        """Tells whether the named links must still be stored (not so after a prune)."""
        return self.kind == HEADS

    @property
    def count(self) -> int:
        """Returns how many links the checkpoint covers, over all chains."""
        return sum(head.seq for head in self.heads)

    def head(self, chain: int) -> ChainHead:
        """Returns one chain's head."""
        return self.heads[chain]


class CheckpointSigner(Protocol):
    """Signs and checks checkpoint payloads under a named key."""

    @property
    def key_id(self) -> str: ...

    def sign(self, payload: bytes) -> bytes: ...

    def verify(self, payload: bytes, signature: bytes) -> bool: ...


class HmacSigner:
    """Signs checkpoints with the audit key's checkpoint sub-key (never the link sub-key)."""

    def __init__(self, key: AuditKey) -> None:
        self._key = key

    @property
    def key_id(self) -> str:
        """Names the key, so a verifier can pick the right one."""
        return self._key.key_id

    def sign(self, payload: bytes) -> bytes:
        """Returns the HMAC-SHA256 of a payload."""
        return self._key.checkpoints.digest(payload)

    def verify(self, payload: bytes, signature: bytes) -> bool:
        """Tells whether a signature is this key's, in constant time."""
        return hmac.compare_digest(self.sign(payload), signature)


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint with the id of the signing key and the signature over `payload`."""

    checkpoint: Checkpoint
    key_id: str
    signature: bytes


def document(checkpoint: Checkpoint, key_id: str) -> dict[str, object]:
    """Returns the JSON document of a checkpoint (without its signature)."""
    return {
        "chains": [
            {"chain": h.chain, "seq": h.seq, "hash": h.hash.hex()} for h in checkpoint.heads
        ],
        "count": checkpoint.count,
        "created_at": instant(checkpoint.created_at),
        "key_id": key_id,
        "kind": checkpoint.kind,
        "v": CHECKPOINT_VERSION,
    }


def payload(checkpoint: Checkpoint, key_id: str) -> bytes:
    """Returns the canonical bytes a signature covers."""
    text = json.dumps(document(checkpoint, key_id), sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def sign(checkpoint: Checkpoint, signer: CheckpointSigner) -> SignedCheckpoint:
    """Signs a checkpoint."""
    signature = signer.sign(payload(checkpoint, signer.key_id))
    return SignedCheckpoint(checkpoint, signer.key_id, signature)


def verify_checkpoint(signed: SignedCheckpoint, signer: CheckpointSigner) -> Checkpoint:
    """Returns the checkpoint when its signature verifies; raises CheckpointInvalid otherwise."""
    if signed.key_id != signer.key_id:
        raise CheckpointInvalid(f"signed with key {signed.key_id!r}, not {signer.key_id!r}")
    if not signer.verify(payload(signed.checkpoint, signed.key_id), signed.signature):
        raise CheckpointInvalid("the signature does not verify: do not trust these heads")
    return signed.checkpoint
