"""Field envelope: round trips, tamper and swap resistance, error hygiene, cipher suites."""

from __future__ import annotations

import os

import pytest

from cdp.crypto import (
    CipherSuite,
    CiphertextInvalid,
    InvalidKeyMaterial,
    UnsupportedSuite,
    blind_index_hash,
    field_aad,
    header_key_version,
    header_suite,
    key_length,
    make_aead,
    seal,
    unseal,
)
from cdp.crypto import suite as suite_module
from cdp.crypto.suite import Aead, Sm4Gcm

CHINESE = "张伟，北京市朝阳区建国路88号，手机13800138000"
AAD = field_aad("profile", "mobile_ct", "cust-0001", 1)


@pytest.fixture(params=list(CipherSuite))
def cipher_suite(request: pytest.FixtureRequest) -> CipherSuite:
    return CipherSuite(request.param)


@pytest.fixture
def key(cipher_suite: CipherSuite) -> bytes:
    return os.urandom(key_length(cipher_suite))


@pytest.fixture
def aead(cipher_suite: CipherSuite, key: bytes) -> Aead:
    return make_aead(cipher_suite, key)


@pytest.mark.parametrize(
    "plaintext",
    [
        b"",  # empty field value
        b"13800138000",  # short ASCII, the common case
        CHINESE.encode(),  # multi-byte UTF-8
        ("长文本" * 20_000).encode(),  # 180 KB free text
    ],
)
def test_when_value_is_sealed_then_it_unseals_to_the_same_bytes(
    aead: Aead, cipher_suite: CipherSuite, plaintext: bytes
) -> None:
    blob = seal(aead, cipher_suite, 7, plaintext, AAD)
    assert unseal(aead, blob, AAD) == plaintext
    assert len(blob) == 4 + 12 + len(plaintext) + 16


def test_when_sealed_twice_then_ciphertexts_differ(aead: Aead, cipher_suite: CipherSuite) -> None:
    assert seal(aead, cipher_suite, 1, b"x", AAD) != seal(aead, cipher_suite, 1, b"x", AAD)


def test_when_header_is_read_then_version_and_suite_come_back(
    aead: Aead, cipher_suite: CipherSuite
) -> None:
    blob = seal(aead, cipher_suite, 65535, b"x", AAD)
    assert (header_key_version(blob), header_suite(blob)) == (65535, cipher_suite)


def test_when_any_single_byte_is_flipped_then_unseal_fails(
    aead: Aead, cipher_suite: CipherSuite
) -> None:
    blob = seal(aead, cipher_suite, 3, CHINESE.encode(), AAD)
    for index in range(len(blob)):
        tampered = bytearray(blob)
        tampered[index] ^= 0x01
        with pytest.raises(CiphertextInvalid):
            unseal(aead, bytes(tampered), AAD)


@pytest.mark.parametrize(
    "other_aad",
    [
        field_aad("profile", "email_ct", "cust-0001", 1),  # moved to another column
        field_aad("profile", "mobile_ct", "cust-0002", 1),  # moved to another customer
        field_aad("profile", "mobile_ct", "cust-0001", 2),  # claimed under another key version
        field_aad("archive", "mobile_ct", "cust-0001", 1),  # moved to another table
        b"",  # context dropped altogether
    ],
)
def test_when_aad_differs_then_unseal_fails(
    aead: Aead, cipher_suite: CipherSuite, other_aad: bytes
) -> None:
    blob = seal(aead, cipher_suite, 1, b"13800138000", AAD)
    with pytest.raises(CiphertextInvalid):
        unseal(aead, blob, other_aad)


@pytest.mark.parametrize(
    "length",
    [
        0,  # empty column value
        1,  # format byte only
        4,  # header only
        16,  # header and nonce, no tag
        31,  # one byte short of an empty value's tag
    ],
)
def test_when_blob_is_truncated_then_unseal_fails(
    aead: Aead, cipher_suite: CipherSuite, length: int
) -> None:
    blob = seal(aead, cipher_suite, 1, b"", AAD)
    with pytest.raises(CiphertextInvalid):
        unseal(aead, blob[:length], AAD)


def test_when_last_byte_is_cut_then_unseal_fails(aead: Aead, cipher_suite: CipherSuite) -> None:
    blob = seal(aead, cipher_suite, 1, b"13800138000", AAD)
    with pytest.raises(CiphertextInvalid):
        unseal(aead, blob[:-1], AAD)


