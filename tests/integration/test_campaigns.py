"""Campaigns and the closed loop on SQLite and PostgreSQL: run -> campaign -> consent-checked send
(one audited batch) -> idempotent responses -> opt-out withdrawal -> k-suppressed report."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from cdp.bootstrap import Platform
from cdp.campaigns.service import AlreadySent, CampaignDenied, CampaignInvalid, build_service
from cdp.campaigns.tables import campaign_recipient_t, campaign_response_t, campaign_t
from cdp.db.models import AuditLink
from cdp.segments.service import build_service as build_segments
from governance.decision import Principal

ANALYST = Principal("local:analyst", frozenset({"marketing_analyst"}))
DELIVERY = Principal("svc:delivery", frozenset({"campaign_delivery"}))
CHANNEL = Principal("svc:sms-gateway", frozenset({"consent_intake"}))
N = 60
WOMEN = {"attr": "gender", "op": "eq", "value": "F"}


def mobile(i: int) -> str:
    return f"139{i:08d}"


def ingest(platform: Platform) -> dict[int, str]:
    records = [
        {
            "source_key": f"C{i}",
            "observed_at": "2025-01-01T09:00:00+08:00",
            "mobile": mobile(i),
            "email": f"c{i}@example.cn",
            "birth_date": "1985-05-05",
            "gender": "F",
            "aum": "600000.00",
        }
        for i in range(N)
    ]
    summary = platform.ingestor().ingest_records("core_banking", records)
    assert not summary.errors, summary.errors
    with platform.engine.begin() as conn:
        rows = conn.exec_driver_sql("select source_key, customer_id from source_link").all()
    return {int(key[1:]): cid for key, cid in rows}


def consent(platform: Platform, cid: str, action: str = "grant", **extra: Any) -> None:
    doc: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "customer": {"customer_id": cid},
        "purpose": "P07",
        "action": action,
        "channel": "app",
        "actor": {"kind": "subject"},
        "occurred_at": "2026-11-01T09:00:00+08:00" if action == "grant" else None,
    }
    if action == "grant":
        doc.update(consent_type="consent", notice_version="P07-v1")
    else:
        from datetime import UTC, datetime

        doc["occurred_at"] = datetime.now(UTC).isoformat()
    doc.update(extra)
    with platform.engine.begin() as conn:
        results = platform.consents.record(conn, [doc])
    assert results[0].status == "recorded", results


def audit_actions(platform: Platform) -> list[str]:
    with platform.engine.connect() as conn:
        return list(conn.scalars(select(AuditLink.action).order_by(AuditLink.seq)))


@pytest.fixture
def seeded(platform: Platform) -> tuple[Platform, dict[int, str], str]:
    """60 women with P07 grants (customer 0's grant scoped to e-mail), one P07 run of them."""
    cids = ingest(platform)
    for i, cid in cids.items():
        consent(platform, cid, **({"scope": ["email"]} if i == 0 else {}))
    segments = build_segments(platform)
    with platform.engine.begin() as conn:
        segments.create(conn, ANALYST, "women", WOMEN)
        run = segments.run(conn, ANALYST, "women", "P07")
    assert run.size == N
    return platform, cids, run.run_id


def test_the_closed_loop(seeded: tuple[Platform, dict[int, str], str]) -> None:
    platform, cids, run_id = seeded
    svc = build_service(platform)
    pseudo = {i: platform.pseudonyms.pseudonym("marketing", cid) for i, cid in cids.items()}
    with platform.engine.begin() as conn:
        made = svc.create(conn, ANALYST, run_id, "sms", "cny-2027-fund")
        assert made.purpose == "P07"
        assert made.recipients == N
        exported = svc.export(conn, ANALYST, made.campaign_id)
    assert set(exported) == set(pseudo.values())

    consent(platform, cids[1], "withdraw")  # between run and send: removed

    with platform.engine.begin() as conn, pytest.raises(CampaignDenied):
        svc.send(conn, ANALYST, made.campaign_id)  # the analyst never sees addresses
    reads_before = sum(a.startswith("profile:") and "read" in a for a in audit_actions(platform))
    sends_before = audit_actions(platform).count("campaign:send")
    with platform.engine.begin() as conn:
        sent = svc.send(conn, DELIVERY, made.campaign_id)
    got = {d.pseudonym: d.address for d in sent.deliveries}
    assert pseudo[1] not in got  # withdrawn after the run
    assert pseudo[0] not in got  # grant scoped to e-mail, campaign on SMS
    assert got == {pseudo[i]: mobile(i) for i in range(2, N)}
    assert sent.skipped_consent == 2
    actions = audit_actions(platform)
    assert actions.count("campaign:send") == sends_before + 1  # one audited batch
    assert sum(a.startswith("profile:") and "read" in a for a in actions) == reads_before
    with platform.engine.begin() as conn, pytest.raises(AlreadySent):
        svc.send(conn, DELIVERY, made.campaign_id)

    responses = (
        [
            {
                "response_id": f"r-conv-{i}",
                "campaign_id": made.campaign_id,
                "pseudonym": pseudo[i],
                "kind": "converted",
                "at": "2026-11-24T10:00:00+08:00",
            }
            for i in range(2, 54)
        ]
        + [
            {
                "response_id": f"r-open-{i}",
                "campaign_id": made.campaign_id,
                "pseudonym": pseudo[i],
                "kind": "opened",
            }
            for i in range(54, 57)
        ]
        + [
            {
                "response_id": "r-stop-57",
                "campaign_id": made.campaign_id,
                "pseudonym": pseudo[57],
                "kind": "opted_out",
            },
        ]
    )
    with platform.engine.begin() as conn, pytest.raises(CampaignDenied):
        svc.record_responses(conn, ANALYST, responses)
    with platform.engine.begin() as conn:
        first = svc.record_responses(conn, CHANNEL, responses)
    assert {r.status for r in first} == {"recorded"}
    with platform.engine.begin() as conn:
        again = svc.record_responses(
            conn,
            CHANNEL,
            [
                responses[0],
                {**responses[1], "kind": "opened"},
                {
                    "response_id": "x",
                    "campaign_id": made.campaign_id,
                    "pseudonym": "0" * 32,
                    "kind": "converted",
                },
                {
                    "response_id": "y",
                    "campaign_id": made.campaign_id,
                    "pseudonym": pseudo[2],
                    "kind": "clicked",
                },
            ],
        )
    assert [r.status for r in again] == ["duplicate", "rejected", "rejected", "rejected"]
    with platform.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(campaign_response_t)) == len(responses)
        verdict = platform.consents.check(conn, cids[57], "P07")
        state = platform.consents.state(conn, cids[57], "P07")
    assert not verdict.valid
    assert state is not None
    assert state.status.value == "withdrawn"

    with platform.engine.begin() as conn:
        report = svc.report(conn, ANALYST, made.campaign_id, k=50)
    assert report["size"] == N
    assert report["status"]["converted"] == 52
    assert report["status"]["opened"] is None  # 3 < k
    assert report["status"]["skipped_consent"] is None
    assert report["conversion"]["aum_tier"]["财富"] == {
        "reached": 58,
        "converted": 52,
        "rate": round(52 / 58, 4),
    }
    with platform.engine.begin() as conn, pytest.raises(CampaignInvalid):
        svc.report(conn, ANALYST, made.campaign_id, k=5)

    # no customer id, mobile or e-mail anywhere in the campaign tables
    secrets = (
        set(cids.values()) | {mobile(i) for i in range(N)} | {f"c{i}@example.cn" for i in range(N)}
    )
    with platform.engine.connect() as conn:
        for table in (campaign_t, campaign_recipient_t, campaign_response_t):
            for row in conn.execute(select(table)):
                text = " ".join(str(v) for v in row)
                assert not any(s in text for s in secrets), table.name


def test_a_campaign_needs_a_contact_run_and_a_known_channel(
    seeded: tuple[Platform, dict[int, str], str],
) -> None:
    platform, _, run_id = seeded
    svc = build_service(platform)
    segments = build_segments(platform)
    with platform.engine.begin() as conn:
        other = segments.run(conn, ANALYST, "women", "P06").run_id
    with platform.engine.begin() as conn, pytest.raises(CampaignInvalid):
        svc.create(conn, ANALYST, run_id, "fax", "c1")
    with platform.engine.begin() as conn, pytest.raises(CampaignInvalid):
        svc.create(conn, ANALYST, other, "sms", "c1")
    with platform.engine.begin() as conn, pytest.raises(CampaignDenied):
        svc.create(conn, DELIVERY, run_id, "sms", "c1")
