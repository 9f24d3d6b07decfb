"""The one place that seals and opens profile PII (the decrypt choke point, enforced by a test).

Fields are sealed with the customer's own data key and bound to profile|column|customer|key version,
so a ciphertext copied to another row or column no longer opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cdp.crypto import Aead, BlindIndexer, CipherSuite, DataKeyring, Sealer, unseal

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


_COLUMN_AAD: dict[str, bytes] = {}


def _column_aad(field_name: str) -> bytes:
    """Returns the `profile|<column>` head of the associated data, built once per column."""
    head = _COLUMN_AAD.get(field_name)
    if head is None:
        head = _COLUMN_AAD[field_name] = f"{TABLE}|{ct_column(field_name)}".encode()
    return head


class FieldSealer:
    """Seals values for one customer with a data key unwrapped once.

    The associated data equals `field_aad(profile, column, customer, version)`, assembled from
    parts computed once, because sealing sits on the bulk-ingest hot path.
    """

    __slots__ = ("_sealer", "_tail")

    def __init__(self, aead: Aead, suite: CipherSuite, customer_id: str, dek_version: int):
        self._sealer = Sealer(aead, suite, dek_version)
        self._tail = f"|{customer_id}|{dek_version}".encode()

    def seal(self, field_name: str, text: str) -> bytes:
        """Encrypts one canonical value for its column."""
        return self._sealer.seal(text.encode(), _column_aad(field_name) + self._tail)


class ProfileVault:
    """Data keys, field sealing/opening and blind-index digests for the profile store."""

    def __init__(self, *, keyring: DataKeyring, indexer: BlindIndexer, suite: CipherSuite):
        self._keyring = keyring
        self._indexer = indexer
        self._suite = suite

    def use_active_kek(self, version: int | None) -> None:
        """Follows a rotation another process made: new data keys use the store's active KEK."""
        if version is not None and version != self._keyring.active_kek_version:
            self._keyring.active_kek_version = version

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
        tail = f"|{customer_id}|{key.dek_version}".encode()
        opened: dict[str, str | None] = {}
        heads = _COLUMN_AAD
        for field_name in wanted:
            blob = ciphertexts.get(field_name)
            if blob is None:
                opened[field_name] = None
                continue
            if aead is None:
                aead = self._keyring.aead_for(
                    customer_id, key.wrapped, key.kek_version, key.dek_version
                )
            head = heads.get(field_name) or _column_aad(field_name)
            opened[field_name] = unseal(aead, bytes(blob), head + tail).decode()
        return opened
