"""The one place that seals and opens profile PII (the decrypt choke point, enforced by a test).

Fields are sealed with the customer's own data key and bound to profile|column|customer|key version,
so a ciphertext copied to another row or column no longer opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cdp.crypto import Aead, BlindIndexer, CipherSuite, DataKeyring, field_aad, seal, unseal

TABLE = "profile"


@dataclass(frozen=True, slots=True)
class StoredKey:
    """A customer's wrapped data key as the store keeps it."""

    wrapped: bytes
    kek_version: int
    dek_version: int


def ct_column(field_name: str) -> str:
    """Names the ciphertext column of an encrypted field."""
    return f"{field_name}_ct"


class FieldSealer:
    """Seals values for one customer with a data key unwrapped once."""

    __slots__ = ("_aead", "_customer_id", "_dek_version", "_suite")

    def __init__(self, aead: Aead, suite: CipherSuite, customer_id: str, dek_version: int):
        self._aead = aead
        self._suite = suite
        self._customer_id = customer_id
        self._dek_version = dek_version

    def seal(self, field_name: str, text: str) -> bytes:
        """Encrypts one canonical value for its column."""
        column = ct_column(field_name)
        aad = field_aad(TABLE, column, self._customer_id, self._dek_version)
        return seal(self._aead, self._suite, self._dek_version, text.encode(), aad)


class ProfileVault:
    """Data keys, field sealing/opening and blind-index digests for the profile store."""

    def __init__(self, *, keyring: DataKeyring, indexer: BlindIndexer, suite: CipherSuite):
        self._keyring = keyring
        self._indexer = indexer
        self._suite = suite

    @property
    def keyring(self) -> DataKeyring:
        """Exposes the keyring for key administration (rotation, shredding)."""
        return self._keyring

    def new_key(self, customer_id: str) -> tuple[StoredKey, FieldSealer]:
        """Creates a customer's data key; returns what to store and a sealer for it."""
        fresh = self._keyring.new_data_key(customer_id)
        stored = StoredKey(fresh.wrapped, fresh.kek_version, fresh.dek_version)
        return stored, FieldSealer(fresh.aead, self._suite, customer_id, fresh.dek_version)

    def sealer(self, customer_id: str, key: StoredKey) -> FieldSealer:
        """Returns a sealer for an existing customer's data key."""
        aead = self._keyring.aead_for(customer_id, key.wrapped, key.kek_version, key.dek_version)
        return FieldSealer(aead, self._suite, customer_id, key.dek_version)

    def digest(self, field_name: str, canonical: str) -> bytes:
        """Computes the blind index of a canonical value for one column."""
        return self._indexer.digest(field_name, canonical)

    def open_fields(
        self,
        customer_id: str,
        key: StoredKey,
        ciphertexts: Mapping[str, bytes | None],
        wanted: Iterable[str],
    ) -> dict[str, str | None]:
        """Decrypts only the wanted fields of one customer; absent values stay None."""
        aead = None
        opened: dict[str, str | None] = {}
        for field_name in wanted:
            blob = ciphertexts.get(field_name)
            if blob is None:
                opened[field_name] = None
                continue
            if aead is None:
                aead = self._keyring.aead_for(
                    customer_id, key.wrapped, key.kek_version, key.dek_version
                )
            aad = field_aad(TABLE, ct_column(field_name), customer_id, key.dek_version)
            opened[field_name] = unseal(aead, bytes(blob), aad).decode()
        return opened
