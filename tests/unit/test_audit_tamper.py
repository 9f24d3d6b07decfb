"""The tamper suite: every single-field change, deletion, insertion, swap, truncation and rehash
of a stored chain is detected, at the right seq, and named by exactly one outcome."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.canonical import encode
from audit.chain import POSITION, ChainHead, ChainLink, genesis, link, link_mac
from audit.decoding import IndexedColumns, columns, decode
from audit.events import AuditEvent, ConsentSnapshot
from audit.findings import ChainReport, Tamper
from audit.tags import AuditTag, Decision
from audit.verify import verify_chain
from tests.unit.test_audit_support import KEY, OTHER_KEY, T0, event, sealed

N = 8
Rows = list[ChainLink]
Tampering = Callable[[Rows], Rows]
MODIFIED, DELETED, INSERTED = Tamper.MODIFIED, Tamper.DELETED, Tamper.INSERTED
REORDERED, TRUNCATED, REHASHED = Tamper.REORDERED, Tamper.TRUNCATED, Tamper.REHASHED


def verify(rows: Rows, expect: ChainHead | None) -> ChainReport:
    """Verifies rows as a store returns them (`ORDER BY seq`, ties in row order)."""
    return verify_chain(sorted(rows, key=lambda row: row.seq), KEY, genesis(0), expect=expect)


def each(seq: int, change: Callable[[ChainLink], ChainLink]) -> Tampering:
    """Changes the stored link at seq."""
    return lambda rows: [change(row) if row.seq == seq else row for row in rows]


def body_of(seq: int, **changes: Any) -> Tampering:
    """Rewrites one event field in the stored body at seq (re-encoded canonically)."""
    return each(seq, lambda row: replace(row, body=encode(replace(decode(row.body), **changes))))


def dropped(*seqs: int) -> Tampering:
    """Deletes the links at seqs."""
    return lambda rows: [row for row in rows if row.seq not in seqs]


def renumbered(rows: Rows, after: int, by: int) -> Rows:
    """Shifts the seq of every link after a seq (what closing or opening a gap takes)."""
    return [replace(row, seq=row.seq + by) if row.seq > after else row for row in rows]


def forged(rows: Rows, seq: int, n: int = 99) -> ChainLink:
    """Seals a made-up event at seq after the real link seq-1, with the attacker's own key."""
    prev = rows[seq - 2].head if seq > 1 else genesis(0)
    return link(prev, encode(event(n)), OTHER_KEY)


def inserted_shifting(seq: int) -> Tampering:
    """Inserts a forged link at seq and renumbers the rest (a unique (chain, seq) key)."""
    return lambda rows: sorted(
        [*renumbered(rows, seq - 1, 1), forged(rows, seq)], key=lambda r: r.seq
    )


def inserted_twin(seq: int, *, before: bool) -> Tampering:
    """Inserts a forged link sharing seq with the real one (no unique key on seq)."""

    def tamper(rows: Rows) -> Rows:
        i = seq - 1 if before else seq
        return [*rows[:i], forged(rows, seq), *rows[i:]]

    return tamper


def copied(source: int, seq: int) -> Tampering:
    """Replays a copy of the link at source as seq, renumbering the rest."""
    return lambda rows: sorted(
        [*renumbered(rows, seq - 1, 1), replace(rows[source - 1], seq=seq)], key=lambda r: r.seq
    )


def swapped(i: int, j: int, *parts: str) -> Tampering:
    """Exchanges the given parts (all content by default) of the links at seqs i and j."""
    names = parts or ("prev_hash", "hash", "body")

    def tamper(rows: Rows) -> Rows:
        a, b = rows[i - 1], rows[j - 1]
        out = list(rows)
        out[i - 1] = replace(a, **{name: getattr(b, name) for name in names})
        out[j - 1] = replace(b, **{name: getattr(a, name) for name in names})
        return out

    return tamper


def rehashed(start: int, mac: Callable[[int, bytes, bytes], bytes], edit: bool) -> Tampering:
    """Recomputes every hash from start to the end with `mac`, editing start's body first."""

    def tamper(rows: Rows) -> Rows:
        out, prev = list(rows[: start - 1]), rows[start - 2].hash if start > 1 else bytes(32)
        for row in rows[start - 1 :]:
            body = row.body
            if edit and row.seq == start:
                body = encode(replace(decode(body), reason="no_matching_rule"))
            digest = mac(row.seq, prev, body)
            out.append(replace(row, prev_hash=prev, hash=digest, body=body))
            prev = digest
        return out

    return tamper


def sha256(seq: int, prev: bytes, body: bytes) -> bytes:
    """The attacker's stand-in for the MAC: the same layout, no key."""
    return hashlib.sha256(POSITION.pack(0, seq) + prev + body).digest()


def attacker_hmac(seq: int, prev: bytes, body: bytes) -> bytes:
    """The attacker's stand-in for the MAC: the same construction under their own key."""
    return link_mac(OTHER_KEY, 0, seq, prev, body)


