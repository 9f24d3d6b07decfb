"""The governed read, write and search paths on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cdp.bootstrap import Platform
from cdp.db.hot import HotQuery
from cdp.governed.errors import AccessDenied, FieldsInvalid
from governance.decision import Access, Principal
from masking.c3 import C3DataRefused, C3Kind

ID_A = "11010519491231002X"
BRANCH = "北京海淀支行"
RECORD = {
    "source_key": "C1",
    "observed_at": "2025-01-01T09:00:00+08:00",
    "full_name": "欧阳娜娜",
    "gender": "F",
    "id_number": ID_A,
    "mobile": "13812345678",
    "email": "oyn@example.cn",
    "home_address": "北京市海淀区中关村大街1号",
    "card_no": "6222021234567890128",
    "aum": "1234567.89",
    "open_branch": BRANCH,
    "service_note": "客户欧阳娜娜来电，要求把通知发到13812345678。",
}


@pytest.fixture
def customer(platform: Platform) -> str:
    """Stores one customer who granted P05 (separate) and P07, and returns their id."""
    summary = platform.ingestor().ingest_records("core_banking", [RECORD])
    assert summary.created == 1
    grants = [grant("P05", "separate", "g-p05"), grant("P07", "consent", "g-p07")]
    with platform.engine.begin() as conn:
        results = platform.consents.record(conn, grants)
        assert [r.status for r in results] == ["recorded", "recorded"], results
        return conn.exec_driver_sql("select customer_id from customer").scalar_one()


def grant(purpose: str, kind: str, event_id: str, action: str = "grant") -> dict[str, Any]:
    """A consent event for the test customer, referenced by ID number."""
    event: dict[str, Any] = {
        "event_id": event_id,
        "customer": {"id_number": ID_A},
        "purpose": purpose,
        "action": action,
        "channel": "app",
        "actor": {"kind": "subject"},
        "occurred_at": "2026-01-01T09:00:00+08:00",
    }
    if action == "grant":
        event |= {"consent_type": kind, "notice_version": f"{purpose}-v1"}
    return event


def who(*roles: str, branches: str | None = None) -> Principal:
    """A principal with the given roles (and book)."""
    return Principal("tester", frozenset(roles), {"branches": branches} if branches else {})


def read(platform: Platform, principal: Principal, purpose: str, cid: str, fields: Any = None):
    """Runs one governed read in its own transaction."""
    with platform.engine.begin() as conn:
        return platform.reader.read(conn, principal, purpose, cid, fields)


READS = [
    # customer service: name masked keeping the compound surname
    ("customer_service", "P01", None, "full_name", Access.MASKED, "欧阳**"),
    # customer service: ID first 1 + last 1
    ("customer_service", "P01", None, "id_number", Access.MASKED, "1****************X"),
    # customer service: mobile first 3 + last 4
    ("customer_service", "P01", None, "mobile", Access.MASKED, "138****5678"),
    # customer service: AUM as a band, never the amount
    ("customer_service", "P01", None, "aum", Access.MASKED, "100万–300万"),
    # customer service: the note with each PII entity it holds masked, the rest readable
    (
        "customer_service",
        "P01",
        None,
        "service_note",
        Access.MASKED,
        "客户欧阳**来电，要求把通知发到138****5678。",
    ),
    # relationship manager, own book: the note masked too (policy denies it in clear)
    (
        "relationship_manager",
        "P01",
        BRANCH,
        "service_note",
        Access.MASKED,
        "客户欧阳**来电，要求把通知发到138****5678。",
    ),
    # customer service: birth date is not needed to serve a caller
    ("customer_service", "P01", None, "birth_date", Access.DENIED, None),
    # KYC officer: the ID number in clear for AML checks
    ("kyc_officer", "P02", None, "id_number", Access.CLEAR, ID_A),
    # KYC officer: contact only masked
    ("kyc_officer", "P02", None, "mobile", Access.MASKED, "138****5678"),
    # relationship manager, own book: contact and AUM in clear
    ("relationship_manager", "P01", BRANCH, "mobile", Access.CLEAR, "13812345678"),
    ("relationship_manager", "P05", BRANCH, "aum", Access.CLEAR, "1234567.89"),
    # relationship manager, another branch's customer: nothing
    ("relationship_manager", "P01", "上海浦东支行", "mobile", Access.DENIED, None),
    # campaign delivery resolves the channel address only
    ("campaign_delivery", "P07", None, "mobile", Access.CLEAR, "13812345678"),
    ("campaign_delivery", "P07", None, "full_name", Access.DENIED, None),
]


@pytest.mark.parametrize(("role", "purpose", "book", "field", "access", "value"), READS)
def test_when_a_role_reads_for_its_purpose_then_each_field_is_clear_masked_or_denied(
    platform: Platform,
    customer: str,
    role: str,
    purpose: str,
    book: str | None,
    field: str,
    access: Access,
    value: str | None,
) -> None:
    principal = who(role, branches=book)
    if book and book != BRANCH:
        with pytest.raises(AccessDenied):
            read(platform, principal, purpose, customer)
        return
    result = read(platform, principal, purpose, customer)
    assert result.fields[field].access is access
    assert result.fields[field].value == value


@pytest.mark.parametrize(
    ("roles", "purpose", "reason"),
    [
        ({"compliance_officer"}, "P01", "purpose_not_permitted"),  # auditors see no customer PII
        ({"marketing_analyst"}, "P06", "no_field_permitted"),  # segments only, never a read
        ({"no_such_role"}, "P01", None),  # unknown role fails closed
        ({"customer_service"}, "P99", None),  # unknown purpose fails closed
        ({"admin"}, "P01", None),  # admins operate keys and policy, not customers
    ],
)
def test_when_a_role_may_not_read_then_the_read_is_denied_as_a_whole(
    platform: Platform, customer: str, roles: set[str], purpose: str, reason: str | None
) -> None:
    with pytest.raises(AccessDenied) as denied:
        read(platform, who(*roles), purpose, customer)
    if reason:
        assert denied.value.reason == reason
    assert "13812345678" not in str(denied.value)


def test_when_fields_are_denied_then_they_are_never_decrypted(
    platform: Platform, customer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    original = platform.vault.open_fields

    def spy(customer_id, key, ciphertexts, wanted):  # type: ignore[no-untyped-def]
        wanted = list(wanted)
        opened.extend(wanted)
        return original(customer_id, key, ciphertexts, wanted)

    monkeypatch.setattr(platform.vault, "open_fields", spy)
    result = read(platform, who("customer_service"), "P01", customer)
    denied = {n for n, v in result.fields.items() if v.access is Access.DENIED}
    assert denied >= {"birth_date"}
    assert not denied & set(opened)
    assert set(opened) <= {n for n, v in result.fields.items() if v.access is not Access.DENIED}


def test_when_an_unknown_field_is_asked_then_it_is_denied_and_the_rest_served(
    platform: Platform, customer: str
) -> None:
    result = read(platform, who("customer_service"), "P01", customer, ["mobile", "nonsense"])
    assert result.fields["nonsense"].access is Access.DENIED
    assert result.fields["mobile"].value == "138****5678"


def test_when_a_role_writes_allowed_fields_then_they_change(
    platform: Platform, customer: str
) -> None:
    with platform.engine.begin() as conn:
        platform.writer.write(
            conn, who("customer_service"), "P01", customer, {"preferred_channel": "wechat"}
        )
    result = read(platform, who("customer_service"), "P01", customer, ["preferred_channel"])
    assert result.fields["preferred_channel"].value == "wechat"


def test_when_a_role_writes_a_field_it_may_not_then_nothing_is_written(
    platform: Platform, customer: str
) -> None:
    with pytest.raises(AccessDenied) as denied, platform.engine.begin() as conn:
        platform.writer.write(
            conn,
            who("customer_service"),
            "P01",
            customer,
            {"preferred_channel": "sms", "mobile": "13912345678"},
        )
    assert denied.value.fields == ("mobile",)
    result = read(platform, who("customer_service"), "P01", customer, ["preferred_channel"])
    assert result.fields["preferred_channel"].value is None


def test_when_a_write_is_invalid_then_the_reason_never_holds_the_value(
    platform: Platform, customer: str
) -> None:
    with pytest.raises(FieldsInvalid) as invalid, platform.engine.begin() as conn:
        platform.writer.write(
            conn, who("customer_service"), "P01", customer, {"preferred_channel": "carrier pigeon"}
        )
    assert "carrier pigeon" not in str(invalid.value)


def test_when_a_write_carries_c3_then_it_is_refused_and_audited_without_the_value(
    platform: Platform, customer: str
) -> None:
    note = {"service_note": "客户报卡背面安全码是987"}
    with pytest.raises(C3DataRefused) as refused, platform.engine.begin() as conn:
        platform.writer.write(conn, who("customer_service"), "P01", customer, note)
    assert (refused.value.field, refused.value.kinds) == ("service_note", (C3Kind.CVN,))
    assert "987" not in str(refused.value)
    with platform.engine.begin() as conn:  # the CLI commits refusals; do the same here
        with pytest.raises(C3DataRefused):
            platform.writer.write(conn, who("customer_service"), "P01", customer, note)
        conn.commit()
    with platform.engine.connect() as conn:
        query = "select body from audit_link where action = 'profile:write'"
        bodies = [bytes(b) for b in conn.exec_driver_sql(query).scalars().all()]
    assert any(b'"reason":"c3_refused:service_note"' in b for b in bodies)
    # the policy version is a SHA-256 of the policy files: hex that may hold "987" by chance
    scrubbed = [re.sub(rb'"policy_version":"[0-9a-f]+"', b"", b) for b in bodies]
    assert not any(b"987" in b for b in scrubbed)
    result = read(platform, who("customer_service"), "P01", customer, ["service_note"])
    assert "987" not in str(result.fields["service_note"].value)


@pytest.mark.parametrize(
    ("role", "purpose", "field", "allowed"),
    [
        ("customer_service", "P01", "mobile", True),  # identify a caller by phone
        ("customer_service", "P01", "email", False),  # not a search key for the call centre
        ("kyc_officer", "P02", "id_number", True),  # AML look-up by ID
        ("marketing_analyst", "P06", "mobile", False),  # analysts never look people up
    ],
)
def test_when_searching_then_the_search_action_is_decided_per_field(
    platform: Platform, customer: str, role: str, purpose: str, field: str, allowed: bool
) -> None:
    value = RECORD[field]
    with platform.engine.begin() as conn:  # the search's audit record commits with it
        if allowed:
            assert platform.searcher.search(conn, who(role), purpose, field, value) == [customer]
        else:
            with pytest.raises(AccessDenied):
                platform.searcher.search(conn, who(role), purpose, field, value)


def test_when_a_consent_purpose_has_no_grant_then_the_read_is_denied_for_consent(
    platform: Platform, customer: str
) -> None:
    other = dict(
        RECORD,
        source_key="C2",
        id_number="360426199101010071",
        mobile="13712345678",
        gender="",
        email="",
        card_no="",
    )
    platform.ingestor().ingest_records("core_banking", [other])
    with platform.engine.connect() as conn:
        query = HotQuery("select customer_id from customer where customer_id <> ?")
        ((never,),) = query.all(conn, (customer,))
    with pytest.raises(AccessDenied) as denied:
        read(platform, who("relationship_manager", branches=BRANCH), "P05", never)
    assert denied.value.reason == "consent_required"
    with platform.engine.begin() as conn:
        later = grant("P05", "", "w-p05", action="withdraw")
        later["occurred_at"] = "2026-02-01T09:00:00+08:00"
        assert platform.consents.record(conn, [later])[0].status == "recorded"
    with pytest.raises(AccessDenied) as withdrawn:
        read(platform, who("relationship_manager", branches=BRANCH), "P05", customer)
    assert withdrawn.value.reason == "consent_withdrawn"
    contract = read(platform, who("relationship_manager", branches=BRANCH), "P01", customer)
    assert contract.fields["mobile"].value == "13812345678"


def test_when_a_note_names_its_customer_then_the_masked_note_hides_the_name(
    platform: Platform,
) -> None:
    record = {
        "source_key": "N1",
        "observed_at": "2025-01-01T09:00:00+08:00",
        "full_name": "梁建国",  # a bare name the dictionary signals alone do not find
        "mobile": "13912345678",
        "service_note": "梁建国来电咨询理财",
    }
    assert platform.ingestor().ingest_records("core_banking", [record]).created == 1
    with platform.engine.connect() as conn:
        cid = conn.exec_driver_sql("select customer_id from customer").scalar_one()
    result = read(platform, who("customer_service"), "P01", cid, ["service_note"])
    assert result.fields["service_note"].value == "梁**来电咨询理财"
    assert set(result.fields) == {"service_note"}  # the name was opened to mask, not returned
