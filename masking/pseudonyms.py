"""Keyed pseudonyms per audience domain (DOMAIN.md §4.3): stable within a domain, unlinkable across.

A domain's key is HKDF-SHA256(master key, info=`cdp/pseudonym/v1/<domain>`); the pseudonym is the
HMAC of the customer id under it, truncated to 128 bits and written as 32 lowercase hex digits
(URL-safe, fixed length, safe in case-insensitive tools and spreadsheets). Without the master key,
which the analytics side never holds, a pseudonym cannot be reversed or linked across domains.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from typing import Final

PSEUDONYM_LENGTH: Final = 32
MIN_MASTER_KEY_LENGTH: Final = 32
_DIGEST_BYTES: Final = 16
_INFO_PREFIX: Final = b"cdp/pseudonym/v1/"

Mac = Callable[[bytes], bytes]
MacFactory = Callable[[bytes], Mac]


class UnknownDomain(KeyError):
    """A pseudonym was asked for in a domain the configuration does not name."""


def hmac_sha256(key: bytes) -> Mac:
    """Returns HMAC-SHA256 under `key` (the default; the application may inject HMAC-SM3)."""
    return lambda message: hmac.digest(key, message, "sha256")


def derive_domain_key(master_key: bytes, domain: str) -> bytes:
    """Derives a domain's key with HKDF-SHA256 (RFC 5869, empty salt), so domains stay apart."""
    prk = hmac.digest(b"\0" * hashlib.sha256().digest_size, master_key, "sha256")
    return hmac.digest(prk, _INFO_PREFIX + domain.encode() + b"\x01", "sha256")


class Pseudonymiser:
    """Turns customer ids into per-domain pseudonyms; holds the derived keys, never prints them."""

    __slots__ = ("_macs",)

    def __init__(
        self, master_key: bytes, domains: Iterable[str], mac: MacFactory = hmac_sha256
    ) -> None:
        if len(master_key) < MIN_MASTER_KEY_LENGTH:
            raise ValueError(f"the pseudonym master key needs {MIN_MASTER_KEY_LENGTH}+ bytes")
        names = tuple(domains)
        if not names or any(not name or not name.isidentifier() for name in names):
            raise ValueError("pseudonym domains must be non-empty identifiers")
        self._macs = {name: mac(derive_domain_key(master_key, name)) for name in names}

    def __repr__(self) -> str:
        return f"Pseudonymiser(<keys hidden>, domains={sorted(self._macs)!r})"

    @property
    def domains(self) -> frozenset[str]:
        """Names the configured domains."""
        return frozenset(self._macs)

    def pseudonym(self, domain: str, customer_id: str) -> str:
        """Returns the customer's pseudonym in one domain."""
        mac = self._macs.get(domain)
        if mac is None:
            raise UnknownDomain(domain)
        return mac(customer_id.encode())[:_DIGEST_BYTES].hex()
