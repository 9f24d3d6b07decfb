"""Keyed pseudonyms: stable within a domain, unlinkable across domains and master keys."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from masking.pseudonyms import PSEUDONYM_LENGTH, Pseudonymiser, UnknownDomain, derive_domain_key

MASTER = bytes(range(32))
OTHER_MASTER = bytes(range(1, 33))
DOMAINS = ("analytics", "marketing", "research")
CUSTOMER = "0b6f2f8e-4c1a-4f57-9a53-2f0d1c9e7a10"


@pytest.fixture
def pseudonyms() -> Pseudonymiser:
    return Pseudonymiser(MASTER, DOMAINS)


def test_when_asked_twice_in_a_domain_then_the_pseudonym_is_the_same(
    pseudonyms: Pseudonymiser,
) -> None:
    again = Pseudonymiser(MASTER, DOMAINS)
    assert pseudonyms.pseudonym("analytics", CUSTOMER) == again.pseudonym("analytics", CUSTOMER)


def test_when_domains_differ_then_pseudonyms_differ(pseudonyms: Pseudonymiser) -> None:
    seen = {pseudonyms.pseudonym(domain, CUSTOMER) for domain in DOMAINS}
    assert len(seen) == len(DOMAINS)


def test_when_master_keys_differ_then_pseudonyms_differ(pseudonyms: Pseudonymiser) -> None:
    other = Pseudonymiser(OTHER_MASTER, DOMAINS)
    assert pseudonyms.pseudonym("analytics", CUSTOMER) != other.pseudonym("analytics", CUSTOMER)


def test_when_customers_differ_then_pseudonyms_have_a_fixed_url_safe_shape(
    pseudonyms: Pseudonymiser,
) -> None:
    made = {pseudonyms.pseudonym("marketing", f"customer-{i}") for i in range(2000)}
    assert len(made) == 2000
    assert all(re.fullmatch(rf"[0-9a-f]{{{PSEUDONYM_LENGTH}}}", p) for p in made)


def test_when_the_domain_is_unknown_then_it_is_refused(pseudonyms: Pseudonymiser) -> None:
    with pytest.raises(UnknownDomain):
        pseudonyms.pseudonym("finance", CUSTOMER)


@pytest.mark.parametrize(
    ("key", "domains"),
    [
        (b"short", DOMAINS),  # a master key below 256 bits
        (MASTER, ()),  # no domain configured
        (MASTER, ("analytics", "bad domain")),  # a name that is not an identifier
    ],
)
def test_when_configuration_is_unsafe_then_construction_fails(
    key: bytes, domains: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError, match="pseudonym"):
        Pseudonymiser(key, domains)


def test_when_deriving_a_domain_key_then_it_matches_rfc5869_hkdf() -> None:
    info = b"cdp/pseudonym/v1/analytics"
    expected = HKDF(hashes.SHA256(), 32, salt=None, info=info).derive(MASTER)
    assert derive_domain_key(MASTER, "analytics") == expected


def test_when_printed_then_no_key_material_shows(pseudonyms: Pseudonymiser) -> None:
    assert "hidden" in repr(pseudonyms)
    assert derive_domain_key(MASTER, "analytics").hex() not in repr(pseudonyms)


def test_when_a_mac_is_injected_then_it_is_used() -> None:
    calls: list[bytes] = []

    def factory(key: bytes):  # type: ignore[no-untyped-def]
        return lambda message: calls.append(message) or bytes(32)

    assert Pseudonymiser(MASTER, DOMAINS, mac=factory).pseudonym("research", "x") == "0" * 32
    assert calls == [b"x"]
