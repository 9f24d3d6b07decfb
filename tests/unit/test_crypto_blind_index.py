"""Blind indexes: determinism, separation per column and key, SM3, master-key handling."""

from __future__ import annotations

import base64
import hashlib
import hmac
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given
from hypothesis import strategies as st

from cdp.crypto import (
    BlindIndexer,
    InvalidKeyMaterial,
    KeyFilePermissions,
    load_or_create_master_key,
    master_key_from_b64,
)
from cdp.crypto import blind_index as blind_index_module

MASTER = hashlib.sha256(b"master-a").digest()
OTHER_MASTER = hashlib.sha256(b"master-b").digest()
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@pytest.fixture(params=["sha256", "sm3"])
def indexer(request: pytest.FixtureRequest) -> BlindIndexer:
    return BlindIndexer(MASTER, request.param)


def test_when_hashlib_hashes_abc_with_sm3_then_gbt32905_vector_comes_out() -> None:
    assert hashlib.new("sm3", b"abc").hexdigest() == SM3_ABC


def test_when_value_is_indexed_twice_then_digest_is_the_same_16_bytes(
    indexer: BlindIndexer,
) -> None:
    first = indexer.digest("mobile", "13800138000")
    assert first == indexer.digest("mobile", "13800138000")
    assert first == BlindIndexer(MASTER, indexer.hash_name).digest("mobile", "13800138000")
    assert len(first) == 16


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("id_number", "13800138000"),  # same value, another column
        ("mobile", "13800138001"),  # another value
        ("mobile", " 13800138000"),  # not normalised here: callers pass canonical values
        ("mobile", "+8613800138000"),  # same, country prefix kept
    ],
)
def test_when_column_or_value_differs_then_digest_differs(
    indexer: BlindIndexer, column: str, value: str
) -> None:
    assert indexer.digest(column, value) != indexer.digest("mobile", "13800138000")


@pytest.mark.parametrize(
    "other",
    [
        BlindIndexer(OTHER_MASTER, "sha256"),  # another master key
        BlindIndexer(MASTER, "sm3"),  # another hash
    ],
)
def test_when_key_or_hash_differs_then_digest_differs(other: BlindIndexer) -> None:
    mine = BlindIndexer(MASTER, "sha256")
    assert mine.digest("mobile", "张伟") != other.digest("mobile", "张伟")


@pytest.mark.parametrize("hash_name", ["sha256", "sm3"])
def test_when_digest_is_computed_then_it_is_hkdf_keyed_hmac_truncated(hash_name: str) -> None:
    info = b"cdp/blind-index/v1/mobile"
    column_key = HKDF(hashes.SHA256(), 32, salt=None, info=info).derive(MASTER)
    expected = hmac.digest(column_key, b"13800138000", hash_name)[:16]
    assert BlindIndexer(MASTER, hash_name).digest("mobile", "13800138000") == expected


@given(key=st.binary(max_size=200), message=st.binary(max_size=300))
@pytest.mark.parametrize("hash_name", ["sha256", "sm3"])
def test_when_prekeyed_hmac_runs_then_it_equals_stdlib_hmac(
    hash_name: str, key: bytes, message: bytes
) -> None:
    mac = blind_index_module.make_mac(hash_name, key)
    assert mac(message) == hmac.digest(key, message, hash_name)


def test_when_hashlib_lacks_sm3_then_cryptography_hmac_sm3_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_hashlib(hash_name: str, key: bytes) -> None:
        raise ValueError("unsupported hash type")

    monkeypatch.setattr(blind_index_module, "_prekeyed_hmac", no_hashlib)
    mac = blind_index_module.make_mac("sm3", b"k" * 32)
    assert mac(b"abc") == hmac.digest(b"k" * 32, b"abc", "sm3")


@pytest.mark.parametrize(
    ("master_key", "hash_name", "message"),
    [
        (MASTER[:31], "sha256", "32"),  # master key below 32 bytes
        (MASTER, "md5", "hash"),  # hash not allowed
        (MASTER, "SM3", "hash"),  # names are lower case
    ],
)
def test_when_settings_are_wrong_then_indexer_refuses(
    master_key: bytes, hash_name: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        BlindIndexer(master_key, hash_name)


def test_when_indexer_is_printed_then_master_key_is_hidden() -> None:
    assert MASTER.hex() not in repr(BlindIndexer(MASTER))


@pytest.mark.parametrize(
    ("text", "length"),
    [
        (base64.b64encode(MASTER).decode(), 32),  # exactly 32 bytes
        (base64.b64encode(MASTER + OTHER_MASTER).decode() + "\n", 64),  # longer, trailing newline
    ],
)
def test_when_master_key_text_is_valid_then_it_decodes(text: str, length: int) -> None:
    assert len(master_key_from_b64(text)) == length


@pytest.mark.parametrize(
    "text",
    [
        base64.b64encode(MASTER[:31]).decode(),  # one byte short
        "c2VjcmV0c2VjcmV0c2VjcmV0!!",  # not base64
        "",  # unset
    ],
)
def test_when_master_key_text_is_invalid_then_error_hides_it(text: str) -> None:
    with pytest.raises(InvalidKeyMaterial) as caught:
        master_key_from_b64(text)
    assert not text or text not in str(caught.value)


def test_when_master_key_file_is_missing_then_it_is_created_private_and_reused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "var" / "keys" / "blind-index.key"
    key = load_or_create_master_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_or_create_master_key(path) == key


def test_when_master_key_file_is_loosened_then_loading_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blind-index.key"
    load_or_create_master_key(path)
    path.chmod(0o644)
    with pytest.raises(KeyFilePermissions, match=r"blind-index\.key"):
        load_or_create_master_key(path)
