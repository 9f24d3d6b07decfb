"""The chain: keyed links, stable chain routing, sealing in order, keys that never show."""

from __future__ import annotations

import hmac
import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.chain import ChainHead, chain_id_for, genesis, link
from audit.errors import AuditKeyInvalid
from audit.keys import CHECKPOINT_LABEL, LINK_LABEL, AuditKey, Hmac
from audit.seal import seal
from audit.tags import AuditTag
from tests.unit.test_audit_support import KEY, OTHER_KEY, event


@given(st.binary(max_size=200), st.binary(max_size=2000))
def test_when_a_mac_is_computed_then_it_equals_the_stdlib_hmac(key: bytes, message: bytes) -> None:
    assert Hmac(key).digest(message) == hmac.digest(key, message, "sha256")


def test_when_events_are_sealed_then_each_link_follows_the_one_before() -> None:
    links = seal([event(1), event(2), event(3)], genesis(2), KEY)
    assert [(x.chain, x.seq) for x in links] == [(2, 1), (2, 2), (2, 3)]
    assert links[0].prev_hash == bytes(32)
    assert [x.prev_hash for x in links[1:]] == [x.hash for x in links[:-1]]


# (what differs from the reference link, which must change the hash)
DIFFERENT_INPUTS = [
    # another chain
    (ChainHead(1, 0, bytes(32)), b"{}", KEY),
    # another position
    (ChainHead(0, 1, bytes(32)), b"{}", KEY),
    # another predecessor
    (ChainHead(0, 0, b"\x01" * 32), b"{}", KEY),
    # another body
    (ChainHead(0, 0, bytes(32)), b"{ }", KEY),
    # another key
    (ChainHead(0, 0, bytes(32)), b"{}", OTHER_KEY),
]


@pytest.mark.parametrize(("head", "body", "key"), DIFFERENT_INPUTS)
def test_when_any_mac_input_differs_then_the_hash_differs(
    head: ChainHead, body: bytes, key: AuditKey
) -> None:
    assert link(head, body, key).hash != link(genesis(0), b"{}", KEY).hash


def test_when_the_same_key_routes_twice_then_it_lands_on_the_same_chain() -> None:
    assert chain_id_for("req-42", 16) == chain_id_for("req-42", 16)
    assert chain_id_for("req-42", 1) == 0


def test_when_many_keys_are_routed_then_every_chain_gets_a_fair_share() -> None:
    counts = Counter(chain_id_for(f"req-{n}", 8) for n in range(8000))
    assert set(counts) == set(range(8))
    assert min(counts.values()) > 800


@pytest.mark.parametrize("n_chains", [0, -1, 2**31 + 1])
def test_when_the_chain_count_is_out_of_range_then_routing_refuses(n_chains: int) -> None:
    with pytest.raises(ValueError, match="n_chains"):
        chain_id_for("req", n_chains)


# (key id, secret, why it is refused)
BAD_KEYS = [
    ("k1", b"\x01" * 31, "too short to be an HMAC-SHA256 key"),
    ("", b"\x01" * 32, "no id to name it in checkpoints"),
]


@pytest.mark.parametrize(("key_id", "secret", "why"), BAD_KEYS)
def test_when_a_key_is_unusable_then_it_is_refused(key_id: str, secret: bytes, why: str) -> None:
    with pytest.raises(AuditKeyInvalid):
        AuditKey(key_id, secret)


def test_when_a_key_is_printed_then_the_secret_does_not_show() -> None:
    assert "\\x01" not in repr(KEY)
    assert "audit-test-1" in repr(KEY)


def test_when_sub_keys_are_derived_then_links_and_checkpoints_use_different_keys() -> None:
    assert KEY.derive(LINK_LABEL) != KEY.derive(CHECKPOINT_LABEL)
    assert KEY.links.digest(b"x") != KEY.checkpoints.digest(b"x")


# (tag, its domain, its verb)
TAG_PARTS = [
    (AuditTag.PROFILE_FIELD_READ, "profile", "read"),  # three parts
    (AuditTag.DSR_ERASE, "dsr", "erase"),  # two parts
    (AuditTag.EXPORT, "export", "export"),  # one part: domain and verb coincide
]


@pytest.mark.parametrize(("tag", "domain", "verb"), TAG_PARTS)
def test_when_a_tag_is_split_then_domain_and_verb_come_out(
    tag: AuditTag, domain: str, verb: str
) -> None:
    assert (tag.domain, tag.verb) == (domain, verb)


def test_when_tags_are_listed_then_each_is_lower_snake_parts_joined_by_colons() -> None:
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*(?::[a-z][a-z0-9_]*)*", tag) for tag in AuditTag)
