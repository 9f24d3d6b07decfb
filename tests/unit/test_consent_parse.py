"""parse_event: every bad input rejected with a field and a reason, never with the value sent."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest

from consent.errors import EventInvalid, Problem
from consent.events import (
    ActorKind,
    Channel,
    ConsentAction,
    CustomerRef,
    RefKind,
    system_event,
    with_customer_id,
)
from consent.parsing import parse_event
from consent.purposes import ConsentType
from consent.wire import payload_fingerprint, to_wire
from tests.unit.test_consent_support import (
    CUSTOMER,
    DROP,
    ID_NUMBER,
    MOBILE,
    NOTICES,
    NOW,
    OTHER_ID_NUMBER,
    PURPOSES,
    SIGNATURE,
    T0,
    wire,
)

GUARDIAN = {"kind": "guardian", "relationship": "mother", "guardian": {"mobile": MOBILE}}
P08_TO = {"name": "某保险股份有限公司", "contact": "95500"}
P10_TO = {"name": "Example Re Ltd", "contact": "privacy@example.com", "country": "SG"}
LATER = (T0 + timedelta(minutes=6)).isoformat()


def parse(raw: dict[str, Any]) -> Any:
    """Parses with the shipped catalogues at NOW."""
    return parse_event(raw, purposes=PURPOSES, notices=NOTICES, now=NOW)


# (changes to the valid P05 grant, field named, reason)
BAD = [
    # a purpose that is not in the catalogue
    ({"purpose": "P99"}, "purpose", Problem.UNKNOWN),
    # no purpose at all
    ({"purpose": DROP}, "purpose", Problem.MISSING),
    # AML rests on the law: there is nothing to grant or withdraw
    ({"purpose": "P02", "notice_version": "P02-v1"}, "purpose", Problem.NOT_CONSENT_BASED),
    # a channel the bank does not have
    ({"channel": "fax"}, "channel", Problem.UNKNOWN),
    # `system` is not a channel a customer uses
    ({"channel": "system"}, "channel", Problem.UNKNOWN),
    # an action that does not exist
    ({"action": "maybe"}, "action", Problem.UNKNOWN),
    # channels may not send system events
    ({"action": "expire"}, "action", Problem.UNKNOWN),
    # a notice version that was never published
    ({"notice_version": "P05-v9"}, "notice_version", Problem.UNKNOWN),
    # a notice of another purpose
    ({"notice_version": "P06-v1"}, "notice_version", Problem.NOTICE_OF_OTHER_PURPOSE),
    # a grant must say which notice was shown
    ({"notice_version": DROP}, "notice_version", Problem.MISSING),
    # a grant dated before its notice was published
    (
        {"occurred_at": "2023-06-01T10:00:00+08:00"},
        "notice_version",
        Problem.NOTICE_NOT_YET_PUBLISHED,
    ),
    # plain consent is too weak for the separate-consent P05
    ({"consent_type": "consent"}, "consent_type", Problem.TOO_WEAK),
    # `none` is not a form of consent
    ({"consent_type": "none"}, "consent_type", Problem.UNKNOWN),
    # a grant must state its form
    ({"consent_type": DROP}, "consent_type", Problem.MISSING),
    # guardian consent from the subject
    ({"consent_type": "guardian"}, "actor.kind", Problem.GUARDIAN_ACTOR_REQUIRED),
    # written consent with nothing signed
    (
        {"purpose": "P04", "consent_type": "written", "notice_version": "P04-v1", "evidence": DROP},
        "evidence.signature_sha256",
        Problem.SIGNATURE_REQUIRED,
    ),
    # two references at once
    ({"customer": {"id_number": ID_NUMBER, "mobile": MOBILE}}, "customer", Problem.MALFORMED),
    # a reference of an unknown kind
    ({"customer": {"email": "a@example.com"}}, "customer.email", Problem.UNEXPECTED),
    # an ID number whose check character is wrong
    ({"customer": {"id_number": "110105194912310021"}}, "customer.id_number", Problem.MALFORMED),
    # an ID number with an impossible date
    ({"customer": {"id_number": "110105194902300020"}}, "customer.id_number", Problem.MALFORMED),
    # a mobile in a range no operator uses
    ({"customer": {"mobile": "12345678901"}}, "customer.mobile", Problem.MALFORMED),
    # a mobile sent as a number
    ({"customer": {"mobile": 13800138000}}, "customer.mobile", Problem.MALFORMED),
    # the ID number sent bare instead of in a reference
    ({"customer": ID_NUMBER}, "customer", Problem.MALFORMED),
    # no customer
    ({"customer": DROP}, "customer", Problem.MISSING),
    # beyond the five-minute clock-skew allowance
    ({"occurred_at": (NOW + timedelta(minutes=6)).isoformat()}, "occurred_at", Problem.IN_FUTURE),
    # no offset: the instant is ambiguous
    ({"occurred_at": "2026-03-01T09:00:00"}, "occurred_at", Problem.NO_TIMEZONE),
    # not a timestamp
    ({"occurred_at": "yesterday"}, "occurred_at", Problem.MALFORMED),
    # a date that does not exist
    ({"occurred_at": "2026-02-30T09:00:00+08:00"}, "occurred_at", Problem.MALFORMED),
    # epoch seconds are not accepted
    ({"occurred_at": 1772326800}, "occurred_at", Problem.MALFORMED),
    # no time at all
    ({"occurred_at": DROP}, "occurred_at", Problem.MISSING),
    # an expiry before the grant
    ({"expires_at": "2026-02-01T00:00:00+08:00"}, "expires_at", Problem.NOT_AFTER_OCCURRED),
    # an expiry without offset
    ({"expires_at": "2027-02-01T00:00:00"}, "expires_at", Problem.NO_TIMEZONE),
    # a withdrawal has no expiry
    ({"action": "withdraw", "expires_at": LATER}, "expires_at", Problem.UNEXPECTED),
    # staff do not sit in the app
    (
        {"actor": {"kind": "staff", "staff_id": "S10001"}},
        "actor.staff_id",
        Problem.STAFF_NOT_ON_CHANNEL,
    ),
    # staff must be named
    ({"channel": "branch", "actor": {"kind": "staff"}}, "actor.staff_id", Problem.MISSING),
    # an actor kind that does not exist
    ({"actor": {"kind": "robot"}}, "actor.kind", Problem.UNKNOWN),
    # no actor
    ({"actor": DROP}, "actor", Problem.MISSING),
    # a subject carries no extra keys
    ({"actor": {"kind": "subject", "name": "张三"}}, "actor.name", Problem.UNEXPECTED),
    # a guardian without relationship
    (
        {"actor": {"kind": "guardian", "guardian": {"mobile": MOBILE}}},
        "actor.relationship",
        Problem.MISSING,
    ),
    # a relationship the Civil Code does not make a guardian
    ({"actor": {**GUARDIAN, "relationship": "neighbour"}}, "actor.relationship", Problem.UNKNOWN),
    # a guardian who is not identified
    ({"actor": {"kind": "guardian", "relationship": "father"}}, "actor.guardian", Problem.MISSING),
    # a guardian identified by a bad ID number
    (
        {"actor": {**GUARDIAN, "guardian": {"id_number": "110105194912310021"}}},
        "actor.guardian.id_number",
        Problem.MALFORMED,
    ),
    # a key the wire shape does not have
    ({"name": "张三"}, "name", Problem.UNEXPECTED),
    # a key that looks like PII is not echoed either
    ({ID_NUMBER: "1"}, "?", Problem.UNEXPECTED),
    # an event id with spaces
    ({"event_id": "app 1"}, "event_id", Problem.MALFORMED),
    # no event id
    ({"event_id": DROP}, "event_id", Problem.MISSING),
    # a signature that is not a SHA-256
    ({"evidence": {"signature_sha256": "abc"}}, "evidence.signature_sha256", Problem.MALFORMED),
    # evidence of an unknown kind
    ({"evidence": {"photo": "x.jpg"}}, "evidence.photo", Problem.UNEXPECTED),
    # provision to a third party must name the recipient
    ({"purpose": "P08", "notice_version": "P08-v1"}, "recipient", Problem.RECIPIENT_REQUIRED),
    # a recipient without contact
    (
        {"purpose": "P08", "notice_version": "P08-v1", "recipient": {"name": "某保险"}},
        "recipient.contact",
        Problem.MISSING,
    ),
    # cross-border provision must name the country
    (
        {"purpose": "P10", "notice_version": "P10-v1", "recipient": P08_TO},
        "recipient.country",
        Problem.MISSING,
    ),
    # a "cross-border" recipient in China
    (
        {"purpose": "P10", "notice_version": "P10-v1", "recipient": {**P10_TO, "country": "CN"}},
        "recipient.country",
        Problem.MALFORMED,
    ),
    # a recipient where the purpose names none
    ({"recipient": P08_TO}, "recipient", Problem.UNEXPECTED),
    # scope as a number
    ({"scope": 7}, "scope", Problem.MALFORMED),
]


@pytest.mark.parametrize(("changes", "field", "reason"), BAD)
def test_when_an_event_is_bad_then_it_is_rejected_with_field_and_reason(
    changes: dict[str, Any], field: str, reason: Problem
) -> None:
    with pytest.raises(EventInvalid) as caught:
        parse(wire(**changes))
    assert (caught.value.field, caught.value.reason) == (field, reason)


@pytest.mark.parametrize(("changes", "field", "reason"), BAD)
def test_when_an_event_is_rejected_then_no_id_number_or_mobile_is_echoed(
    changes: dict[str, Any], field: str, reason: Problem
) -> None:
    with pytest.raises(EventInvalid) as caught:
        parse(wire(**changes))
    shown = f"{caught.value} {caught.value!r} {caught.value.args} {caught.value.field}"
    for secret in (ID_NUMBER, MOBILE, "110105194912310021", "12345678901", "13800138000"):
        assert secret not in shown


@pytest.mark.parametrize(
    "raw",
    [
        # not a mapping at all
        [("event_id", "x")],
        # a CSV row whose dotted column collides with a plain one
        {"customer": None, "actor": "subject", "actor.kind": "subject"},
    ],
)
def test_when_the_event_is_not_a_mapping_of_the_wire_shape_then_it_is_rejected(raw: Any) -> None:
    with pytest.raises(EventInvalid):
        parse(raw)


def test_when_a_row_only_has_dotted_columns_then_a_collision_is_rejected() -> None:
    row = {"actor": "subject", "actor.kind": "subject"}
    with pytest.raises(EventInvalid) as caught:
        parse(row)
    assert caught.value.reason == Problem.MALFORMED


def _csv(raw: dict[str, Any]) -> dict[str, str]:
    """Flattens like the branch paper-form export: dotted columns, empty cells for nothing."""
    flat: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in _csv(value).items()})
        else:
            flat[key] = "" if value is None else str(value)
    return flat


PAPER = wire(
    event_id="paper-20260301-0007",
    purpose="P04",
    consent_type="written",
    notice_version="P04-v1",
    channel="paper",
    actor={"kind": "staff", "staff_id": "S10001"},
)

# (raw event, what the parsed event must show)
GOOD = [
    # the wire example of the issue
    (wire(), {"purpose": "P05", "consent_type": ConsentType.SEPARATE, "channel": Channel.APP}),
    # the same as a CSV row with dotted columns
    (_csv(wire()), {"customer": CustomerRef(RefKind.ID_NUMBER, ID_NUMBER)}),
    # a paper form at a branch, staff assisting, written consent signed
    (_csv(PAPER), {"consent_type": ConsentType.WRITTEN, "channel": Channel.PAPER}),
    # a lower-case x check character is normalised
    (
        wire(customer={"id_number": ID_NUMBER.lower()}),
        {"customer": CustomerRef(RefKind.ID_NUMBER, ID_NUMBER)},
    ),
    # a 15-digit first-generation ID is widened to 18 characters
    (
        wire(customer={"id_number": "110105491231002"}),
        {"customer": CustomerRef(RefKind.ID_NUMBER, ID_NUMBER)},
    ),
    # a passport number is accepted as it is
    (
        wire(customer={"id_number": "E12345678"}),
        {"customer": CustomerRef(RefKind.ID_NUMBER, "E12345678")},
    ),
    # a mobile with country code and separators
    (
        wire(customer={"mobile": "+86 138-0013-8000"}),
        {"customer": CustomerRef(RefKind.MOBILE, MOBILE)},
    ),
    # full-width digits from a Chinese keyboard
    (
        wire(customer={"mobile": "１３８００１３８０００"}),
        {"customer": CustomerRef(RefKind.MOBILE, MOBILE)},
    ),
    # a withdrawal needs neither form nor notice
    (
        wire(action="withdraw", consent_type=DROP, notice_version=DROP),
        {"consent_type": None, "notice_version": None},
    ),
    # a refusal may name the notice that was shown
    (wire(action="refuse", consent_type=DROP), {"notice_version": "P05-v1"}),
    # a mother's grant for her child
    (
        wire(purpose="P13", consent_type="guardian", notice_version="P13-v1", actor=GUARDIAN),
        {"consent_type": ConsentType.GUARDIAN},
    ),
    # a guardian may give a stronger form, here written
    (wire(consent_type="written", actor=GUARDIAN), {"consent_type": ConsentType.WRITTEN}),
    # cross-border provision naming the overseas recipient
    (wire(purpose="P10", notice_version="P10-v1", recipient=P10_TO), {"purpose": "P10"}),
    # the time is kept as a UTC instant
    (wire(), {"occurred_at": T0.astimezone(UTC)}),
    # within the clock-skew allowance
    (wire(occurred_at=(NOW + timedelta(minutes=4)).isoformat()), {"action": ConsentAction.GRANT}),
    # scope from a CSV cell, de-duplicated and sorted
    (wire(scope="aum;products;aum"), {"scope": ("aum", "products")}),
    # a grant with its own end date
    (
        wire(expires_at="2026-09-01T00:00:00+08:00"),
        {"expires_at": T0.replace(month=9, day=1, hour=0)},
    ),
]


@pytest.mark.parametrize(("raw", "expected"), GOOD)
def test_when_an_event_is_good_then_it_parses_to_the_expected_fields(
    raw: dict[str, Any], expected: dict[str, Any]
) -> None:
    event = parse(raw)
    assert {k: getattr(event, k) for k in expected} == expected


@pytest.mark.parametrize(("raw", "expected"), GOOD)
def test_when_rendering_a_parsed_event_to_the_wire_then_it_parses_back_to_itself(
    raw: dict[str, Any], expected: dict[str, Any]
) -> None:
    event = parse(raw)
    assert parse(to_wire(event)) == event


def test_when_a_staff_member_assists_at_a_branch_then_the_actor_is_staff() -> None:
    event = parse(wire(channel="branch", actor={"kind": "staff", "staff_id": "S10001"}))
    assert (event.actor.kind, event.actor.staff_id) == (ActorKind.STAFF, "S10001")


def test_when_the_same_event_comes_with_another_offset_then_the_fingerprint_is_the_same() -> None:
    utc = wire(occurred_at=T0.astimezone(UTC).isoformat())
    assert payload_fingerprint(parse(utc)) == payload_fingerprint(parse(wire()))


@pytest.mark.parametrize(
    "changes",
    [
        # another customer
        {"customer": {"id_number": OTHER_ID_NUMBER}},
        # another minute
        {"occurred_at": "2026-03-01T09:01:00+08:00"},
        # another form
        {"consent_type": "written"},
        # another signature
        {"evidence": {"signature_sha256": "cd" * 32}},
        # an expiry added
        {"expires_at": "2026-09-01T00:00:00+08:00"},
    ],
)
def test_when_any_field_differs_then_the_fingerprint_differs(changes: dict[str, Any]) -> None:
    assert payload_fingerprint(parse(wire(**changes))) != payload_fingerprint(parse(wire()))


def test_when_showing_an_event_then_its_customer_reference_is_redacted() -> None:
    event = parse(wire(actor=GUARDIAN))
    assert ID_NUMBER not in repr(event)
    assert MOBILE not in repr(event)


def test_when_system_events_are_allowed_then_the_ledger_can_replay_them() -> None:
    raw = {
        "event_id": "sys-1",
        "customer": {"id_number": ID_NUMBER},
        "purpose": "P05",
        "action": "expire",
        "channel": "system",
        "actor": {"kind": "system"},
        "occurred_at": T0.isoformat(),
    }
    event = parse_event(raw, purposes=PURPOSES, notices=NOTICES, now=NOW, allow_system=True)
    assert (event.action, event.channel) == (ConsentAction.EXPIRE, Channel.SYSTEM)
    assert (
        parse_event(to_wire(event), purposes=PURPOSES, notices=NOTICES, now=NOW, allow_system=True)
        == event
    )


def test_when_the_signature_is_upper_case_hex_then_it_is_kept_lower_case() -> None:
    event = parse(wire(evidence={"signature_sha256": SIGNATURE.upper()}))
    assert event.evidence.signature_sha256 == SIGNATURE


def test_when_two_references_resolve_to_one_customer_then_the_fingerprints_match() -> None:
    by_id = with_customer_id(parse(wire()), CUSTOMER.value)
    by_mobile = with_customer_id(parse(wire(customer={"mobile": MOBILE})), CUSTOMER.value)
    assert payload_fingerprint(by_id) == payload_fingerprint(by_mobile)
    assert ID_NUMBER not in repr(to_wire(by_id))


def test_when_the_platform_records_an_expiry_then_it_is_a_system_event() -> None:
    event = system_event(
        ConsentAction.EXPIRE, event_id="sys-2", customer=CUSTOMER, purpose="P05", at=T0
    )
    assert (event.channel, event.actor.kind) == (Channel.SYSTEM, ActorKind.SYSTEM)
    with pytest.raises(ValueError, match="not a system event"):
        system_event(ConsentAction.GRANT, event_id="sys-3", customer=CUSTOMER, purpose="P05", at=T0)
