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
                "at": "2026-11-22T10:00:00+08:00",
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


def masked_of(platform: Platform, cid: str) -> tuple[str | None, list[str]]:
    """The customer's campaign-response label and tags, as the masked view holds them."""
    from cdp.masked.repository import masked_t
    from cdp.profiles.repository import as_json

    with platform.engine.connect() as conn:
        label, tags = conn.execute(
            select(masked_t.c.campaign_response, masked_t.c.tags).where(
                masked_t.c.customer_id == cid
            )
        ).one()
    return label, list(as_json(tags))


RESPONSE_TAGS = {"T_CAMPAIGN_CONVERTED", "T_CAMPAIGN_ENGAGED", "T_CAMPAIGN_UNRESPONSIVE"}


def test_responses_feed_the_label_and_the_response_tags(
    seeded: tuple[Platform, dict[int, str], str],
) -> None:
    from datetime import UTC, datetime, timedelta

    from cdp.bootstrap import policy_dir
    from cdp.tags.config import load_tag_config
    from cdp.tags.service import delete_tag

    platform, cids, run_id = seeded
    svc = build_service(platform)
    pseudo = {i: platform.pseudonyms.pseudonym("marketing", cid) for i, cid in cids.items()}
    with platform.engine.begin() as conn:
        made = svc.create(conn, ANALYST, run_id, "sms", "spring-fund")
        svc.send(conn, DELIVERY, made.campaign_id)
    assert all(masked_of(platform, cid)[0] is None for cid in cids.values())
    with platform.engine.begin() as conn:  # customer 7 deleted the engagement tag beforehand
        delete_tag(
            conn,
            load_tag_config(policy_dir(platform.settings)),
            platform.recorder,
            cids[7],
            "T_CAMPAIGN_ENGAGED",
            "app",
        )
    now = datetime.now(UTC)
    long_ago = (now - timedelta(days=400)).isoformat()

    def response(rid: str, i: int, kind: str, at: str | None = None) -> dict[str, Any]:
        doc = {"response_id": rid, "campaign_id": made.campaign_id, "pseudonym": pseudo[i]}
        return doc | {"kind": kind} | ({"at": at} if at else {})

    with platform.engine.begin() as conn:
        results = svc.record_responses(
            conn,
            CHANNEL,
            [
                response("a", 2, "delivered"),
                response("b", 2, "converted"),
                response("c", 3, "opened"),
                response("d", 4, "delivered"),
                response("e", 5, "delivered"),
                response("f", 5, "opted_out"),
                response("g", 7, "opened"),
                response("h", 8, "converted", long_ago),  # outside the 180-day window
            ],
        )
    assert {r.status for r in results} == {"recorded"}
    expected = {
        2: ("converted", {"T_CAMPAIGN_CONVERTED", "T_CAMPAIGN_ENGAGED"}),
        3: ("opened", {"T_CAMPAIGN_ENGAGED"}),
        4: ("delivered", {"T_CAMPAIGN_UNRESPONSIVE"}),
        5: ("opted_out", set()),
        7: ("opened", set()),  # the deleted tag stays deleted
        8: (None, set()),
        9: (None, set()),  # no response at all
    }
    for i, (label, tags) in expected.items():
        got_label, got_tags = masked_of(platform, cids[i])
        assert (got_label, set(got_tags) & RESPONSE_TAGS) == (label, tags), i
    with platform.engine.connect() as conn:
        assert not platform.consents.check(conn, cids[5], "P07").valid  # and consent withdrawn
    masked_5 = masked_of(platform, cids[5])

    # a later response upgrades the label; a rebuild computes the same rows again
    with platform.engine.begin() as conn:
        svc.record_responses(conn, CHANNEL, [response("i", 4, "opened")])
    assert masked_of(platform, cids[4])[0] == "opened"
    before = {i: masked_of(platform, cids[i]) for i in expected}
    platform.masked.rebuild(platform.engine, batch_size=7)
    assert {i: masked_of(platform, cids[i]) for i in expected} == before
    assert masked_of(platform, cids[5]) == masked_5
    assert "T_CAMPAIGN_ENGAGED" not in masked_of(platform, cids[7])[1]

    # segments may select on the label and on the response tags
    segments = build_segments(platform)
    with platform.engine.begin() as conn:
        engaged_rule = {"attr": "campaign_response", "op": "in", "values": ["opened", "converted"]}
        segments.create(conn, ANALYST, "engaged", engaged_rule)
        segments.create(conn, ANALYST, "tagged", {"has_tag": "T_CAMPAIGN_ENGAGED"})
        segments.create(conn, ANALYST, "everyone", WOMEN)
        engaged = segments.run(conn, ANALYST, "engaged", "P07")
        tagged = segments.run(conn, ANALYST, "tagged", "P07")
        everyone = segments.run(conn, ANALYST, "everyone", "P07")
    # 5 withdrew P07; 7 opened but deleted the engagement tag, so neither the tag nor the label
    # it reads selects them; a segment on other attributes still does
    assert set(engaged.audience) == {pseudo[i] for i in (2, 3, 4)}
    assert set(tagged.audience) == {pseudo[i] for i in (2, 3, 4)}
    assert pseudo[7] in everyone.audience
    assert pseudo[5] not in everyone.audience