# One rewritten event field per row; the stored hash stays, so the MAC no longer verifies.
BODY_EDITS: list[tuple[str, object]] = [
    ("event_id", "0195a1b2-0000-7000-8000-999999999999"),  # pin the read on another event
    ("occurred_at", T0.replace(hour=3)),  # move the read to the night
    ("actor", "client-other"),  # blame someone else
    ("action", AuditTag.PROFILE_SEARCH),  # disguise a field read as a search
    ("decision", Decision.DENY),  # turn an allowed read into a refused one
    ("roles", ("teller",)),  # change who the actor acted as
    ("purpose", "P01"),  # change why
    ("customer_ids", ("0195a1b2-7c3d-7e4f-8a5b-000000000000",)),  # change whose data
    ("record_count", 1),  # add a row count that was not there
    ("fields_clear", ("name", "mobile")),  # hide that mobile came back in clear... or claim it
    ("fields_masked", ("id_number",)),  # drop a masked field
    ("fields_denied", ()),  # erase the denial
    ("reason", "no_matching_rule"),  # change the grounds
    ("rules", ("policy.csv:3",)),  # change the deciding rule
    ("policy_version", "2024-12-31.9"),  # claim an older policy
    ("consent", ConsentSnapshot("withdrawn", "N-P05-3", "ev-78")),  # change the consent state
    ("request_id", "req-forged"),  # detach from the request log
    ("trace_id", "00000000000000000000000000000000"),  # detach from the trace
    ("channel", "branch"),  # change where from
    ("source", "192.0.2.1"),  # change the address
    ("ticket_id", "DSR-1"),  # tie the read to a ticket it had none
]

# (what the attacker does, the outcome, the seq reported as the first break)
TAMPERS: list[tuple[Tampering, Tamper, int]] = [
    # the stored hash column is overwritten
    (each(4, lambda r: replace(r, hash=bytes(32))), MODIFIED, 4),
    # the prev_hash column is overwritten
    (each(4, lambda r: replace(r, prev_hash=bytes(32))), MODIFIED, 4),
    # the body is no longer even JSON
    (each(4, lambda r: replace(r, body=r.body[:-1])), MODIFIED, 4),
    # the first link's body changes
    (body_of(1, actor="client-other"), MODIFIED, 1),
    # the newest link's body changes (nothing after it, still inside the expected head)
    (body_of(N, actor="client-other"), MODIFIED, N),
    # a link is replaced by one sealed with the attacker's key
    (lambda rows: [forged(rows, 4) if r.seq == 4 else r for r in rows], MODIFIED, 4),
    # two consecutive links change in place
    (lambda rows: body_of(5, reason="x")(body_of(4, reason="x")(rows)), MODIFIED, 4),
    # one link in the middle is deleted
    (dropped(4), DELETED, 4),
    # the very first link is deleted
    (dropped(1), DELETED, 1),
    # two adjacent links are deleted
    (dropped(4, 5), DELETED, 4),
    # a link is deleted and the rest renumbered to close the gap
    (lambda rows: renumbered(dropped(4)(rows), 4, -1), DELETED, 4),
    # a forged link is inserted and the rest renumbered to make room
    (inserted_shifting(4), INSERTED, 4),
    # a forged link shares seq 4 with the real one, stored after it
    (inserted_twin(4, before=False), INSERTED, 4),
    # ...and stored before it
    (inserted_twin(4, before=True), INSERTED, 4),
    # a forged link is appended past the expected head
    (lambda rows: [*rows, forged(rows, N + 1)], INSERTED, N + 1),
    # a copy of link 2 is replayed as seq 4
    (copied(2, 4), INSERTED, 4),
    # links 3 and 6 swap places
    (swapped(3, 6), REORDERED, 3),
    # neighbours 4 and 5 swap places
    (swapped(4, 5), REORDERED, 4),
    # the first and the last link swap places
    (swapped(1, N), REORDERED, 1),
    # only the bodies of 3 and 6 swap (hashes stay where they were)
    (swapped(3, 6, "body"), REORDERED, 3),
    # the seq column of link 4 moves it past the end
    (each(4, lambda r: replace(r, seq=100)), REORDERED, 4),
    # the seq column of link 4 makes it a twin of link 3
    (each(4, lambda r: replace(r, seq=3)), REORDERED, 3),
    # the seq column of the newest link moves it one further
    (each(N, lambda r: replace(r, seq=N + 1)), REORDERED, N),
    # the newest link is deleted: a truncation by one
    (dropped(N), TRUNCATED, N),
    # the last three links are cut off
    (lambda rows: rows[:-3], TRUNCATED, N - 2),
    # everything is deleted
    (lambda rows: [], TRUNCATED, 1),
    # link 4 is edited and every hash from there recomputed without the key
    (rehashed(4, sha256, edit=True), REHASHED, 4),
    # the whole chain is re-sealed from genesis under the attacker's own key
    (rehashed(1, attacker_hmac, edit=False), REHASHED, 1),
    # every hash is recomputed without the key, nothing else changed
    (rehashed(1, sha256, edit=False), REHASHED, 1),
    # only the newest link is edited and recomputed: nothing follows to show a recomputation
    (rehashed(N, sha256, edit=True), MODIFIED, N),
]


