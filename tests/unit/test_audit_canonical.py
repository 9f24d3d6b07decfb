"""Canonical encoding: deterministic, equal to sorted compact JSON, and decoded back exactly."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.canonical import encode
from audit.chain import genesis, link
from audit.decoding import columns, columns_of, decode
from audit.errors import AuditEventInvalid
from audit.events import AuditEvent, ConsentSnapshot
from audit.tags import AuditTag, Decision
from tests.unit.test_audit_support import KEY, T0, event

# Free text without ASCII digits or "@", so the PII guard never refuses a generated value.
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="0123456789@"), max_size=12)
IDS = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40)
TEXTS = st.lists(TEXT, max_size=3).map(tuple)
INSTANTS = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))])
SNAPSHOTS = st.none() | st.builds(ConsentSnapshot, TEXT, st.none() | TEXT, st.none() | IDS)
EVENTS = st.builds(
    AuditEvent,
    event_id=IDS,
    occurred_at=INSTANTS,
    actor=TEXT.filter(bool),
    action=st.sampled_from(AuditTag),
    decision=st.sampled_from(Decision),
    roles=TEXTS,
    purpose=st.none() | TEXT,
    customer_ids=st.lists(IDS, max_size=3).map(tuple),
    record_count=st.none() | st.integers(min_value=0, max_value=2**53),
    fields_clear=TEXTS,
    fields_masked=TEXTS,
    fields_denied=TEXTS,
    reason=st.none() | TEXT,
    rules=TEXTS,
    policy_version=st.none() | IDS,
    consent=SNAPSHOTS,
    request_id=st.none() | IDS,
    trace_id=st.none() | IDS,
    channel=st.none() | TEXT,
    source=st.none() | TEXT,
    ticket_id=st.none() | TEXT,
)


@settings(max_examples=300, deadline=None)
@given(EVENTS)
def test_when_an_event_is_encoded_then_it_decodes_to_the_same_event(e: AuditEvent) -> None:
    assert decode(encode(e)) == e


@settings(max_examples=300, deadline=None)
@given(EVENTS)
def test_when_an_event_is_encoded_then_the_bytes_are_sorted_compact_json(e: AuditEvent) -> None:
    body = encode(e)
    doc = json.loads(body)
    expected = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert body == expected.encode("utf-8")
    assert encode(decode(body)) == body


@settings(max_examples=100, deadline=None)
@given(EVENTS, ZONES)
def test_when_the_same_instant_comes_in_another_zone_then_the_bytes_are_equal(
    e: AuditEvent, zone: timezone
) -> None:
    assert encode(replace(e, occurred_at=e.occurred_at.astimezone(zone))) == encode(e)


def test_when_a_known_event_is_sealed_then_bytes_and_mac_match_the_pinned_vector() -> None:
    e = AuditEvent("e-1", T0, "client-crm-01", AuditTag.PROFILE_READ, Decision.DENY, purpose="P05")
    body = encode(e)
    assert body == (
        b'{"action":"profile:read","actor":"client-crm-01","decision":"deny","event_id":"e-1",'
        b'"occurred_at":"2025-03-01T09:30:00.000000Z","purpose":"P05","v":1}'
    )
    assert link(genesis(0), body, KEY).hash.hex() == PINNED_MAC


# Computed independently: hmac.digest(hmac.digest(secret, LINK_LABEL), pack(">IQ", 0, 1)
# + 32 zero bytes + body, "sha256"). A change here breaks every stored chain: bump "v" instead.
PINNED_MAC = "045c3f3aebd5ad74b7ebd31b300f037ae4ee2a45fae666eed5bc1abde52b9ad0"


def test_when_columns_are_read_from_a_body_then_they_match_the_event() -> None:
    e = event(3)
    assert columns_of(encode(e)) == columns(e)


# (body, the field the error names)
BAD_BODIES = [
    # not JSON at all
    (b"\xff\xfe", "body"),
    # JSON but not an object
    (b"[1]", "body"),
    # a version this code does not know
    (encode(event(1)).replace(b'"v":1', b'"v":2'), "v"),
    # a key the format does not have
    (encode(event(1)).replace(b'"v":1', b'"v":1,"zzz":1'), "zzz"),
    # a tag that does not exist
    (encode(event(1)).replace(b"profile:field:read", b"profile:steal"), "action"),
    # a decision that does not exist
    (encode(event(1)).replace(b'"allow"', b'"maybe"'), "decision"),
    # a list member that is not a string
    (encode(event(1)).replace(b'["name"]', b"[1]"), "fields_clear"),
    # a time without a zone
    (encode(event(1)).replace(b'01.000001Z"', b'01.000001"'), "occurred_at"),
    # a negative row count
    (
        encode(event(1, record_count=3)).replace(b'"record_count":3', b'"record_count":-3'),
        "record_count",
    ),
    # a required member missing
    (encode(event(1)).replace(b'"actor":"client-crm-01",', b""), "actor"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_when_a_body_is_malformed_then_decode_names_the_field(body: bytes, field: str) -> None:
    with pytest.raises(AuditEventInvalid) as caught:
        decode(body)
    assert caught.value.field == field


# (changes to a valid event, the field the error names)
BAD_EVENTS = [
    # a naive time cannot be placed on the UTC timeline
    ({"occurred_at": datetime(2025, 3, 1, 9, 30)}, "occurred_at"),
    # no event id
    ({"event_id": ""}, "event_id"),
    # no actor
    ({"actor": ""}, "actor"),
    # a negative row count
    ({"record_count": -1}, "record_count"),
    # a boolean is not a row count
    ({"record_count": True}, "record_count"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_EVENTS)
def test_when_an_event_is_malformed_then_it_is_refused(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(AuditEventInvalid) as caught:
        event(1, **changes)
    assert caught.value.field == field


def test_when_text_holds_a_lone_surrogate_then_encoding_refuses_it() -> None:
    with pytest.raises(AuditEventInvalid):
        encode(event(1, reason="\ud800"))


def test_when_an_event_is_built_in_china_time_then_it_is_kept_in_utc() -> None:
    cst = timezone(timedelta(hours=8))
    assert event(1, occurred_at=datetime(2025, 3, 1, 17, 30, tzinfo=cst)).occurred_at.tzinfo is UTC
