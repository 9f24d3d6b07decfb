"""Key-encryption keys: the provider port, the wrapped-key format and placeholder detection."""

from __future__ import annotations

import base64
import itertools
from typing import Final, Protocol

from cdp.crypto.envelope import header_key_version_of, seal_framed, unseal_framed
from cdp.crypto.errors import CiphertextInvalid
from cdp.crypto.suite import Aead, CipherSuite

WRAP_FORMAT_V1: Final = 0x11
_PRINTABLE: Final = frozenset(range(0x20, 0x7F))
_PLACEHOLDER_WORDS: Final = ("changeme", "password", "passwd", "secret", "example", "default")


class KekProvider(Protocol):
    """Source of versioned key-encryption keys; DEKs are wrapped here and never stored bare."""

    name: str

    def versions(self) -> list[int]:
        """Return the available KEK versions in ascending order."""
        ...

    def wrap(self, version: int, dek: bytes, aad: bytes) -> bytes:
        """Encrypt a data key under KEK `version`, bound to `aad`."""
        ...

    def unwrap(self, version: int, wrapped: bytes, aad: bytes) -> bytes:
        """Decrypt a data key; raise `CiphertextInvalid` or `KekUnavailable` on failure."""
        ...

    def create_version(self) -> int:
        """Create the next KEK version, or raise `KekUnavailable` if this provider cannot."""
        ...

    def destroy_version(self, version: int) -> None:
        """Destroy a KEK version so every key wrapped only by it becomes unreadable."""
        ...


def wrap_key(aead: Aead, suite: CipherSuite, version: int, dek: bytes, aad: bytes) -> bytes:
    """Wrap a data key in the versioned frame that local KEK providers store."""
    return seal_framed(WRAP_FORMAT_V1, aead, suite, version, dek, aad)


def unwrap_key(aead: Aead, version: int, wrapped: bytes, aad: bytes) -> bytes:
    """Unwrap a data key, refusing a frame that names another KEK version."""
    if header_key_version_of(WRAP_FORMAT_V1, wrapped) != version:
        raise CiphertextInvalid("wrapped key belongs to another KEK version")
    return unseal_framed(WRAP_FORMAT_V1, aead, wrapped, aad)


def is_placeholder_key(key: bytes) -> bool:
    """Tell whether a key looks typed by a person or left from a template, to refuse it in prod."""
    return (
        len(set(key)) <= max(1, len(key) // 4)
        or _is_byte_run(key)
        or _is_text(key)
        or _base64_spells_word(key)
    )


def _is_byte_run(key: bytes) -> bool:
    """Spot keys like ``bytes(range(32))`` that test fixtures tend to use."""
    steps = {(b - a) % 256 for a, b in itertools.pairwise(key)}
    return len(steps) == 1


def _is_text(key: bytes) -> bool:
    """Spot typed keys: a random 16-byte key is all printable ASCII about once in 10^7."""
    return all(byte in _PRINTABLE for byte in key)


def _base64_spells_word(key: bytes) -> bool:
    """Spot keys whose base64 form is a word, e.g. an env var set to ``secretsecret...``."""
    encoded = base64.b64encode(key).lower()
    return any(word.encode() in encoded for word in _PLACEHOLDER_WORDS)