def test_an_opt_out_is_never_recorded_without_its_withdrawal(
    seeded: tuple[Platform, dict[int, str], str],
) -> None:
    from datetime import UTC, datetime, timedelta

    from cdp.bootstrap import policy_dir
    from cdp.campaigns.service import CampaignService, OptOutNotRecorded
    from cdp.consents.service import ConsentLedger
    from cdp.segments.config import load_segment_config

    platform, cids, run_id = seeded
    svc = build_service(platform)
    pseudo = {i: platform.pseudonyms.pseudonym("marketing", cid) for i, cid in cids.items()}
    with platform.engine.begin() as conn:
        made = svc.create(conn, ANALYST, run_id, "sms", "autumn")
        svc.send(conn, DELIVERY, made.campaign_id)
    now = datetime.now(UTC)

    def opt_out(rid: str, i: int, at: datetime) -> dict[str, Any]:
        return {
            "response_id": rid,
            "campaign_id": made.campaign_id,
            "pseudonym": pseudo[i],
            "kind": "opted_out",
            "at": at.isoformat(),
        }

    # dated beyond the ledger's clock-skew allowance: refused at the door, position named
    with platform.engine.begin() as conn:
        results = svc.record_responses(
            conn, CHANNEL, [opt_out("late", 2, now + timedelta(hours=1)), opt_out("ok", 3, now)]
        )
    assert [(r.status, r.reason) for r in results] == [
        ("rejected", "at: in the future (beyond the 5-minute clock-skew allowance)"),
        ("recorded", None),
    ]
    # a ledger whose clock runs an hour behind refuses the withdrawal: the batch fails whole
    behind = ConsentLedger(
        catalogue=platform.catalogue,
        purposes=platform.purposes,
        notices=platform.notices,
        vault=platform.vault,
        store=platform.store,
        clock=lambda: datetime.now(UTC) - timedelta(hours=1),
        audit=platform.recorder,
    )
    skewed = CampaignService(
        config=load_segment_config(policy_dir(platform.settings)),
        policy=platform.policy,
        pseudonyms=platform.pseudonyms,
        consents=behind,
        reader=platform.reader,
        audit=platform.recorder,
        on_responses=platform.masked.refresh,
    )
    with pytest.raises(OptOutNotRecorded, match="in_future"), platform.engine.begin() as conn:
        skewed.record_responses(conn, CHANNEL, [opt_out("skewed", 4, now)])
    with platform.engine.connect() as conn:
        kept = conn.scalars(select(campaign_response_t.c.response_id)).all()
        assert sorted(kept) == ["ok"]
        assert platform.consents.check(conn, cids[4], "P07").valid
        assert not platform.consents.check(conn, cids[3], "P07").valid
