"""KEKs held in a bank's KMS or HSM, reached through a two-call client port."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from cdp.crypto.errors import CryptoError, KekUnavailable


class KmsClient(Protocol):
    """The port a bank implements to plug in its KMS or HSM (国密 HSMs included).

    ``encrypt`` wraps ``plaintext`` (a data key of 16 or 32 bytes) under the master key
    ``key_id`` and returns an opaque ciphertext; ``decrypt`` reverses it. Both must bind
    ``aad`` (authenticated, not secret) to the ciphertext: pass it as the AAD of the HSM's
    AEAD call, or as an encryption-context entry such as ``{"cdp-aad": base64(aad)}`` for
    KMSs that take a context map. On failure raise `CiphertextInvalid` when the ciphertext or
    ``aad`` does not authenticate and `KekUnavailable` when the key is disabled, destroyed or
    unreachable; any other exception is reported as `KekUnavailable`. Never put key bytes
    into exception messages. Calls are synchronous; the caller caches unwrapped keys.
    """

    def encrypt(self, key_id: str, plaintext: bytes, aad: bytes) -> bytes: ...

    def decrypt(self, key_id: str, ciphertext: bytes, aad: bytes) -> bytes: ...


class KmsKekProvider:
    """Adapt a `KmsClient` whose master keys are mapped to KEK versions by configuration."""

    def __init__(self, client: KmsClient, key_ids: Mapping[int, str], name: str = "kms") -> None:
        self.name = name
        self._client = client
        self._key_ids = dict(key_ids)

    def versions(self) -> list[int]:
        """List the configured versions."""
        return sorted(self._key_ids)

    def wrap(self, version: int, dek: bytes, aad: bytes) -> bytes:
        """Wrap a data key with the KMS key of `version`."""
        key_id = self._key_id(version)
        try:
            return self._client.encrypt(key_id, dek, aad)
        except CryptoError:
            raise
        except Exception as exc:
            raise KekUnavailable(f"{self.name} could not wrap under version {version}") from exc

    def unwrap(self, version: int, wrapped: bytes, aad: bytes) -> bytes:
        """Unwrap a data key with the KMS key of `version`."""
        key_id = self._key_id(version)
        try:
            return self._client.decrypt(key_id, wrapped, aad)
        except CryptoError:
            raise
        except Exception as exc:
            raise KekUnavailable(f"{self.name} could not unwrap under version {version}") from exc

    def create_version(self) -> int:
        """Refuse: master keys are created in the KMS and mapped to a version in configuration."""
        raise KekUnavailable(
            f"{self.name}: create the master key in the KMS, then map version "
            f"{max(self._key_ids, default=0) + 1} to its id in configuration"
        )

    def destroy_version(self, version: int) -> None:
        """Refuse: schedule deletion of the master key in the KMS itself."""
        raise KekUnavailable(
            f"{self.name}: schedule deletion of {self._key_id(version)} in the KMS, "
            "then remove it from the key map"
        )

    def _key_id(self, version: int) -> str:
        """Map a version to its KMS key id."""
        try:
            return self._key_ids[version]
        except KeyError:
            raise KekUnavailable(f"{self.name} has no key for KEK version {version}") from None