@pytest.mark.parametrize(
    ("offset", "value"),
    [
        (0, 0x00),  # format byte zero
        (0, 0x02),  # a future format this code does not know
        (0, 0x11),  # a wrapped-key frame passed off as a field
        (1, 0x00),  # unknown suite code
        (1, 0x09),  # unknown suite code
    ],
)
def test_when_header_byte_is_unknown_then_unseal_and_header_read_fail(
    aead: Aead, cipher_suite: CipherSuite, offset: int, value: int
) -> None:
    blob = bytearray(seal(aead, cipher_suite, 1, b"x", AAD))
    blob[offset] = value
    with pytest.raises(CiphertextInvalid):
        unseal(aead, bytes(blob), AAD)
    with pytest.raises(CiphertextInvalid):
        header_key_version(bytes(blob))


def test_when_unseal_fails_then_error_holds_no_plaintext_or_key(
    aead: Aead, cipher_suite: CipherSuite, key: bytes
) -> None:
    plaintext = b"110101199003077777"
    blob = seal(aead, cipher_suite, 1, plaintext, AAD)
    with pytest.raises(CiphertextInvalid) as caught:
        unseal(aead, blob, field_aad("profile", "mobile_ct", "cust-0002", 1))
    text = f"{caught.value!s} {caught.value!r}"
    for secret in (plaintext, key, key.hex().encode()):
        assert secret.decode("latin-1") not in text
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


@pytest.mark.parametrize(
    "key_version",
    [
        0,  # versions start at 1
        65536,  # does not fit the uint16 header
        -1,  # negative
    ],
)
def test_when_key_version_is_out_of_range_then_seal_refuses(
    aead: Aead, cipher_suite: CipherSuite, key_version: int
) -> None:
    with pytest.raises(ValueError, match="key version"):
        seal(aead, cipher_suite, key_version, b"x", AAD)


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("pro|file", "mobile_ct"),  # separator in the table name
        ("profile", "mobile|ct"),  # separator in the column name
    ],
)
def test_when_name_holds_separator_then_field_aad_refuses(table: str, column: str) -> None:
    with pytest.raises(ValueError, match=r"\|"):
        field_aad(table, column, "cust-0001", 1)


@pytest.mark.parametrize(
    ("cipher_suite", "length", "hash_name"),
    [
        (CipherSuite.AES256GCM, 32, "sha256"),  # international deployments
        (CipherSuite.SM4GCM, 16, "sm3"),  # 国密 deployments
    ],
)
def test_when_suite_is_asked_then_key_length_and_hash_match(
    cipher_suite: CipherSuite, length: int, hash_name: str
) -> None:
    assert (key_length(cipher_suite), blind_index_hash(cipher_suite)) == (length, hash_name)


@pytest.mark.parametrize(
    ("cipher_suite", "length"),
    [
        (CipherSuite.AES256GCM, 16),  # AES-128 key offered for AES-256
        (CipherSuite.AES256GCM, 0),  # empty key
        (CipherSuite.SM4GCM, 32),  # AES-256-sized key offered for SM4
    ],
)
def test_when_key_has_wrong_length_then_make_aead_refuses(
    cipher_suite: CipherSuite, length: int
) -> None:
    with pytest.raises(InvalidKeyMaterial):
        make_aead(cipher_suite, bytes(range(1, length + 1)))


def test_when_sm4_gcm_runs_rfc8998_vector_then_output_matches() -> None:
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex("".join(c * 16 for c in "ABCDEFEA"))
    expected = (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
        "83DE3541E4C2B58177E065A9BF7B62EC"
    )
    assert Sm4Gcm(key).encrypt(nonce, plaintext, aad).hex().upper() == expected


def test_when_suites_differ_then_blob_does_not_open_under_the_other() -> None:
    aes = make_aead(CipherSuite.AES256GCM, os.urandom(32))
    sm4 = make_aead(CipherSuite.SM4GCM, os.urandom(16))
    with pytest.raises(CiphertextInvalid):
        unseal(sm4, seal(aes, CipherSuite.AES256GCM, 1, b"x", AAD), AAD)


def test_when_openssl_lacks_sm4_gcm_then_construction_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(suite_module, "sm4_gcm_supported", lambda: False)
    with pytest.raises(UnsupportedSuite, match="SM4-GCM"):
        make_aead(CipherSuite.SM4GCM, os.urandom(16))


def test_when_sm4_cipher_is_printed_then_key_is_hidden() -> None:
    key = os.urandom(16)
    assert key.hex() not in repr(make_aead(CipherSuite.SM4GCM, key))
