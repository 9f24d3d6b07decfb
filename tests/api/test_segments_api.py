"""`/v1/segments` for the marketing analyst and `/v1/campaigns/{id}/responses` for the channels."""

from __future__ import annotations

from sqlalchemy import select

from cdp.campaigns.service import build_service as build_campaigns
from cdp.campaigns.tables import campaign_response_t
from governance.decision import Principal
from tests.api.conftest import Api, grant, record

ADULTS = {"attr": "is_minor_u18", "op": "is", "value": False}
ANALYST = Principal("local:analyst", frozenset({"marketing_analyst"}))


def test_the_analyst_defines_publishes_and_runs_a_segment(api: Api) -> None:
    http, marketing = api.http, api.headers("marketing", None)
    made = http.post("/v1/segments", json={"name": "adults", "rule": ADULTS}, headers=marketing)
    assert made.status_code == 201, made.text
    assert made.json()["version"] == 1
    again = http.post("/v1/segments", json={"name": "adults", "rule": ADULTS}, headers=marketing)
    assert again.json()["version"] == 2
    listed = http.get("/v1/segments", headers=marketing).json()["segments"]
    assert [(s["name"], s["latest_version"]) for s in listed] == [("adults", 2)]
    assert http.get("/v1/segments/adults?version=1", headers=marketing).json()["version"] == 1
    assert http.get("/v1/segments/nope", headers=marketing).status_code == 404
    published = http.post("/v1/segments/adults:publish", json={}, headers=marketing)
    assert published.status_code == 200, published.text
    assert published.json()["published_at"] is not None

    run = http.post("/v1/segments/adults:run", json={}, headers=api.headers("marketing", "P07"))
    assert run.status_code == 200, run.text
    body = run.json()
    assert (body["purpose"], body["suppressed"], body["size"]) == ("P07", True, None)
    assert api.adult not in run.text
    assert "pseudonym" not in run.text
    assert http.post("/v1/segments/adults:run", json={}, headers=marketing).status_code == 400
    p03 = http.post("/v1/segments/adults:run", json={}, headers=api.headers("marketing", "P03"))
    assert p03.status_code == 422  # not a run purpose

    bad = http.post(
        "/v1/segments",
        json={"name": "x", "rule": {"attr": "customer_id", "op": "eq", "value": "1"}},
        headers=marketing,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "rule_invalid")
    assert "customer_id" not in {e["reason"] for e in bad.json()["errors"]}


def test_other_roles_may_not_use_segments(api: Api) -> None:
    for who in ("cs", "delivery", "channel"):
        assert api.http.get("/v1/segments", headers=api.headers(who, None)).status_code == 403
    refused = [r for r in api.audit_rows() if r["action"] == "segment:create"]
    assert [r["decision"] for r in refused] == ["deny"] * 3


def test_campaign_responses_are_idempotent_and_an_opt_out_withdraws_consent(api: Api) -> None:
    platform = api.platform
    summary = platform.ingestor().ingest_records(
        "core_banking", [record("S", mobile="13700000001", birth_date="1980-02-02")]
    )
    assert not summary.errors, summary.errors
    with platform.engine.begin() as conn:
        customer = conn.exec_driver_sql(
            "select customer_id from source_link where source_key = 'S'"
        ).scalar_one()
        event = grant("api-s-1", "", "P07", customer={"customer_id": customer})
        assert platform.consents.record(conn, [event])[0].status == "recorded"
    marketing = api.headers("marketing", "P07")
    api.http.post("/v1/segments", json={"name": "adults", "rule": ADULTS}, headers=marketing)
    run = api.http.post("/v1/segments/adults:run", json={"k": 50}, headers=marketing).json()
    with platform.engine.begin() as conn:
        campaign = build_campaigns(platform).create(conn, ANALYST, run["run_id"], "sms", "c-1")
    assert campaign.recipients == 1
    pseudonym = platform.pseudonyms.pseudonym("marketing", customer)
    url = f"/v1/campaigns/{campaign.campaign_id}/responses"
    batch = {
        "responses": [
            {"response_id": "gw-1", "pseudonym": pseudonym, "kind": "delivered"},
            {"response_id": "gw-2", "pseudonym": pseudonym, "kind": "opted_out"},
        ]
    }
    assert api.http.post(url, json=batch, headers=api.headers("marketing", None)).status_code == 403
    first = api.http.post(url, json=batch, headers=api.headers("channel", None))
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["results"]] == ["recorded", "recorded"]
    replay = api.http.post(url, json=batch, headers=api.headers("channel", None))
    assert [r["status"] for r in replay.json()["results"]] == ["duplicate", "duplicate"]
    with platform.engine.connect() as conn:
        assert len(conn.execute(select(campaign_response_t)).all()) == 2
        assert not platform.consents.check(conn, customer, "P07").valid
    unknown = api.http.post(
        "/v1/campaigns/" + "0" * 32 + "/responses", json=batch, headers=api.headers("channel", None)
    )
    assert [r["reason"] for r in unknown.json()["results"]] == ["campaign_id: unknown"] * 2
