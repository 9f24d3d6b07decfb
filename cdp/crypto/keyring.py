"""Per-customer data keys (DEKs): wrapped by a KEK for storage, unwrapped once and cached.

The caller stores `NewDataKey.wrapped` with its KEK and DEK versions; deleting that row
crypto-shreds the customer, after which `DataKeyring.forget` drops the cached cipher.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from cdp.crypto.errors import CiphertextInvalid
from cdp.crypto.kek import KekProvider
from cdp.crypto.suite import Aead, CipherSuite, key_length, make_aead

FIRST_DEK_VERSION: Final = 1
DEFAULT_CACHE_SIZE: Final = 100_000


@dataclass(frozen=True, slots=True)
class NewDataKey:
    """A fresh DEK: what to store (`wrapped` and versions) and the cipher to use now."""

    wrapped: bytes
    kek_version: int
    dek_version: int
    aead: Aead = field(repr=False)


class _Entry(NamedTuple):
    kek_version: int
    wrapped: bytes
    aead: Aead


def data_key_aad(customer_id: str, dek_version: int) -> bytes:
    """Bind a wrapped DEK to its customer and version so it cannot be reassigned."""
    return f"customer_key|{customer_id}|{dek_version}".encode()


class DataKeyring:
    """Create, unwrap, cache and re-wrap customer DEKs under a `KekProvider`."""

    def __init__(
        self,
        provider: KekProvider,
        suite: CipherSuite,
        active_kek_version: int,
        *,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        if cache_size < 0:
            raise ValueError("cache_size must not be negative")
        self.active_kek_version = active_kek_version
        self.unwrap_count = 0
        self._provider = provider
        self._suite = suite
        self._cache_size = cache_size
        self._cache: OrderedDict[tuple[str, int], _Entry] = OrderedDict()
        self._max_dek_version = FIRST_DEK_VERSION
        self._lock = threading.Lock()

    def new_data_key(self, customer_id: str, *, dek_version: int = FIRST_DEK_VERSION) -> NewDataKey:
        """Generate a DEK, wrap it under the active KEK and cache its cipher."""
        dek = os.urandom(key_length(self._suite))
        aad = data_key_aad(customer_id, dek_version)
        wrapped = self._provider.wrap(self.active_kek_version, dek, aad)
        aead = make_aead(self._suite, dek)
        self._remember(customer_id, dek_version, _Entry(self.active_kek_version, wrapped, aead))
        return NewDataKey(wrapped, self.active_kek_version, dek_version, aead)

    def aead_for(
        self, customer_id: str, wrapped: bytes, kek_version: int, dek_version: int
    ) -> Aead:
        """Return the customer's cipher, unwrapping only when the cache misses."""
        entry = self._lookup(customer_id, dek_version)
        if entry is not None and entry.kek_version == kek_version and entry.wrapped == wrapped:
            return entry.aead
        aead = make_aead(self._suite, self._unwrap(customer_id, wrapped, kek_version, dek_version))
        self._remember(customer_id, dek_version, _Entry(kek_version, wrapped, aead))
        return aead

    def rewrap(
        self, customer_id: str, wrapped: bytes, from_version: int, dek_version: int, to_version: int
    ) -> bytes:
        """Move a wrapped DEK to another KEK version without exposing the DEK."""
        dek = self._unwrap(customer_id, wrapped, from_version, dek_version)
        rewrapped = self._provider.wrap(to_version, dek, data_key_aad(customer_id, dek_version))
        entry = self._lookup(customer_id, dek_version)
        if entry is not None and entry.wrapped == wrapped:
            self._remember(customer_id, dek_version, _Entry(to_version, rewrapped, entry.aead))
        return rewrapped

    def forget(self, customer_id: str) -> None:
        """Drop every cached cipher of a customer, e.g. after crypto-shredding."""
        with self._lock:
            for dek_version in range(FIRST_DEK_VERSION, self._max_dek_version + 1):
                self._cache.pop((customer_id, dek_version), None)

    def cached_count(self) -> int:
        """Return how many ciphers are cached, to check the bound."""
        return len(self._cache)

    def _unwrap(
        self, customer_id: str, wrapped: bytes, kek_version: int, dek_version: int
    ) -> bytes:
        """Unwrap through the provider, counting the call and checking the DEK's size."""
        with self._lock:
            self.unwrap_count += 1
        aad = data_key_aad(customer_id, dek_version)
        dek = self._provider.unwrap(kek_version, wrapped, aad)
        if len(dek) != key_length(self._suite):
            raise CiphertextInvalid("unwrapped data key has the wrong length for the suite")
        return dek

    def _lookup(self, customer_id: str, dek_version: int) -> _Entry | None:
        """Fetch a cache entry and mark it recently used."""
        key = (customer_id, dek_version)
        with self._lock:
            entry = self._cache.get(key)
            if entry is not None:
                self._cache.move_to_end(key)
            return entry

    def _remember(self, customer_id: str, dek_version: int, entry: _Entry) -> None:
        """Store a cache entry, evicting the least recently used beyond the bound."""
        key = (customer_id, dek_version)
        with self._lock:
            self._cache[key] = entry
            self._cache.move_to_end(key)
            self._max_dek_version = max(self._max_dek_version, dek_version)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
