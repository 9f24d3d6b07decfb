"""Whole-log verification over the ports: chains stand alone, runs resume from checkpoints."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from itertools import islice

import pytest

from audit.chain import genesis
from audit.checkpoint import HmacSigner, sign
from audit.errors import CheckpointInvalid
from audit.findings import Tamper
from audit.report import log_document
from audit.sweep import checkpoint_of, trusted_checkpoint, verify_store
from audit.verify import verify_chain
from tests.unit.test_audit_support import KEY, OTHER_KEY, T0, FakeAuditLog, event

CHAINS = 4
SIGNER = HmacSigner(KEY)


def filled(count: int, start: int = 1) -> FakeAuditLog:
    """Returns a log with `count` single-event transactions spread over the chains."""
    log = FakeAuditLog(CHAINS)
    append(log, count, start)
    return log


def append(log: FakeAuditLog, count: int, start: int) -> None:
    """Appends `count` more single-event transactions."""
    for n in range(start, start + count):
        log.append([event(n)])


def test_when_nothing_is_touched_then_every_chain_verifies() -> None:
    log = filled(200)
    report = verify_store(log, KEY, CHAINS)
    assert report.intact
    assert report.checked == 200
    assert all(chain.checked > 20 for chain in report.chains)  # routing spread the load


@pytest.mark.parametrize("victim", range(CHAINS))
def test_when_one_chain_is_tampered_then_only_that_chain_breaks(victim: int) -> None:
    log = filled(200)
    rows = log.rows[victim]
    rows[5] = replace(rows[5], body=rows[5].body.replace(b"allow", b"deny!"))
    report = verify_store(log, KEY, CHAINS)
    broken = {chain.chain: chain.broken for chain in report.chains if not chain.intact}
    assert list(broken) == [victim]
    assert (broken[victim].kind, broken[victim].seq) == (Tamper.MODIFIED, 6)  # type: ignore[union-attr]


def test_when_the_tail_is_cut_but_the_head_row_kept_then_truncation_shows() -> None:
    log = filled(40)
    del log.rows[1][-2:]
    report = verify_store(log, KEY, CHAINS)
    assert report.chains[1].broken is not None
    assert report.chains[1].broken.kind == Tamper.TRUNCATED


def test_when_a_run_resumes_from_a_checkpoint_then_only_newer_links_are_walked() -> None:
    log = filled(100)
    first = verify_store(log, KEY, CHAINS)
    log.save(sign(checkpoint_of(first, T0), SIGNER))
    append(log, 60, 101)
    trusted = trusted_checkpoint(log, SIGNER)
    second = verify_store(log, KEY, CHAINS, trusted=trusted)
    assert second.intact
    assert second.checked == 60
    assert [c.start for c in second.chains] == [c.verified for c in first.chains]


def test_when_an_old_link_is_edited_then_only_a_full_run_sees_it() -> None:
    log = filled(100)
    trusted = checkpoint_of(verify_store(log, KEY, CHAINS), T0)
    rows = log.rows[0]
    rows[2] = replace(rows[2], body=rows[2].body.replace(b"allow", b"deny!"))
    assert verify_store(log, KEY, CHAINS, trusted=trusted).intact
    assert not verify_store(log, KEY, CHAINS).intact


# (what happens to chain 2 below or at its checkpointed link, what the run reports)
BELOW_CHECKPOINT = [
    # the tail is cut below the checkpoint and the head row rolled back with it
    ("cut", Tamper.TRUNCATED),
    # the checkpointed link alone is deleted, later links stay
    ("drop", Tamper.DELETED),
    # the checkpointed link's hash is overwritten
    ("edit", Tamper.MODIFIED),
]


@pytest.mark.parametrize(("attack", "kind"), BELOW_CHECKPOINT)
def test_when_the_checkpointed_link_is_attacked_then_the_anchor_catches_it(
    attack: str, kind: Tamper
) -> None:
    log = filled(100)
    trusted = checkpoint_of(verify_store(log, KEY, CHAINS), T0)
    append(log, 40, 101)
    rows, anchor = log.rows[2], trusted.head(2)
    if attack == "cut":
        del rows[anchor.seq - 3 :]
        log.head_rows[2] = rows[-1].head
    elif attack == "drop":
        del rows[anchor.seq - 1]
    else:
        rows[anchor.seq - 1] = replace(rows[anchor.seq - 1], hash=bytes(32))
    report = verify_store(log, KEY, CHAINS, trusted=trusted)
    assert [c.chain for c in report.chains if not c.intact] == [2]
    assert report.chains[2].broken is not None
    assert (report.chains[2].broken.kind, report.chains[2].broken.seq) == (kind, anchor.seq)


def test_when_a_chain_is_verified_in_two_parts_then_it_matches_one_pass() -> None:
    log = filled(200)
    whole = verify_chain(log.links(3, 0), KEY, genesis(3))
    part = verify_chain(islice(log.links(3, 0), 10), KEY, genesis(3))
    rest = verify_chain(log.links(3, part.verified.seq), KEY, part.verified)
    assert (part.checked + rest.checked, rest.verified) == (whole.checked, whole.verified)


def test_when_the_checkpoint_is_forged_then_loading_it_fails() -> None:
    log = filled(10)
    log.save(sign(checkpoint_of(verify_store(log, KEY, CHAINS), T0), HmacSigner(OTHER_KEY)))
    with pytest.raises(CheckpointInvalid):
        trusted_checkpoint(log, SIGNER)


def test_when_a_run_is_broken_then_no_checkpoint_blesses_it() -> None:
    log = filled(10)
    del log.rows[0][0]
    with pytest.raises(CheckpointInvalid):
        checkpoint_of(verify_store(log, KEY, CHAINS), T0 + timedelta(hours=1))


def test_when_a_chain_exists_beyond_the_configured_count_then_it_is_still_verified() -> None:
    log = filled(40)
    assert len(verify_store(log, KEY, 2).chains) == CHAINS


def test_when_the_report_is_rendered_then_it_is_json_with_the_break_named() -> None:
    log = filled(40)
    del log.rows[0][1]
    doc = json.loads(json.dumps(log_document(verify_store(log, KEY, CHAINS))))
    assert doc["intact"] is False
    assert doc["chains"][0]["break"] == {
        "kind": "deleted",
        "seq": 2,
        "detail": "1 link(s) missing before 3",
    }
    assert doc["chains"][1]["break"] is None
