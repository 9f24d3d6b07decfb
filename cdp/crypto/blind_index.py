"""Blind indexes: keyed, truncated HMACs that let equality search run over encrypted columns.

Each column gets its own key, derived with HKDF-SHA256 from a master key kept apart from the
KEKs, so equal values in two columns do not link. Values arrive already canonical.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cdp.crypto.keymaterial import (
    create_secret_file,
    decode_b64_key,
    encode_b64_key,
    make_private_dir,
    read_secret_file,
)

DIGEST_LENGTH: Final = 16
MIN_MASTER_KEY_LENGTH: Final = 32
HASH_NAMES: Final = ("sha256", "sm3")
_INFO_PREFIX: Final = b"cdp/blind-index/v1/"

Mac = Callable[[bytes], bytes]


class BlindIndexer:
    """Compute 16-byte blind-index digests with one derived key per column."""

    def __init__(self, master_key: bytes, hash_name: str = "sha256") -> None:
        if len(master_key) < MIN_MASTER_KEY_LENGTH:
            raise ValueError(f"the blind-index master key needs {MIN_MASTER_KEY_LENGTH}+ bytes")
        if hash_name not in HASH_NAMES:
            raise ValueError(f"blind-index hash must be one of {HASH_NAMES}")
        self._master_key = master_key
        self.hash_name = hash_name
        self._macs: dict[str, Mac] = {}

    def __repr__(self) -> str:
        return f"BlindIndexer(<key hidden>, {self.hash_name!r})"

    def digest(self, column: str, canonical_value: str) -> bytes:
        """Return the column's blind index of an already-normalised value."""
        mac = self._macs.get(column)
        if mac is None:
            mac = self._macs[column] = make_mac(self.hash_name, self.column_key(column))
        return mac(canonical_value.encode())[:DIGEST_LENGTH]

    def column_key(self, column: str) -> bytes:
        """Derive the column's HMAC key, so a leaked column key exposes only that column."""
        hkdf = HKDF(hashes.SHA256(), 32, salt=None, info=_INFO_PREFIX + column.encode())
        return hkdf.derive(self._master_key)


def make_mac(hash_name: str, key: bytes) -> Mac:
    """Build a fast HMAC function, falling back to cryptography's SM3 when hashlib lacks it."""
    try:
        return _prekeyed_hmac(hash_name, key)
    except ValueError:
        if hash_name != "sm3":
            raise
    return functools.partial(_cryptography_hmac_sm3, key)


def _prekeyed_hmac(hash_name: str, key: bytes) -> Mac:
    """Precompute HMAC's inner and outer pad states (RFC 2104): ~3x faster than hmac.digest."""
    inner, outer = hashlib.new(hash_name), hashlib.new(hash_name)
    if len(key) > inner.block_size:
        key = hashlib.new(hash_name, key).digest()
    key = key.ljust(inner.block_size, b"\0")
    inner.update(bytes(byte ^ 0x36 for byte in key))
    outer.update(bytes(byte ^ 0x5C for byte in key))

    def mac(message: bytes) -> bytes:
        inner_state, outer_state = inner.copy(), outer.copy()
        inner_state.update(message)
        outer_state.update(inner_state.digest())
        return outer_state.digest()

    return mac


def _cryptography_hmac_sm3(key: bytes, message: bytes) -> bytes:
    """Compute HMAC-SM3 through cryptography, for Pythons whose OpenSSL hides SM3 from hashlib."""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize()


def master_key_from_b64(text: str) -> bytes:
    """Decode a base64 master key (e.g. ``CDP_BLIND_INDEX_KEY``) and check its length."""
    return decode_b64_key(
        text, "the blind-index master key", length=MIN_MASTER_KEY_LENGTH, exact=False
    )


def load_or_create_master_key(path: Path) -> bytes:
    """Read the master key file, creating a random one atomically on first run."""
    if not path.exists():
        make_private_dir(path.parent)
        with contextlib.suppress(FileExistsError):  # another process won: use its key
            create_secret_file(path, encode_b64_key(os.urandom(MIN_MASTER_KEY_LENGTH)))
    return decode_b64_key(
        read_secret_file(path), str(path), length=MIN_MASTER_KEY_LENGTH, exact=False
    )
