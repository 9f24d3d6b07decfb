"""The audit key, held apart from the data keys; link and checkpoint MACs derive from it by label.

Whoever can write the database but does not hold this key cannot produce a link or a checkpoint
that verifies. Distinct labels keep a link MAC from ever passing as a checkpoint signature.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from audit.errors import AuditKeyInvalid

MIN_SECRET_BYTES = 32
LINK_LABEL = b"privacy-cdp/audit/link/v1"
CHECKPOINT_LABEL = b"privacy-cdp/audit/checkpoint/v1"
_BLOCK = 64  # SHA-256 block size
_IPAD = bytes(b ^ 0x36 for b in range(256))
_OPAD = bytes(b ^ 0x5C for b in range(256))


class Hmac:
    """HMAC-SHA256 (RFC 2104) with both padded keys hashed once, so each message costs less."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(key.translate(_IPAD))
        self._outer = hashlib.sha256(key.translate(_OPAD))

    def digest(self, message: bytes) -> bytes:
        """Returns the 32-byte MAC of a message."""
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def __repr__(self) -> str:
        return "Hmac(<secret>)"


@dataclass(frozen=True, slots=True)
class AuditKey:
    """A named audit secret; `links` signs chain links, `checkpoints` signs chain heads."""

    key_id: str
    secret: bytes = field(repr=False)
    links: Hmac = field(init=False, repr=False, compare=False)
    checkpoints: Hmac = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.key_id:
            raise AuditKeyInvalid("an audit key needs an id")
        if len(self.secret) < MIN_SECRET_BYTES:
            raise AuditKeyInvalid(f"an audit key needs at least {MIN_SECRET_BYTES} bytes")
        object.__setattr__(self, "links", Hmac(self.derive(LINK_LABEL)))
        object.__setattr__(self, "checkpoints", Hmac(self.derive(CHECKPOINT_LABEL)))

    def derive(self, label: bytes) -> bytes:
        """Derives the sub-key for one use, so each use has its own key."""
        return hmac.digest(self.secret, label, "sha256")
