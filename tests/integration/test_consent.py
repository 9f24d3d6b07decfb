"""The consent ledger in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from cdp.bootstrap import Platform, build_platform
from cdp.consents import repository as repo
from cdp.db.models import ConsentEvent, Outbox

ADULT_ID, CHILD_ID = "11010519491231002X", "110105201501010017"
ADULT_MOBILE, SHARED_MOBILE = "13812345678", "13912345678"


def profile(key: str, **fields: str) -> dict[str, str]:
    """A core-banking record."""
    return {"source_key": key, "observed_at": "2025-01-01T09:00:00+08:00", **fields}


@pytest.fixture
def people(platform: Platform) -> dict[str, str]:
    """An adult, a child under 14 and two adults sharing a mobile; returns ids by name."""
    from tests.integration.test_store_crypto import ID_B

    records = [
        profile("A", id_number=ADULT_ID, mobile=ADULT_MOBILE),
        profile("C", id_number=CHILD_ID, birth_date="2015-01-01"),
        profile("S1", id_number=ID_B, mobile=SHARED_MOBILE),
        profile("S2", id_number="320102198505051233", mobile=SHARED_MOBILE),
    ]
    summary = platform.ingestor().ingest_records("core_banking", records)
    assert not summary.errors, summary.errors
    with platform.engine.connect() as conn:
        rows = conn.exec_driver_sql("select source_key, customer_id from source_link").all()
    return dict(rows)


def event(event_id: str, at: str = "2026-01-01T09:00:00+08:00", **changes: Any) -> dict[str, Any]:
    """A valid P05 grant for the adult, changed as asked."""
    base: dict[str, Any] = {
        "event_id": event_id,
        "customer": {"id_number": ADULT_ID},
        "purpose": "P05",
        "action": "grant",
        "consent_type": "separate",
        "notice_version": "P05-v1",
        "channel": "app",
        "actor": {"kind": "subject"},
        "occurred_at": at,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def record(platform: Platform, *events: dict[str, Any]) -> list[Any]:
    """Records one batch in its own transaction."""
    with platform.engine.begin() as conn:
        return platform.consents.record(conn, list(events))


BAD = [
    # unknown purpose
    (event("e2", purpose="P99", notice_version=None), "purpose"),
    # unknown channel
    (event("e2", channel="carrier_pigeon"), "channel"),
    # unknown notice version
    (event("e2", notice_version="P05-v9"), "notice_version"),
    # consent type too weak for a purpose that needs separate consent
    (event("e2", consent_type="consent"), "consent_type"),
    # the reference matches nobody
    (event("e2", customer={"id_number": "440304199009094563"}), "customer"),
    # the mobile is shared by two customers
    (event("e2", customer={"mobile": SHARED_MOBILE}), "customer"),
    # occurred in the future, beyond the clock-skew allowance
    (event("e2", at="2999-01-01T00:00:00+08:00"), "occurred_at"),
    # not a timestamp
    (event("e2", at="last tuesday"), "occurred_at"),
]


@pytest.mark.parametrize(("bad", "field"), BAD)
def test_when_a_batch_holds_a_bad_event_then_only_it_fails_with_a_reason(
    platform: Platform, people: dict[str, str], bad: dict[str, Any], field: str
) -> None:
    results = record(
        platform,
        event("e1"),
        bad,
        event(
            "e3",
            action="withdraw",
            consent_type=None,
            notice_version=None,
            at="2026-02-01T09:00:00+08:00",
        ),
    )
    assert [r.status for r in results] == ["recorded", "rejected", "recorded"]
    assert results[1].field == field
    reason = f"{results[1].field} {results[1].reason}"
    for secret in (ADULT_ID, SHARED_MOBILE, "440304199009094563"):
        assert secret not in reason


def test_when_an_event_comes_again_then_it_is_a_no_op_and_changed_content_conflicts(
    platform: Platform, people: dict[str, str]
) -> None:
    assert record(platform, event("e1"))[0].status == "recorded"
    assert record(platform, event("e1"))[0].status == "duplicate"
    conflict = record(platform, event("e1", channel="web"))[0]
    assert conflict.status == "rejected"
    assert "conflict" in (conflict.reason or "")
    with platform.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(ConsentEvent)).scalar_one()
    assert count == 1


def test_when_events_arrive_out_of_order_then_occurrence_decides(
    platform: Platform, people: dict[str, str]
) -> None:
    withdraw = event(
        "w1",
        action="withdraw",
        consent_type=None,
        notice_version=None,
        at="2026-03-01T09:00:00+08:00",
    )
    record(platform, withdraw)
    record(platform, event("g1", at="2026-01-01T09:00:00+08:00"))
    with platform.engine.connect() as conn:
        now = platform.consents.check(conn, people["A"], "P05")
        then = platform.consents.check(
            conn, people["A"], "P05", datetime.fromisoformat("2026-02-01T00:00:00+08:00")
        )
    assert not now.valid
    assert str(now.reason) == "consent_withdrawn"
    assert then.valid


def test_when_the_customer_is_under_14_then_only_a_guardian_grant_counts(
    platform: Platform, people: dict[str, str]
) -> None:
    child = {"id_number": CHILD_ID}
    record(platform, event("c1", customer=child))
    with platform.engine.connect() as conn:
        verdict = platform.consents.check(conn, people["C"], "P05")
    assert str(verdict.reason) == "guardian_consent_required"
    guardian = {"kind": "guardian", "relationship": "mother", "guardian": {"mobile": ADULT_MOBILE}}
    record(platform, event("c2", customer=child, actor=guardian, at="2026-01-02T09:00:00+08:00"))
    with platform.engine.connect() as conn:
        assert platform.consents.check(conn, people["C"], "P05").valid
        stored = conn.exec_driver_sql(
            "select payload from consent_event where event_id = 'c2'"
        ).scalar_one()
    assert ADULT_MOBILE not in str(stored)
    assert CHILD_ID not in str(stored)


def test_when_state_changes_then_the_outbox_gets_one_row_per_change(
    platform: Platform, people: dict[str, str]
) -> None:
    record(platform, event("e1"))
    record(platform, event("e1"))  # duplicate: no change
    record(
        platform,
        event(
            "e2",
            action="withdraw",
            consent_type=None,
            notice_version=None,
            at="2026-02-01T09:00:00+08:00",
        ),
    )
    with platform.engine.begin() as conn:
        rows = repo.pending_outbox(conn, 100)
        repo.mark_delivered(conn, [r[0] for r in rows], datetime.now().astimezone())
    assert [(r[3]["from"], r[3]["to"]) for r in rows] == [
        ("none", "granted"),
        ("granted", "withdrawn"),
    ]
    with platform.engine.connect() as conn:
        assert repo.pending_outbox(conn, 100) == []
        assert conn.execute(select(func.count()).select_from(Outbox)).scalar_one() == 2


def test_when_channels_write_concurrently_then_no_event_is_lost_or_doubled(
    platform: Platform, people: dict[str, str]
) -> None:
    if platform.settings.is_sqlite:
        pytest.skip("SQLite has one writer at a time; the concurrency case is PostgreSQL's")
    actions = ["grant", "withdraw"] * 20
    events = [
        event(
            f"t{i}",
            at=f"2026-01-{1 + i // 4:02d}T{9 + i % 4:02d}:00:00+08:00",
            action=act,
            consent_type="separate" if act == "grant" else None,
            notice_version="P05-v1" if act == "grant" else None,
            channel=("app", "web", "branch", "sms")[i % 4],
            actor={"kind": "staff", "staff_id": "S1"} if i % 4 == 2 else {"kind": "subject"},
        )
        for i, act in enumerate(actions)
    ]
    workers = [build_platform(platform.settings) for _ in range(4)]
    errors: list[BaseException] = []

    def send(worker: Platform, share: list[dict[str, Any]]) -> None:
        try:
            for item in share:
                for _ in range(2):  # every channel retries once: duplicates must be no-ops
                    with worker.engine.begin() as conn:
                        worker.consents.record(conn, [item])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(w, events[i::4])) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with platform.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(ConsentEvent)).scalar_one()
        state = platform.consents.state(conn, people["A"], "P05")
        folded = platform.consents.state(conn, people["A"], "P05", datetime.now().astimezone())
    assert stored == len(events)
    assert state is not None
    assert state == folded
    assert str(state.status) == "withdrawn"  # the last event by occurrence is a withdrawal
    for worker in workers:
        worker.close()
