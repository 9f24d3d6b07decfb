"""Field encryption, key management and blind indexes for the profile store.

Key hierarchy:

1. **KEK** (key-encryption key), versioned, held by a `KekProvider`: a local key file for
   development, an environment variable for containers, or the bank's KMS/HSM via `KmsClient`.
2. **DEK** (data key), one per customer, random, wrapped by the active KEK with the customer
   id and DEK version as associated data. The caller stores the wrapped DEK and its versions
   in the database; deleting it crypto-shreds the customer. Rotating the KEK re-wraps DEKs.
3. **Field ciphertext**: AES-256-GCM or SM4-GCM under the customer's DEK, in a versioned
   envelope whose associated data binds ``table|column|customer_id|key_version`` and the
   envelope header, so ciphertexts cannot be moved between rows, columns or keys.

Blind indexes for equality search use HMAC-SHA256 or HMAC-SM3 with one key per column,
derived from a separate master key that never wraps or encrypts anything.

This package is a leaf: it imports nothing from the rest of `cdp` and does no work at import.
"""

from cdp.crypto.blind_index import (
    BlindIndexer,
    load_or_create_master_key,
    master_key_from_b64,
)
from cdp.crypto.envelope import (
    Sealer,
    field_aad,
    header_key_version,
    header_suite,
    seal,
    unseal,
)
from cdp.crypto.errors import (
    CiphertextInvalid,
    CryptoError,
    InvalidKeyMaterial,
    KekUnavailable,
    KeyFilePermissions,
    UnsupportedSuite,
)
from cdp.crypto.kek import KekProvider, is_placeholder_key
from cdp.crypto.kek_env import EnvKekProvider
from cdp.crypto.kek_kms import KmsClient, KmsKekProvider
from cdp.crypto.kek_local import LocalFileKekProvider
from cdp.crypto.keyring import DataKeyring, NewDataKey, data_key_aad
from cdp.crypto.suite import Aead, CipherSuite, blind_index_hash, key_length, make_aead

__all__ = [
    "Aead",
    "BlindIndexer",
    "CipherSuite",
    "CiphertextInvalid",
    "CryptoError",
    "DataKeyring",
    "EnvKekProvider",
    "InvalidKeyMaterial",
    "KekProvider",
    "KekUnavailable",
    "KeyFilePermissions",
    "KmsClient",
    "KmsKekProvider",
    "LocalFileKekProvider",
    "NewDataKey",
    "Sealer",
    "UnsupportedSuite",
    "blind_index_hash",
    "data_key_aad",
    "field_aad",
    "header_key_version",
    "header_suite",
    "is_placeholder_key",
    "key_length",
    "load_or_create_master_key",
    "make_aead",
    "master_key_from_b64",
    "seal",
    "unseal",
]
