"""A vault that stores text as-is: the same ingest path with encryption and blind indexes off.

Benchmark baseline only; the product has no plaintext mode.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cdp.profiles.vault import StoredKey


class PlainSealer:
    """Returns the UTF-8 bytes of the value."""

    def seal(self, field_name: str, text: str) -> bytes:
        """Encodes without encrypting."""
        return text.encode()


class PlainVault:
    """Duck-types ProfileVault without any cryptography."""

    def __init__(self, active_kek_version: int):
        self._key = StoredKey(b"plain", active_kek_version, 1)
        self._sealer = PlainSealer()

    def use_active_kek(self, version: int | None) -> None:
        """Nothing to follow without keys."""

    def new_key(self, customer_id: str) -> tuple[StoredKey, PlainSealer]:
        """Returns a dummy key record."""
        return self._key, self._sealer

    def sealer(self, customer_id: str, key: StoredKey) -> PlainSealer:
        """Returns the no-op sealer."""
        return self._sealer

    def digest(self, field_name: str, canonical: str) -> bytes:
        """Uses the canonical value itself as the lookup key."""
        return canonical.encode()

    def open_fields(
        self,
        customer_id: str,
        key: StoredKey,
        ciphertexts: Mapping[str, bytes | None],
        wanted: Iterable[str],
    ) -> dict[str, str | None]:
        """Decodes stored bytes."""
        opened: dict[str, str | None] = {}
        for name in wanted:
            blob = ciphertexts.get(name)
            opened[name] = None if blob is None else bytes(blob).decode()
        return opened
