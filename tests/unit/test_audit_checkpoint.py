"""Checkpoints: signed heads that round-trip through export, and any tampering is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from audit.chain import ChainHead, genesis
from audit.checkpoint import (
    Checkpoint,
    HmacSigner,
    SignedCheckpoint,
    payload,
    sign,
    verify_checkpoint,
)
from audit.checkpoint_wire import export, parse
from audit.errors import CheckpointInvalid
from tests.unit.test_audit_support import KEY, OTHER_KEY, T0, sealed

SIGNER = HmacSigner(KEY)


def signed() -> SignedCheckpoint:
    """Signs a checkpoint over three chains of 5, 3 and 0 links."""
    heads = (sealed(5, 0)[-1].head, sealed(3, 1)[-1].head, genesis(2))
    return sign(Checkpoint(heads, T0), SIGNER)


def test_when_a_checkpoint_is_signed_then_it_verifies_and_counts_its_links() -> None:
    checkpoint = verify_checkpoint(signed(), SIGNER)
    assert checkpoint.count == 8
    assert checkpoint.head(1).seq == 3


def test_when_a_checkpoint_is_exported_then_parsing_gives_it_back() -> None:
    text = export(signed())
    assert parse(text) == signed()
    assert verify_checkpoint(parse(text), SIGNER) == signed().checkpoint
    assert json.loads(text)["count"] == 8


def test_when_the_time_is_given_in_china_then_the_export_is_the_same() -> None:
    cst = T0.astimezone(timezone(timedelta(hours=8)))
    again = sign(Checkpoint(signed().checkpoint.heads, cst), SIGNER)
    assert export(again) == export(signed())


Edit = Callable[[dict[str, Any]], None]


def _set(path: tuple[Any, ...], value: object) -> Edit:
    """Sets one member of the exported document."""

    def edit(doc: dict[str, Any]) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return edit


# (an edit to the exported document that the signature must catch)
SIGNATURE_EDITS: list[Edit] = [
    _set(("chains", 0, "seq"), 4),  # roll a head back (and count with it, below)
    _set(("chains", 1, "hash"), "00" * 32),  # point a head at another link
    _set(("created_at",), "2025-03-02T09:30:00.000000Z"),  # re-date the checkpoint
    _set(("signature",), "00" * 32),  # forge the signature outright
    lambda doc: doc["chains"].pop(),  # drop the last chain's head
]


@pytest.mark.parametrize("edit", SIGNATURE_EDITS)
def test_when_an_exported_checkpoint_is_edited_then_it_does_not_verify(edit: Edit) -> None:
    doc = json.loads(export(signed()))
    edit(doc)
    doc["count"] = sum(head["seq"] for head in doc["chains"])  # a careful forger fixes the count
    with pytest.raises(CheckpointInvalid):
        verify_checkpoint(parse(json.dumps(doc)), SIGNER)


# (an exported text parsing must refuse)
MALFORMED = [
    "not json",  # not JSON
    "[]",  # not an object
    export(signed()).replace('"count":8', '"count":9'),  # a count that disagrees with the heads
    export(signed()).replace('"v":1', '"v":2'),  # an unknown version
    export(signed()).replace('"v":1', '"v":1,"note":"x"'),  # an extra key
    export(signed()).replace('"chain":1', '"chain":"1"'),  # a chain number as text
    export(signed()).replace('"seq":3', '"seq":-3'),  # a negative seq
    export(signed()).replace('"chain":2', '"chain":3'),  # a hole in the chain numbers
    export(signed()).replace('Z"', '"'),  # a time without a zone
]


@pytest.mark.parametrize("text", MALFORMED)
def test_when_an_export_is_malformed_then_parsing_refuses(text: str) -> None:
    with pytest.raises(CheckpointInvalid):
        parse(text)


def test_when_another_key_verifies_then_the_checkpoint_is_refused() -> None:
    with pytest.raises(CheckpointInvalid, match="audit-test-1"):
        verify_checkpoint(signed(), HmacSigner(OTHER_KEY))


def test_when_a_link_mac_is_passed_off_as_a_signature_then_it_is_refused() -> None:
    checkpoint = signed().checkpoint
    link_mac = KEY.links.digest(payload(checkpoint, KEY.key_id))
    with pytest.raises(CheckpointInvalid):
        verify_checkpoint(SignedCheckpoint(checkpoint, KEY.key_id, link_mac), SIGNER)


# (heads a checkpoint must refuse)
BAD_HEADS = [
    (),  # no chain at all
    (genesis(1),),  # chain numbers not starting at 0
    (genesis(0), genesis(0)),  # a chain twice
    (ChainHead(0, 1, b"short"),),  # a hash of the wrong size
]


@pytest.mark.parametrize("heads", BAD_HEADS)
def test_when_heads_are_inconsistent_then_no_checkpoint_is_made(
    heads: tuple[ChainHead, ...],
) -> None:
    with pytest.raises(CheckpointInvalid):
        Checkpoint(heads, T0)


def test_when_the_time_is_naive_then_no_checkpoint_is_made() -> None:
    with pytest.raises(CheckpointInvalid):
        Checkpoint((genesis(0),), datetime(2025, 3, 1))