@pytest.mark.parametrize(("name", "value"), BODY_EDITS)
def test_when_one_event_field_is_rewritten_then_the_link_reads_as_modified(
    name: str, value: object
) -> None:
    rows = sealed(N)
    tampered = body_of(4, **{name: value})(rows)
    assert tampered[3].body != rows[3].body
    broken = verify(tampered, rows[-1].head).broken
    assert broken is not None
    assert (broken.kind, broken.seq) == (MODIFIED, 4)


def test_when_the_event_gains_a_field_then_the_tamper_table_covers_it() -> None:
    assert {name for name, _ in BODY_EDITS} == {f.name for f in fields(AuditEvent)}


@pytest.mark.parametrize(("tamper", "kind", "seq"), TAMPERS)
def test_when_a_chain_is_tampered_with_then_the_first_break_is_found_and_named(
    tamper: Tampering, kind: Tamper, seq: int
) -> None:
    rows = sealed(N)
    report = verify(tamper(rows), rows[-1].head)
    assert report.broken is not None
    assert (report.broken.kind, report.broken.seq) == (kind, seq)
    assert report.verified.seq == seq - 1
    assert report.verified == (rows[seq - 2].head if seq > 1 else genesis(0))


def test_when_nothing_is_touched_then_the_chain_is_intact_up_to_the_head() -> None:
    rows = sealed(N)
    report = verify(rows, rows[-1].head)
    assert report.intact
    assert (report.checked, report.verified) == (N, rows[-1].head)


def test_when_no_head_is_expected_then_a_cut_tail_cannot_show() -> None:
    rows = sealed(N)
    assert verify(rows[:-3], None).intact  # why checkpoints and head rows exist


@dataclass(frozen=True)
class Row:
    """A stored row with indexed columns beside the signed body."""

    seq: int
    prev_hash: bytes
    hash: bytes
    body: bytes
    columns: IndexedColumns


def test_when_an_indexed_column_disagrees_with_its_body_then_the_row_is_modified() -> None:
    rows = [Row(r.seq, r.prev_hash, r.hash, r.body, columns(decode(r.body))) for r in sealed(N)]
    rows[4] = replace(rows[4], columns=rows[4].columns._replace(actor="client-other"))
    report = verify_chain(rows, KEY, genesis(0), indexed=lambda row: row.columns)
    assert report.broken is not None
    assert (report.broken.kind, report.broken.seq, report.checked) == (MODIFIED, 5, 4)
    assert verify_chain(rows[:4], KEY, genesis(0), indexed=lambda row: row.columns).intact


def expected_at(op: str, i: int, j: int, n: int) -> tuple[Tamper, int]:
    """Returns the outcome and seq one tamper operation at positions i < j must be named by."""
    if op == "edit":
        return MODIFIED, i
    if op == "delete":
        return (TRUNCATED if i == n else DELETED), i
    if op == "insert":
        return INSERTED, i
    if op == "swap":
        return REORDERED, i
    return (MODIFIED if i == n else REHASHED), i  # rehash from i to the end


def operation(op: str, i: int, j: int) -> Tampering:
    """Returns the tamper operation named op at positions i < j."""
    return {
        "edit": body_of(i, reason="edited"),
        "delete": dropped(i),
        "insert": inserted_shifting(i),
        "swap": swapped(i, j),
        "rehash": rehashed(i, sha256, edit=True),
    }[op]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=2, max_value=24).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.sampled_from(["edit", "delete", "insert", "swap", "rehash"]),
            st.lists(st.integers(1, n), min_size=2, max_size=2, unique=True).map(sorted),
        )
    )
)
def test_when_one_tamper_lands_anywhere_then_it_is_named_the_same_way(
    case: tuple[int, str, list[int]],
) -> None:
    n, op, (i, j) = case
    rows = sealed(n)
    broken = verify(operation(op, i, j)(rows), rows[-1].head).broken
    assert broken is not None
    assert (broken.kind, broken.seq) == expected_at(op, i, j, n)


# (a column a careless or hostile writer set to NULL or to the wrong type)
WRONG_TYPES = [
    ("body", None),  # the body erased
    ("hash", None),  # the hash erased
    ("prev_hash", "not bytes"),  # text where bytes belong
    ("seq", None),  # the position erased
]


@pytest.mark.parametrize(("column", "value"), WRONG_TYPES)
def test_when_a_column_is_null_or_mistyped_then_verification_reports_rather_than_crashes(
    column: str, value: Any
) -> None:
    rows: list[object] = list(sealed(N))
    rows[3] = replace(sealed(N)[3], **{column: value})
    report = verify_chain(rows, KEY, genesis(0))  # type: ignore[type-var]
    assert report.broken is not None
    assert (report.broken.kind, report.broken.seq, report.verified.seq) == (MODIFIED, 4, 3)
