"""The PII guard: obvious mobiles, ID numbers, card numbers and e-mails never enter the log."""

from __future__ import annotations

import pytest

from audit.canonical import encode
from audit.errors import AuditPiiRefused
from audit.events import ConsentSnapshot
from audit.pii import pii_kind
from tests.unit.test_audit_support import event

MOBILE, ID, CARD, EMAIL = "mobile number", "resident ID number", "card number", "e-mail address"

# (event changes, the field named, the kind named)
REFUSED = [
    # a mobile number pasted into the reason
    ({"reason": "customer 13812345678 called"}, "reason", MOBILE),
    # ...with the country code and separators
    ({"reason": "+86 138-1234-5678"}, "reason", MOBILE),
    # ...right next to Chinese text, where \b would not split it
    ({"reason": "客户13812345678来电"}, "reason", MOBILE),
    # ...in full-width digits
    ({"reason": "来电１３８１２３４５６７８"}, "reason", MOBILE),
    # a login that is a phone number, as the actor
    ({"actor": "13812345678"}, "actor", MOBILE),
    # an 18-character resident ID number in the channel
    ({"channel": "branch 11010519491231002X"}, "channel", ID),
    # ...with a lower-case check character, in the source
    ({"source": "11010519491231002x"}, "source", ID),
    # a 19-digit card number in a ticket id
    ({"ticket_id": "6222021234567890128"}, "ticket_id", CARD),
    # an e-mail address as a role
    ({"roles": ("teller", "wang.fang@example.cn")}, "roles", EMAIL),
    # a mobile number as a field name
    ({"fields_denied": ("13812345678",)}, "fields_denied", MOBILE),
    # a mobile number in a deciding rule
    ({"rules": ("policy.csv:17", "13912345678")}, "rules", MOBILE),
    # an ID number as the purpose
    ({"purpose": "360426199101010071"}, "purpose", ID),
    # a mobile number in the consent snapshot's status
    ({"consent": ConsentSnapshot("granted 13812345678")}, "consent.status", MOBILE),
]


@pytest.mark.parametrize(("changes", "field", "kind"), REFUSED)
def test_when_free_text_looks_like_pii_then_the_event_is_refused_without_the_value(
    changes: dict[str, object], field: str, kind: str
) -> None:
    with pytest.raises(AuditPiiRefused) as caught:
        encode(event(1, **changes))
    assert (caught.value.field, caught.value.kind) == (field, kind)
    assert "1381234" not in str(caught.value)
    assert "110105" not in str(caught.value)


# (text that must pass)
ACCEPTED = [
    "no_matching_rule",  # a reason code
    "policy.csv:17",  # a rule reference
    "10.20.30.40",  # an IPv4 source address
    "2001:db8::8a2e:370:7334",  # an IPv6 source address
    "retry after 2025-03-01 12:30:45.123456",  # a date and time
    "0195a1b2-7c3d-7e4f-8a5b-138123456789",  # a UUID whose last group is twelve digits
    "4bf92f3577b34da6a3ce929d0e0e4736",  # a trace id
    "batch 1234567890",  # ten digits are too few for any kind
    "客户已撤回同意",  # Chinese text without numbers
    "C000138123456789012",  # digits glued to a letter are an id, not a number
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_when_free_text_has_no_pii_shape_then_it_passes(text: str) -> None:
    assert pii_kind(text) is None
    encode(event(1, reason=text, source=text))


def test_when_ids_hold_long_digit_runs_then_they_are_not_scanned() -> None:
    encode(event(1, request_id="1790123456789012345", trace_id="13812345678"))
