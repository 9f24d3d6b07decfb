"""API keys: `cdpk_<prefix>_<secret>`, stored only as a SHA-256 digest found by its prefix.

The secret is 32 random bytes (256 bits), so a plain SHA-256 digest cannot be brute-forced and
needs no further key: a keyed HMAC would only add a key the API must load to authenticate, and
a slow password hash (argon2, bcrypt) would cost milliseconds per request for no gain. The
prefix is random too (48 bits), stored in clear and unique, so a lookup is one indexed query.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import NamedTuple

KEY_SCHEME = "cdpk"
PREFIX_HEX = 12  # 48 random bits: collisions are refused by the unique index and retried
SECRET_BYTES = 32
MAX_KEY_LENGTH = 128
_KEY = re.compile(rf"{KEY_SCHEME}_(?P<prefix>[0-9a-f]{{{PREFIX_HEX}}})_[A-Za-z0-9_-]{{43}}")
_DUMMY_HASH = hashlib.sha256(b"cdpk_no_such_key").hexdigest()


class KeyMaterial(NamedTuple):
    """A fresh key with what is stored of it: the lookup prefix and the digest."""

    key: str
    prefix: str
    digest: str


def new_key_material() -> KeyMaterial:
    """Returns a fresh random API key with its prefix and digest."""
    prefix = secrets.token_hex(PREFIX_HEX // 2)
    key = f"{KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return KeyMaterial(key, prefix, hash_key(key))


def new_key() -> str:
    """Returns a fresh random API key (shown once, never stored)."""
    return new_key_material().key


def key_prefix(key: str) -> str | None:
    """Returns the lookup prefix of a well-formed key, or None for anything else."""
    if len(key) > MAX_KEY_LENGTH:
        return None
    found = _KEY.fullmatch(key)
    return found["prefix"] if found else None


def hash_key(key: str) -> str:
    """Returns the hex SHA-256 digest stored for a key (over-long input hashes to a dummy)."""
    if len(key) > MAX_KEY_LENGTH:
        return _DUMMY_HASH
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def hashes_match(stored: str | None, presented: str) -> bool:
    """Compares digests in constant time; a missing row still costs one comparison."""
    return hmac.compare_digest(stored or _DUMMY_HASH, presented) and stored is not None
