"""Customer data keys: wrapping, caching, rotation and shredding through `DataKeyring`."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from cdp.crypto import (
    CipherSuite,
    CiphertextInvalid,
    DataKeyring,
    EnvKekProvider,
    KekUnavailable,
    LocalFileKekProvider,
    data_key_aad,
    field_aad,
    key_length,
    seal,
    unseal,
)

FIELD = field_aad("profile", "mobile_ct", "cust-0001", 1)


def env_with_versions(suite: CipherSuite, *versions: int) -> dict[str, str]:
    return {
        f"CDP_KEK_V{v}": base64.b64encode(os.urandom(key_length(suite))).decode() for v in versions
    }


class SpyProvider(EnvKekProvider):
    """Env provider that remembers every DEK it wrapped, to prove none leaks."""

    def __init__(self, environ: dict[str, str], suite: CipherSuite) -> None:
        super().__init__(environ, suite)
        self.wrapped_deks: list[bytes] = []

    def wrap(self, version: int, dek: bytes, aad: bytes) -> bytes:
        self.wrapped_deks.append(dek)
        return super().wrap(version, dek, aad)


class ShortKeyProvider(EnvKekProvider):
    """A provider (say, a misconfigured KMS) that hands back a truncated key."""

    def unwrap(self, version: int, wrapped: bytes, aad: bytes) -> bytes:
        return super().unwrap(version, wrapped, aad)[:8]


@pytest.fixture(params=list(CipherSuite))
def cipher_suite(request: pytest.FixtureRequest) -> CipherSuite:
    return CipherSuite(request.param)


@pytest.fixture
def environ(cipher_suite: CipherSuite) -> dict[str, str]:
    return env_with_versions(cipher_suite, 1, 2)


@pytest.fixture
def provider(environ: dict[str, str], cipher_suite: CipherSuite) -> SpyProvider:
    return SpyProvider(environ, cipher_suite)


def keyring_of(provider: EnvKekProvider, suite: CipherSuite, **options: int) -> DataKeyring:
    return DataKeyring(provider, suite, 1, **options)


def test_when_data_key_is_created_then_it_is_wrapped_under_the_active_kek(
    provider: SpyProvider, cipher_suite: CipherSuite
) -> None:
    fresh = keyring_of(provider, cipher_suite).new_data_key("cust-0001")
    assert (fresh.kek_version, fresh.dek_version) == (1, 1)
    dek = provider.wrapped_deks[-1]
    assert len(dek) == key_length(cipher_suite)
    assert dek not in fresh.wrapped
    assert provider.unwrap(1, fresh.wrapped, data_key_aad("cust-0001", 1)) == dek
    assert dek.hex() not in repr(fresh)


def test_when_another_process_unwraps_the_key_then_fields_open(
    provider: SpyProvider, cipher_suite: CipherSuite
) -> None:
    fresh = keyring_of(provider, cipher_suite).new_data_key("cust-0001")
    blob = seal(fresh.aead, cipher_suite, 1, b"13800138000", FIELD)
    other = keyring_of(provider, cipher_suite)
    aead = other.aead_for("cust-0001", fresh.wrapped, 1, 1)
    assert unseal(aead, blob, FIELD) == b"13800138000"
    assert other.unwrap_count == 1


def test_when_key_is_asked_again_then_cache_answers_without_unwrapping(
    provider: SpyProvider, cipher_suite: CipherSuite
) -> None:
    keyring = keyring_of(provider, cipher_suite)
    fresh = keyring.new_data_key("cust-0001")
    first = keyring.aead_for("cust-0001", fresh.wrapped, 1, 1)
    second = keyring.aead_for("cust-0001", fresh.wrapped, 1, 1)
    assert first is second is fresh.aead
    assert keyring.unwrap_count == 0


@pytest.mark.parametrize(
    ("customer_id", "kek_version", "dek_version"),
    [
        ("cust-0002", 1, 1),  # another customer's row claims the key
        ("cust-0001", 1, 2),  # claimed as another DEK version
        ("cust-0001", 2, 1),  # claimed to be wrapped by another KEK version
    ],
)
def test_when_wrapped_key_is_moved_then_unwrap_fails(
    provider: SpyProvider,
    cipher_suite: CipherSuite,
    customer_id: str,
    kek_version: int,
    dek_version: int,
) -> None:
    fresh = keyring_of(provider, cipher_suite).new_data_key("cust-0001")
    with pytest.raises(CiphertextInvalid):
        keyring_of(provider, cipher_suite).aead_for(
            customer_id, fresh.wrapped, kek_version, dek_version
        )


def test_when_wrapped_key_is_tampered_then_unwrap_fails(
    provider: SpyProvider, cipher_suite: CipherSuite
) -> None:
    wrapped = bytearray(keyring_of(provider, cipher_suite).new_data_key("cust-0001").wrapped)
    wrapped[-1] ^= 0x80
    with pytest.raises(CiphertextInvalid):
        keyring_of(provider, cipher_suite).aead_for("cust-0001", bytes(wrapped), 1, 1)


def test_when_provider_returns_short_key_then_keyring_refuses(
    environ: dict[str, str], cipher_suite: CipherSuite
) -> None:
    provider = ShortKeyProvider(environ, cipher_suite)
    fresh = keyring_of(provider, cipher_suite).new_data_key("cust-0001")
    with pytest.raises(CiphertextInvalid):
        keyring_of(provider, cipher_suite).aead_for("cust-0001", fresh.wrapped, 1, 1)


def test_when_customer_is_rekeyed_then_stale_cache_entry_is_not_used(
    provider: SpyProvider, cipher_suite: CipherSuite
) -> None:
    keyring = keyring_of(provider, cipher_suite)
    stored = keyring.new_data_key("cust-0001")
    blob = seal(stored.aead, cipher_suite, 1, b"x", FIELD)
    keyring.new_data_key("cust-0001")  # e.g. a rolled-back insert that never reached the DB
    aead = keyring.aead_for("cust-0001", stored.wrapped, 1, 1)
    assert unseal(aead, blob, FIELD) == b"x"
    assert keyring.unwrap_count == 1


def test_when_cache_is_full_then_least_recently_used_key_is_evicted(
    provider: SpyProvider, cipher_suite: CipherSuite
) -> None:
    keyring = keyring_of(provider, cipher_suite, cache_size=3)
    keys = {f"c{i}": keyring.new_data_key(f"c{i}").wrapped for i in range(3)}
    keyring.aead_for("c0", keys["c0"], 1, 1)  # c0 becomes most recent; c1 is now oldest
    keys["c3"] = keyring.new_data_key("c3").wrapped
    assert keyring.cached_count() == 3
    for customer_id, expected_unwraps in [
        ("c0", 0),  # kept: touched recently
        ("c2", 0),  # kept
        ("c3", 0),  # kept: newest
        ("c1", 1),  # evicted: must unwrap again
    ]:
        keyring.aead_for(customer_id, keys[customer_id], 1, 1)
        assert keyring.unwrap_count == expected_unwraps, customer_id


def test_when_cache_size_is_zero_then_every_lookup_unwraps(
    provider: SpyProvider, cipher_suite: CipherSuite
) -> None:
    keyring = keyring_of(provider, cipher_suite, cache_size=0)
    wrapped = keyring.new_data_key("cust-0001").wrapped
    keyring.aead_for("cust-0001", wrapped, 1, 1)
    keyring.aead_for("cust-0001", wrapped, 1, 1)
    assert (keyring.cached_count(), keyring.unwrap_count) == (0, 2)


def test_when_cache_size_is_negative_then_keyring_refuses(provider: SpyProvider) -> None:
    with pytest.raises(ValueError, match="cache_size"):
        keyring_of(provider, CipherSuite.AES256GCM, cache_size=-1)


def test_when_customer_is_forgotten_then_every_dek_version_is_dropped(
    provider: SpyProvider, cipher_suite: CipherSuite
) -> None:
    keyring = keyring_of(provider, cipher_suite)
    keyring.new_data_key("cust-0001")
    keyring.new_data_key("cust-0001", dek_version=2)
    keyring.new_data_key("cust-0002")
    keyring.forget("cust-0001")
    assert keyring.cached_count() == 1


def test_when_kek_rotates_then_rewrapped_key_opens_fields_sealed_before(
    provider: SpyProvider, cipher_suite: CipherSuite
) -> None:
    keyring = keyring_of(provider, cipher_suite)
    fresh = keyring.new_data_key("cust-0001")
    blob = seal(fresh.aead, cipher_suite, 1, "北京市朝阳区".encode(), FIELD)
    rewrapped = keyring.rewrap("cust-0001", fresh.wrapped, 1, 1, 2)
    assert all(dek not in rewrapped for dek in provider.wrapped_deks)
    after = keyring_of(provider, cipher_suite).aead_for("cust-0001", rewrapped, 2, 1)
    assert unseal(after, blob, FIELD) == "北京市朝阳区".encode()
    with pytest.raises(CiphertextInvalid):
        keyring_of(provider, cipher_suite).aead_for("cust-0001", rewrapped, 1, 1)


def test_when_key_is_rewrapped_then_cache_follows_without_another_unwrap(
    provider: SpyProvider, cipher_suite: CipherSuite
) -> None:
    keyring = keyring_of(provider, cipher_suite)
    fresh = keyring.new_data_key("cust-0001")
    rewrapped = keyring.rewrap("cust-0001", fresh.wrapped, 1, 1, 2)
    assert keyring.aead_for("cust-0001", rewrapped, 2, 1) is fresh.aead
    assert keyring.unwrap_count == 1  # the rewrap itself


def test_when_kek_version_is_destroyed_then_keys_under_it_are_unavailable(
    tmp_path: Path, cipher_suite: CipherSuite
) -> None:
    provider = LocalFileKekProvider(tmp_path, cipher_suite)
    provider.create_version()
    fresh = DataKeyring(provider, cipher_suite, 1).new_data_key("cust-0001")
    provider.destroy_version(1)
    with pytest.raises(KekUnavailable):
        DataKeyring(provider, cipher_suite, 1).aead_for("cust-0001", fresh.wrapped, 1, 1)


def test_when_active_kek_is_missing_then_new_data_key_is_unavailable(
    cipher_suite: CipherSuite,
) -> None:
    provider = EnvKekProvider(env_with_versions(cipher_suite, 1), cipher_suite)
    with pytest.raises(KekUnavailable):
        DataKeyring(provider, cipher_suite, 2).new_data_key("cust-0001")
