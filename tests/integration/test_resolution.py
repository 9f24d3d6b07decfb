"""Identity resolution and survivorship as tables, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from cdp.bootstrap import Platform
from cdp.db.models import Customer, SourceLink
from cdp.keyadmin import shred

# Synthetic, checksum-valid identifiers.
ID_A = "11010519491231002X"
ID_B = "360426199101010071"
MOB_A, MOB_B = "13812345678", "13912345678"


def rec(key: str, at: str, **fields: str) -> dict[str, str]:
    """Builds a flat source record."""
    return {"source_key": key, "observed_at": at, **fields}


def ingest(platform: Platform, source: str, *records: dict[str, str]) -> dict[str, int]:
    """Ingests records in memory and returns the counts."""
    summary = platform.ingestor().ingest_records(source, records)
    assert not summary.errors, summary.errors
    return summary.as_counts()


def customers(platform: Platform) -> int:
    """Counts customers in the store."""
    with platform.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Customer)).scalar_one())


def customer_of(platform: Platform, source: str, key: str) -> str:
    """Returns the customer a source key is linked to."""
    with platform.engine.connect() as conn:
        return conn.execute(
            select(SourceLink.customer_id).where(
                SourceLink.source == source, SourceLink.source_key == key
            )
        ).scalar_one()


def values(platform: Platform, customer_id: str, *fields: str) -> dict[str, Any]:
    """Decrypts the named fields of one customer."""
    with platform.engine.connect() as conn:
        return platform.store.read(conn, customer_id, fields).values


T0, T1, T2 = "2025-01-01T09:00:00+08:00", "2025-06-01T09:00:00+08:00", "2026-01-01T09:00:00+08:00"

RESOLUTION_CASES = [
    # same ID number from a second system joins the first customer
    (
        [
            ("core_banking", rec("C1", T0, id_number=ID_A, mobile=MOB_A)),
            ("credit_card", rec("K1", T1, id_number=ID_A)),
        ],
        1,
    ),
    # the ID number matches even when written with a lower-case x
    (
        [
            ("core_banking", rec("C1", T0, id_number=ID_A)),
            ("credit_card", rec("K1", T1, id_number=ID_A.lower())),
        ],
        1,
    ),
    # no ID number: the mobile (any spelling) finds the customer
    (
        [
            ("core_banking", rec("C1", T0, id_number=ID_A, mobile=MOB_A)),
            ("mobile_app", rec("A1", T1, mobile="+86 138-1234-5678")),
        ],
        1,
    ),
    # no ID, no mobile: the e-mail (any case) finds the customer
    (
        [
            ("core_banking", rec("C1", T0, id_number=ID_A, email="zw@example.cn")),
            ("mobile_app", rec("A1", T1, email="ZW@Example.CN")),
        ],
        1,
    ),
    # same mobile but a different ID number: two different people, never merged
    (
        [
            ("core_banking", rec("C1", T0, id_number=ID_A, mobile=MOB_A)),
            ("credit_card", rec("K1", T1, id_number=ID_B, mobile=MOB_A)),
        ],
        2,
    ),
    # a mobile shared by two customers is ambiguous: the record stays its own customer
    (
        [
            ("core_banking", rec("C1", T0, id_number=ID_A, mobile=MOB_A)),
            ("core_banking", rec("C2", T0, id_number=ID_B, mobile=MOB_A)),
            ("mobile_app", rec("A1", T1, mobile=MOB_A)),
        ],
        3,
    ),
    # an ambiguous mobile does not stop a unique e-mail from matching
    (
        [
            ("core_banking", rec("C1", T0, id_number=ID_A, mobile=MOB_A, email="a@example.cn")),
            ("core_banking", rec("C2", T0, id_number=ID_B, mobile=MOB_A)),
            ("mobile_app", rec("A1", T1, mobile=MOB_A, email="a@example.cn")),
        ],
        2,
    ),
    # nothing in common: a new customer
    (
        [
            ("core_banking", rec("C1", T0, id_number=ID_A, mobile=MOB_A)),
            ("mobile_app", rec("A1", T1, mobile=MOB_B)),
        ],
        2,
    ),
    # an old mobile reported by another source still matches after the golden one changed
    (
        [
            ("core_banking", rec("C1", T0, id_number=ID_A, mobile=MOB_A)),
            ("mobile_app", rec("A1", T1, id_number=ID_A, mobile=MOB_B)),
            ("credit_card", rec("K1", T2, mobile=MOB_A)),
        ],
        1,
    ),
]


@pytest.mark.parametrize(("steps", "expected_customers"), RESOLUTION_CASES)
def test_when_records_arrive_then_identity_resolution_finds_the_right_customer(
    platform: Platform, steps: list[tuple[str, dict[str, str]]], expected_customers: int
) -> None:
    for source, record in steps:
        ingest(platform, source, record)
    assert customers(platform) == expected_customers


def test_when_one_batch_holds_related_rows_then_they_resolve_within_the_batch(
    platform: Platform,
) -> None:
    counts = ingest(
        platform,
        "core_banking",
        rec("C1", T0, id_number=ID_A, mobile=MOB_A),
        rec("C2", T1, mobile=MOB_A, email="zw@example.cn"),
    )
    assert counts["created"] == 1
    assert counts["merged"] == 1
    assert customer_of(platform, "core_banking", "C1") == customer_of(
        platform, "core_banking", "C2"
    )


SURVIVORSHIP_CASES = [
    # same source, newer observation wins
    ("core_banking", T0, "core_banking", T1, "second"),
    # same source, older observation loses
    ("core_banking", T1, "core_banking", T0, "first"),
    # higher-priority source wins even when older (core 100 over credit card 80)
    ("credit_card", T2, "core_banking", T0, "second"),
    # lower-priority source loses even when newer
    ("core_banking", T0, "credit_card", T2, "first"),
    # equal priority and equal time: the value held is kept (re-reads change nothing)
    ("core_banking", T1, "wealth_management", T1, "first"),
]


@pytest.mark.parametrize(("src1", "at1", "src2", "at2", "winner"), SURVIVORSHIP_CASES)
def test_when_sources_disagree_then_priority_then_recency_decides(
    platform: Platform, src1: str, at1: str, src2: str, at2: str, winner: str
) -> None:
    addresses = {"first": "北京市海淀区中关村大街1号", "second": "上海市浦东新区世纪大道100号"}
    if src2 == "wealth_management":
        platform.sources.systems["wealth_management"] = platform.sources.systems["core_banking"]
    ingest(platform, src1, rec("K-1", at1, id_number=ID_A, home_address=addresses["first"]))
    ingest(platform, src2, rec("K-2", at2, id_number=ID_A, home_address=addresses["second"]))
    cid = customer_of(platform, src1, "K-1")
    assert values(platform, cid, "home_address")["home_address"] == addresses[winner]


def test_when_a_field_priority_overrides_then_the_app_owns_the_mobile(platform: Platform) -> None:
    ingest(platform, "mobile_app", rec("A1", T0, id_number=ID_A, mobile=MOB_B))
    ingest(platform, "core_banking", rec("C1", T2, id_number=ID_A, mobile=MOB_A, aum="10.00"))
    cid = customer_of(platform, "core_banking", "C1")
    got = values(platform, cid, "mobile", "aum")
    assert got == {"mobile": MOB_B, "aum": "10.00"}


def test_when_the_same_records_arrive_again_then_nothing_changes(platform: Platform) -> None:
    batch = [rec("C1", T0, id_number=ID_A, mobile=MOB_A), rec("C2", T1, id_number=ID_B)]
    first = ingest(platform, "core_banking", *batch)
    again = ingest(platform, "core_banking", *batch)
    assert first["created"] == 2
    assert again == {**again, "created": 0, "merged": 0, "updated": 0, "unchanged": 2}


def test_when_a_newer_record_changes_a_field_then_it_counts_as_updated(platform: Platform) -> None:
    ingest(platform, "core_banking", rec("C1", T0, id_number=ID_A, occupation="教师"))
    counts = ingest(platform, "core_banking", rec("C1", T1, id_number=ID_A, occupation="工程师"))
    assert counts["updated"] == 1
    cid = customer_of(platform, "core_banking", "C1")
    assert values(platform, cid, "occupation", "id_number") == {
        "occupation": "工程师",
        "id_number": ID_A,
    }


def test_when_the_customer_was_erased_then_new_records_for_them_are_rejected(
    platform: Platform,
) -> None:
    ingest(platform, "core_banking", rec("C1", T0, id_number=ID_A))
    shred(platform.engine, platform.keyring, customer_of(platform, "core_banking", "C1"))
    summary = platform.ingestor().ingest_records("core_banking", [rec("C1", T1, mobile=MOB_A)])
    assert summary.rejected == 1
    assert "erased" in summary.errors[0].reason


def test_when_match_order_puts_email_first_then_email_decides(platform: Platform) -> None:
    from dataclasses import replace

    platform.sources = replace(platform.sources, match_order=("email", "mobile", "id_number"))
    ingest(platform, "core_banking", rec("C1", T0, mobile=MOB_A, email="a@example.cn"))
    ingest(platform, "core_banking", rec("C2", T0, mobile=MOB_B, email="b@example.cn"))
    ingest(platform, "mobile_app", rec("A1", T1, mobile=MOB_A, email="b@example.cn"))
    assert customer_of(platform, "mobile_app", "A1") == customer_of(platform, "core_banking", "C2")
