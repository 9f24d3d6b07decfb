"""The vault's sealing matches the crypto library's envelope and AAD definitions exactly."""

from __future__ import annotations

import os

import pytest

from cdp.crypto import BlindIndexer, CipherSuite, CiphertextInvalid, field_aad, make_aead, unseal
from cdp.profiles.vault import FieldSealer, ct_column

CUSTOMER = "01a205d9-0000-7000-8000-000000000001"


@pytest.mark.parametrize("suite", list(CipherSuite))
def test_when_the_vault_seals_then_field_aad_opens_it(suite: CipherSuite) -> None:
    key = os.urandom(32 if suite is CipherSuite.AES256GCM else 16)
    aead = make_aead(suite, key)
    blob = FieldSealer(aead, suite, CUSTOMER, 3).seal("mobile", "13812345678")
    aad = field_aad("profile", ct_column("mobile"), CUSTOMER, 3)
    assert unseal(aead, blob, aad) == b"13812345678"


@pytest.mark.parametrize(
    ("column", "customer", "version"),
    [
        ("email_ct", CUSTOMER, 3),  # another column
        ("mobile_ct", CUSTOMER.replace("1", "2"), 3),  # another customer
        ("mobile_ct", CUSTOMER, 4),  # another key version
    ],
)
def test_when_the_context_differs_then_the_vault_ciphertext_does_not_open(
    column: str, customer: str, version: int
) -> None:
    aead = make_aead(CipherSuite.AES256GCM, os.urandom(32))
    blob = FieldSealer(aead, CipherSuite.AES256GCM, CUSTOMER, 3).seal("mobile", "13812345678")
    with pytest.raises(CiphertextInvalid):
        unseal(aead, blob, field_aad("profile", column, customer, version))


def test_when_sealing_twice_then_nonces_differ() -> None:
    aead = make_aead(CipherSuite.AES256GCM, os.urandom(32))
    sealer = FieldSealer(aead, CipherSuite.AES256GCM, CUSTOMER, 1)
    blobs = {sealer.seal("mobile", "13812345678") for _ in range(50)}
    assert len(blobs) == 50


def test_when_digesting_then_columns_and_keys_separate_equal_values() -> None:
    one, two = BlindIndexer(os.urandom(32)), BlindIndexer(os.urandom(32))
    assert one.digest("mobile", "13812345678") == one.digest("mobile", "13812345678")
    assert one.digest("mobile", "13812345678") != one.digest("landline", "13812345678")
    assert one.digest("mobile", "13812345678") != two.digest("mobile", "13812345678")
