"""Cipher suites (AES-256-GCM, SM4-GCM for 国密) behind one small AEAD interface."""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Final, Protocol

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cdp.crypto.errors import InvalidKeyMaterial, UnsupportedSuite

TAG_LENGTH: Final = 16


class CipherSuite(StrEnum):
    """Field cipher; the value is what configuration and the database store."""

    AES256GCM = "aes256gcm"
    SM4GCM = "sm4gcm"


_KEY_LENGTHS: Final = {CipherSuite.AES256GCM: 32, CipherSuite.SM4GCM: 16}
_BLIND_INDEX_HASHES: Final = {CipherSuite.AES256GCM: "sha256", CipherSuite.SM4GCM: "sm3"}
SUITE_CODES: Final = {CipherSuite.AES256GCM: 1, CipherSuite.SM4GCM: 2}
SUITES_BY_CODE: Final = {code: suite for suite, code in SUITE_CODES.items()}


class Aead(Protocol):
    """An AEAD cipher bound to one key; `decrypt` raises `InvalidTag` on any mismatch."""

    def encrypt(self, nonce: bytes, data: bytes, aad: bytes, /) -> bytes: ...

    def decrypt(self, nonce: bytes, data: bytes, aad: bytes, /) -> bytes: ...


def key_length(suite: CipherSuite) -> int:
    """Return the key size in bytes the suite needs."""
    return _KEY_LENGTHS[suite]


def blind_index_hash(suite: CipherSuite) -> str:
    """Return the HMAC hash that matches the suite's crypto family (SM3 for 国密)."""
    return _BLIND_INDEX_HASHES[suite]


def make_aead(suite: CipherSuite, key: bytes) -> Aead:
    """Build the cipher once per key; callers reuse it because construction is costly."""
    if len(key) != _KEY_LENGTHS[suite]:
        raise InvalidKeyMaterial(f"{suite} needs a {_KEY_LENGTHS[suite]}-byte key")
    if suite is CipherSuite.SM4GCM:
        return Sm4Gcm(key)
    return AESGCM(key)


class Sm4Gcm:
    """SM4-GCM with the 16-byte tag appended, shaped like `AESGCM`."""

    __slots__ = ("_algorithm",)

    def __init__(self, key: bytes) -> None:
        if not sm4_gcm_supported():
            raise UnsupportedSuite("SM4-GCM is missing from this OpenSSL build; use aes256gcm")
        self._algorithm = algorithms.SM4(key)

    def __repr__(self) -> str:
        return "Sm4Gcm(<key hidden>)"

    def encrypt(self, nonce: bytes, data: bytes, aad: bytes, /) -> bytes:
        """Encrypt and append the tag so the blob is self-contained."""
        encryptor = Cipher(self._algorithm, modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        body = encryptor.update(data) + encryptor.finalize()
        return body + encryptor.tag

    def decrypt(self, nonce: bytes, data: bytes, aad: bytes, /) -> bytes:
        """Decrypt and verify the trailing tag, raising `InvalidTag` like `AESGCM`."""
        if len(data) < TAG_LENGTH:
            raise InvalidTag
        mode = modes.GCM(nonce, data[-TAG_LENGTH:])
        decryptor = Cipher(self._algorithm, mode).decryptor()
        decryptor.authenticate_additional_data(aad)
        return decryptor.update(data[:-TAG_LENGTH]) + decryptor.finalize()


@functools.cache
def sm4_gcm_supported() -> bool:
    """Probe once whether the linked OpenSSL offers SM4-GCM (some FIPS builds drop it)."""
    try:
        Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(12))).encryptor()
    except UnsupportedAlgorithm:
        return False
    return True
