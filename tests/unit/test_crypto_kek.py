"""KEK providers: one contract for every adapter, then each adapter's own file/env/KMS rules."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cdp.crypto import (
    CipherSuite,
    CiphertextInvalid,
    EnvKekProvider,
    InvalidKeyMaterial,
    KekProvider,
    KekUnavailable,
    KeyFilePermissions,
    KmsKekProvider,
    LocalFileKekProvider,
    is_placeholder_key,
    key_length,
)
from cdp.crypto.keymaterial import create_secret_file

DEK = bytes(range(100, 132))
AAD = b"customer_key|cust-0001|1"


class FakeKms:
    """In-memory KMS: AES-GCM master keys by id, nonce prepended, AAD bound."""

    def __init__(self, key_ids: list[str]) -> None:
        self.keys = {key_id: AESGCM(os.urandom(32)) for key_id in key_ids}

    def encrypt(self, key_id: str, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self.keys[key_id].encrypt(nonce, plaintext, aad)

    def decrypt(self, key_id: str, ciphertext: bytes, aad: bytes) -> bytes:
        try:
            return self.keys[key_id].decrypt(ciphertext[:12], ciphertext[12:], aad)
        except InvalidTag:
            raise CiphertextInvalid("kms refused the ciphertext") from None


class BrokenKms:
    """A KMS that is down."""

    def encrypt(self, key_id: str, plaintext: bytes, aad: bytes) -> bytes:
        raise ConnectionError("kms unreachable")

    def decrypt(self, key_id: str, ciphertext: bytes, aad: bytes) -> bytes:
        raise ConnectionError("kms unreachable")


def b64_key(suite: CipherSuite) -> str:
    return base64.b64encode(os.urandom(key_length(suite))).decode()


def local_provider(tmp_path: Path, suite: CipherSuite) -> KekProvider:
    provider = LocalFileKekProvider(tmp_path / "keys", suite)
    provider.create_version()
    provider.create_version()
    return provider


def env_provider(tmp_path: Path, suite: CipherSuite) -> KekProvider:
    return EnvKekProvider({"CDP_KEK_V1": b64_key(suite), "CDP_KEK_V2": b64_key(suite)}, suite)


def kms_provider(tmp_path: Path, suite: CipherSuite) -> KekProvider:
    return KmsKekProvider(FakeKms(["hsm/a", "hsm/b"]), {1: "hsm/a", 2: "hsm/b"})


PROVIDERS: dict[str, Callable[[Path, CipherSuite], KekProvider]] = {
    "local-file": local_provider,
    "env": env_provider,
    "kms": kms_provider,
}


@pytest.fixture(params=[(name, suite) for name in PROVIDERS for suite in CipherSuite])
def provider(request: pytest.FixtureRequest, tmp_path: Path) -> KekProvider:
    name, suite = request.param
    return PROVIDERS[name](tmp_path, suite)


# --- the contract every provider honours -------------------------------------------------


def test_when_provider_holds_two_versions_then_it_lists_them(provider: KekProvider) -> None:
    assert provider.versions() == [1, 2]


def test_when_key_is_wrapped_then_it_unwraps_under_the_same_version(
    provider: KekProvider,
) -> None:
    wrapped = provider.wrap(2, DEK, AAD)
    assert DEK not in wrapped
    assert provider.unwrap(2, wrapped, AAD) == DEK


@pytest.mark.parametrize(
    ("version", "aad"),
    [
        (1, AAD),  # unwrapped under the other KEK version
        (2, b"customer_key|cust-0002|1"),  # reassigned to another customer
        (2, b"customer_key|cust-0001|2"),  # claimed as another DEK version
    ],
)
def test_when_wrapped_key_is_reused_elsewhere_then_unwrap_fails(
    provider: KekProvider, version: int, aad: bytes
) -> None:
    wrapped = provider.wrap(2, DEK, AAD)
    with pytest.raises(CiphertextInvalid):
        provider.unwrap(version, wrapped, aad)


def test_when_version_is_unknown_then_provider_raises_unavailable(provider: KekProvider) -> None:
    with pytest.raises(KekUnavailable):
        provider.wrap(9, DEK, AAD)


# --- local key files ---------------------------------------------------------------------


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_when_local_version_is_created_then_file_is_0600_in_0700_dirs(tmp_path: Path) -> None:
    provider = LocalFileKekProvider(tmp_path / "var" / "keys", CipherSuite.AES256GCM)
    assert provider.versions() == []
    assert provider.create_version() == 1
    key_file = tmp_path / "var" / "keys" / "kek" / "v1.key"
    assert mode_of(key_file) == 0o600
    assert [mode_of(d) for d in key_file.parents[:3]] == [0o700, 0o700, 0o700]
    assert len(base64.b64decode(key_file.read_bytes())) == 32
    assert [p.name for p in key_file.parent.iterdir()] == ["v1.key"]


@pytest.mark.parametrize(
    "mode",
    [
        0o644,  # world-readable
        0o640,  # group-readable
        0o604,  # others-readable only
        0o700,  # executable bit set
        0o660,  # group-writable
    ],
)
def test_when_key_file_is_loosened_then_loading_is_refused(tmp_path: Path, mode: int) -> None:
    LocalFileKekProvider(tmp_path, CipherSuite.SM4GCM).create_version()
    key_file = tmp_path / "kek" / "v1.key"
    key_file.chmod(mode)
    with pytest.raises(KeyFilePermissions) as caught:
        LocalFileKekProvider(tmp_path, CipherSuite.SM4GCM).wrap(1, DEK[:16], AAD)
    assert str(key_file) in str(caught.value)
    assert key_file.read_text().strip() not in str(caught.value)


def test_when_key_file_is_read_only_then_it_loads_and_can_be_destroyed(tmp_path: Path) -> None:
    LocalFileKekProvider(tmp_path, CipherSuite.AES256GCM).create_version()
    (tmp_path / "kek" / "v1.key").chmod(0o400)
    provider = LocalFileKekProvider(tmp_path, CipherSuite.AES256GCM)
    provider.wrap(1, DEK, AAD)
    provider.destroy_version(1)
    assert provider.versions() == []


def test_when_kek_dir_is_loosened_then_loading_is_refused(tmp_path: Path) -> None:
    LocalFileKekProvider(tmp_path, CipherSuite.AES256GCM).create_version()
    (tmp_path / "kek").chmod(0o755)
    with pytest.raises(KeyFilePermissions):
        LocalFileKekProvider(tmp_path, CipherSuite.AES256GCM).wrap(1, DEK, AAD)


@pytest.mark.parametrize(
    "content",
    [
        b"not base64 at all!\n",  # garbage
        base64.b64encode(bytes(range(1, 17))),  # an SM4-sized key for AES-256
    ],
)
def test_when_key_file_content_is_bad_then_error_names_path_only(
    tmp_path: Path, content: bytes
) -> None:
    (tmp_path / "kek").mkdir(mode=0o700)
    create_secret_file(tmp_path / "kek" / "v1.key", content)
    with pytest.raises(InvalidKeyMaterial) as caught:
        LocalFileKekProvider(tmp_path, CipherSuite.AES256GCM).wrap(1, DEK, AAD)
    assert "v1.key" in str(caught.value)
    assert content.decode().strip() not in str(caught.value)


def test_when_local_version_is_destroyed_then_file_is_gone_and_unwrap_unavailable(
    tmp_path: Path,
) -> None:
    provider = local_provider(tmp_path, CipherSuite.AES256GCM)
    wrapped = provider.wrap(1, DEK, AAD)
    provider.destroy_version(1)
    assert provider.versions() == [2]
    assert not (tmp_path / "keys" / "kek" / "v1.key").exists()
    with pytest.raises(KekUnavailable):
        provider.unwrap(1, wrapped, AAD)
    with pytest.raises(KekUnavailable):
        provider.destroy_version(1)


def test_when_destroyed_version_number_is_free_then_next_create_skips_it(tmp_path: Path) -> None:
    provider = local_provider(tmp_path, CipherSuite.AES256GCM)
    provider.destroy_version(1)
    assert provider.create_version() == 3


def test_when_secret_file_exists_then_atomic_create_refuses_and_leaves_no_temp(
    tmp_path: Path,
) -> None:
    create_secret_file(tmp_path / "v1.key", b"first")
    with pytest.raises(FileExistsError):
        create_secret_file(tmp_path / "v1.key", b"second")
    assert (tmp_path / "v1.key").read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["v1.key"]


def test_when_local_and_env_hold_the_same_key_then_they_unwrap_each_other(
    tmp_path: Path,
) -> None:
    local = LocalFileKekProvider(tmp_path, CipherSuite.SM4GCM)
    local.create_version()
    text = (tmp_path / "kek" / "v1.key").read_text()
    env = EnvKekProvider({"CDP_KEK_V1": text}, CipherSuite.SM4GCM)
    assert env.unwrap(1, local.wrap(1, DEK[:16], AAD), AAD) == DEK[:16]


# --- environment variables ---------------------------------------------------------------


def test_when_env_has_kek_variables_then_only_well_formed_ones_are_versions() -> None:
    environ = {
        "CDP_KEK_V1": "a",  # version 1
        "CDP_KEK_V10": "a",  # version 10 sorts after 2
        "CDP_KEK_V2": "a",  # version 2
        "CDP_KEK_V0": "a",  # versions start at 1
        "CDP_KEK_V01": "a",  # leading zero is not a version
        "CDP_KEK_VX": "a",  # not a number
        "CDP_KEK": "a",  # no version
        "PATH": "/usr/bin",  # unrelated
    }
    assert EnvKekProvider(environ, CipherSuite.AES256GCM).versions() == [1, 2, 10]


def test_when_env_provider_is_asked_to_create_then_it_names_the_variable_to_set() -> None:
    provider = EnvKekProvider({"CDP_KEK_V3": b64_key(CipherSuite.SM4GCM)}, CipherSuite.SM4GCM)
    with pytest.raises(KekUnavailable, match="CDP_KEK_V4"):
        provider.create_version()
    with pytest.raises(KekUnavailable, match="CDP_KEK_V3"):
        provider.destroy_version(3)


@pytest.mark.parametrize(
    "value",
    [
        "c2VjcmV0!!",  # not base64
        base64.b64encode(b"short").decode(),  # valid base64, wrong length
        base64.b64encode(os.urandom(16)).decode(),  # SM4-sized key for AES-256
    ],
)
def test_when_env_key_is_malformed_then_error_names_variable_not_value(value: str) -> None:
    provider = EnvKekProvider({"CDP_KEK_V1": value}, CipherSuite.AES256GCM)
    with pytest.raises(InvalidKeyMaterial) as caught:
        provider.wrap(1, DEK, AAD)
    assert "CDP_KEK_V1" in str(caught.value)
    assert value not in str(caught.value)


def test_when_env_key_bytes_are_asked_then_they_decode_for_placeholder_checks() -> None:
    key = os.urandom(32)
    environ = {"CDP_KEK_V1": base64.b64encode(key).decode()}
    assert EnvKekProvider(environ, CipherSuite.AES256GCM).key_bytes(1) == key


# --- KMS adapter -------------------------------------------------------------------------


def test_when_kms_is_down_then_provider_raises_unavailable() -> None:
    provider = KmsKekProvider(BrokenKms(), {1: "hsm/a"}, name="bank-hsm")
    with pytest.raises(KekUnavailable, match="bank-hsm"):
        provider.wrap(1, DEK, AAD)
    with pytest.raises(KekUnavailable):
        provider.unwrap(1, b"x" * 40, AAD)


def test_when_kms_provider_is_asked_to_create_or_destroy_then_it_points_at_the_kms() -> None:
    provider = KmsKekProvider(FakeKms(["hsm/a"]), {1: "hsm/a"})
    assert provider.name == "kms"
    with pytest.raises(KekUnavailable, match="version 2"):
        provider.create_version()
    with pytest.raises(KekUnavailable, match="hsm/a"):
        provider.destroy_version(1)


# --- placeholder detection ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "placeholder"),
    [
        (bytes(32), True),  # all zero
        (b"\xff" * 16, True),  # all the same byte
        (b"changeme" * 4, True),  # an ASCII word repeated to length
        (b"password1234567890password123456", True),  # word with digits
        (b"test-key-for-local-dev-only-0001", True),  # any typed text
        (base64.b64decode("secretsecretsecretsecretsecretsecretsecret0="), True),  # b64 spells it
        (bytes(range(32)), True),  # 00 01 02 ... fixture key
        (bytes(range(200, 168, -1)), True),  # descending run
        (b"\x01\x02" * 16, True),  # two-byte pattern
        (b"", True),  # empty
        (hashlib.sha256(b"seed-a").digest(), False),  # random-looking 32 bytes
        (hashlib.sha256(b"seed-b").digest()[:16], False),  # random-looking 16 bytes
        (os.urandom(32), False),  # a real random key
    ],
)
def test_when_key_is_checked_then_placeholders_are_spotted(key: bytes, placeholder: bool) -> None:
    assert is_placeholder_key(key) is placeholder
