"""Every endpoint through the in-process app: what it answers, what it records, bad input."""

from __future__ import annotations

import csv
import io

import pytest

from masking.formats import cn_id_check_char
from tests.api.conftest import ADULT_ID, ADULT_MOBILE, ADULT_NAME, Api, grant, record
from tests.api.helpers import attempt, leaked

NEW_ID = "11010519900307123" + cn_id_check_char("11010519900307123")


def test_when_liveness_is_probed_then_ok_without_credentials(api: Api) -> None:
    assert api.http.get("/healthz").json() == {"status": "ok", "checks": {}}


def test_when_readiness_is_probed_then_database_keys_and_policy_are_checked(api: Api) -> None:
    body = api.http.get("/readyz").json()
    assert body == {"status": "ok", "checks": {"database": True, "keys": True, "policy": True}}


def test_when_customer_service_reads_then_fields_are_annotated_and_masked(api: Api) -> None:
    response, events = attempt(api, "GET", f"/v1/customers/{api.adult}", headers=api.headers("cs"))
    fields = response.json()["fields"]
    assert fields["mobile"] == {"access": "masked", "value": "138****5678", "reason": None}
    assert fields["open_branch"]["access"] == "clear"
    assert fields["birth_date"] == {"access": "denied", "value": None, "reason": "no_matching_rule"}
    assert ADULT_NAME not in fields["service_note"]["value"]
    assert ADULT_MOBILE not in fields["service_note"]["value"]
    assert not leaked(api, response)
    (event,) = events
    assert (str(event["action"]), event["customer_ids"]) == ("profile:read", (api.adult,))


def test_when_fields_are_named_then_only_those_come_back(api: Api) -> None:
    response = api.http.get(
        f"/v1/customers/{api.adult}", params={"fields": "mobile,aum"}, headers=api.headers("cs")
    )
    assert set(response.json()["fields"]) == {"mobile", "aum"}


def test_when_a_manager_reads_their_book_with_consent_then_values_are_clear(api: Api) -> None:
    response = api.http.get(
        f"/v1/customers/{api.adult}",
        params={"fields": "full_name,aum"},
        headers=api.headers("rm", "P05"),
    )
    values = {name: f["value"] for name, f in response.json()["fields"].items()}
    assert values == {"full_name": ADULT_NAME, "aum": "523000.00"}


def test_when_consent_was_withdrawn_then_the_read_is_refused_with_its_reason(api: Api) -> None:
    withdraw = grant(
        "w-1", ADULT_ID, "P05", action="withdraw", occurred_at="2026-02-01T09:00:00+08:00"
    )
    assert (
        api.http.post(
            "/v1/consent-events", json={"events": [withdraw]}, headers=api.headers("channel", None)
        ).json()["results"][0]["status"]
        == "recorded"
    )
    response, events = attempt(
        api, "GET", f"/v1/customers/{api.adult}", headers=api.headers("rm", "P05")
    )
    assert (response.status_code, response.json()["code"]) == (403, "consent_withdrawn")
    assert [str(e["decision"]) for e in events] == ["deny"]


def test_when_delivery_resolves_an_address_without_consent_then_consent_required(
    api: Api,
) -> None:
    response = api.http.get(
        f"/v1/customers/{api.other}",
        params={"fields": "mobile"},
        headers=api.headers("delivery", "P07"),
    )
    assert (response.status_code, response.json()["code"]) == (403, "consent_required")


def test_when_searching_by_mobile_then_ids_only_come_back(api: Api) -> None:
    response = api.http.post(
        "/v1/customers:search",
        json={"field": "mobile", "value": ADULT_MOBILE},
        headers=api.headers("cs"),
    )
    assert response.json() == {"customer_ids": [api.adult]}


def test_when_searching_with_an_invalid_value_then_422_names_no_value(api: Api) -> None:
    response = api.http.post(
        "/v1/customers:search",
        json={"field": "id_number", "value": "123"},
        headers=api.headers("cs"),
    )
    assert (response.status_code, response.json()["code"]) == (422, "invalid_value")
    assert "123" not in response.text


def test_when_customer_service_writes_a_note_then_it_is_stored_and_masked(api: Api) -> None:
    response = api.http.patch(
        f"/v1/customers/{api.adult}",
        json={"fields": {"service_note": "已回电，客户满意"}},
        headers=api.headers("cs"),
    )
    assert response.json()["written"] == ["service_note"]
    read = api.http.get(
        f"/v1/customers/{api.adult}", params={"fields": "service_note"}, headers=api.headers("cs")
    )
    assert read.json()["fields"]["service_note"]["value"] == "已回电，客户满意"


def test_when_a_write_is_invalid_then_422_lists_field_and_reason(api: Api) -> None:
    response = api.http.patch(
        f"/v1/customers/{api.adult}",
        json={"fields": {"preferred_channel": "carrier_pigeon"}},
        headers=api.headers("cs"),
    )
    body = response.json()
    assert (response.status_code, body["code"]) == (422, "fields_invalid")
    assert body["errors"][0]["field"] == "preferred_channel"
    assert "carrier_pigeon" not in response.text


def test_when_a_batch_is_ingested_then_each_record_has_a_result(api: Api) -> None:
    records = [
        record("N1", id_number=NEW_ID, mobile="13700001111"),
        record("N2", id_number="110105199003071235"),
        record("N3", mobile="13700002222", colour="blue"),
    ]
    response, events = attempt(
        api,
        "POST",
        "/v1/sources/core_banking/records",
        headers=api.headers("engineer"),
        json={"records": records},
    )
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["accepted", "rejected", "rejected"]
    assert body["results"][1]["errors"] == [
        {"field": "id_number", "reason": "check digit mismatch"}
    ]
    assert body["summary"]["created"] == 1
    assert "110105199003071235" not in response.text
    assert [str(e["action"]) for e in events] == ["profile:ingest"]


def test_when_consent_events_arrive_then_each_has_a_result_in_order(api: Api) -> None:
    events = [
        grant("c-1", ADULT_ID, "P06"),
        grant("c-2", ADULT_ID, "P99"),
        grant("seed-2", ADULT_ID, "P07"),
    ]
    response = api.http.post(
        "/v1/consent-events", json={"events": events}, headers=api.headers("channel", None)
    )
    results = response.json()["results"]
    assert [(r["position"], r["status"]) for r in results] == [
        (1, "recorded"),
        (2, "rejected"),
        (3, "duplicate"),
    ]
    assert results[1]["field"] == "purpose"


def test_when_consents_are_read_then_every_purpose_state_comes_back_audited(api: Api) -> None:
    response, events = attempt(
        api, "GET", f"/v1/customers/{api.adult}/consents", headers=api.headers("cs")
    )
    states = {c["purpose"]: c["status"] for c in response.json()["consents"]}
    assert states == {"P05": "granted", "P07": "granted"}
    assert [str(e["action"]) for e in events] == ["consent:read"]


def test_when_a_proof_is_asked_then_events_and_notice_hashes_come_back(api: Api) -> None:
    response = api.http.get(
        f"/v1/customers/{api.adult}/consents/P05/proof", headers=api.headers("dpo")
    )
    body = response.json()
    assert body["verdict"]["valid"] is True
    assert [e["event_id"] for e in body["events"]] == ["seed-1"]
    assert len(body["notices"]["P05-v1"]["sha256"]) == 64


@pytest.mark.parametrize("path", ["consents", "consents/P05/proof"])
def test_when_consents_of_an_unknown_customer_are_asked_then_404(api: Api, path: str) -> None:
    unknown = "01900000-0000-7000-8000-000000000000"
    response = api.http.get(f"/v1/customers/{unknown}/{path}", headers=api.headers("cs"))
    assert (response.status_code, response.json()["code"]) == (404, "customer_not_found")


def test_when_audit_events_are_paged_then_cursors_walk_every_event_once(api: Api) -> None:
    for _ in range(3):
        api.http.get(f"/v1/customers/{api.adult}", headers=api.headers("cs"))
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        params = {"limit": 2, "customer": api.adult} | ({"cursor": cursor} if cursor else {})
        page = api.http.get(
            "/v1/audit/events", params=params, headers=api.headers("compliance", None)
        ).json()
        seen += [e["id"] for e in page["events"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) >= 5


def test_when_audit_events_are_filtered_then_only_matches_come_back(api: Api) -> None:
    api.http.get(f"/v1/customers/{api.adult}", headers=api.headers("cs", "P06"))
    page = api.http.get(
        "/v1/audit/events",
        params={"decision": "deny", "action": "profile:*"},
        headers=api.headers("compliance", None),
    ).json()
    assert page["events"]
    assert {(e["decision"], e["action"].split(":")[0]) for e in page["events"]} == {
        ("deny", "profile")
    }


def test_when_audit_events_are_asked_as_csv_then_a_header_row_comes_first(api: Api) -> None:
    response = api.http.get(
        "/v1/audit/events",
        params={"format": "csv", "limit": 5},
        headers=api.headers("compliance", None),
    )
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows
    assert {"id", "actor", "action", "decision"} <= set(rows[0])


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
        {"limit": 0},
        {"decision": "maybe"},
        {"actor": "a b"},
    ],
)
def test_when_audit_filters_are_invalid_then_422(api: Api, params: dict[str, object]) -> None:
    response = api.http.get(
        "/v1/audit/events", params=params, headers=api.headers("compliance", None)
    )
    assert response.status_code == 422
    assert response.json()["code"] in {"query_invalid", "request_invalid"}


def test_when_an_access_report_is_asked_then_readers_are_listed(api: Api) -> None:
    api.http.get(f"/v1/customers/{api.adult}", headers=api.headers("cs"))
    body = api.http.get(
        f"/v1/audit/customers/{api.adult}/access-report", headers=api.headers("dpo", None)
    ).json()
    actors = {row["actor"] for row in body["rows"]}
    assert f"client:{api.client_ids['cs']}" in actors


def test_when_the_trail_is_verified_then_it_is_intact_and_the_run_is_audited(api: Api) -> None:
    response, events = attempt(
        api, "POST", "/v1/audit/verify", headers=api.headers("compliance", None)
    )
    assert response.json()["intact"] is True
    assert [str(e["action"]) for e in events] == ["audit:verify"]


def test_when_admin_manages_clients_then_keys_show_once_and_disable_bites(api: Api) -> None:
    admin = api.headers("admin", None)
    created = api.http.post(
        "/v1/admin/clients", json={"name": "crm-desk", "roles": ["customer_service"]}, headers=admin
    )
    assert created.status_code == 201
    key = created.json()["api_key"]
    listed = api.http.get("/v1/admin/clients", headers=admin).text
    assert "crm-desk" in listed
    assert key not in listed
    reader = {"Authorization": f"Bearer {key}", "X-Purpose": "P01"}
    assert api.http.get(f"/v1/customers/{api.adult}", headers=reader).status_code == 200
    client_id = created.json()["client_id"]
    assert api.http.post(f"/v1/admin/clients/{client_id}:disable", headers=admin).json()["disabled"]
    assert api.http.get(f"/v1/customers/{api.adult}", headers=reader).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "cs", "roles": ["customer_service"]}, 409, "client_exists"),
        ({"name": "x", "roles": ["root"]}, 422, "client_invalid"),
        ({"name": "bad name!", "roles": ["admin"]}, 422, "request_invalid"),
    ],
)
def test_when_a_client_cannot_be_added_then_the_reason_is_given(
    api: Api, body: dict[str, object], status: int, code: str
) -> None:
    response = api.http.post("/v1/admin/clients", json=body, headers=api.headers("admin", None))
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_when_an_unknown_client_is_disabled_then_404(api: Api) -> None:
    response = api.http.post(
        "/v1/admin/clients/cli_nobody:disable", headers=api.headers("admin", None)
    )
    assert (response.status_code, response.json()["code"]) == (404, "client_not_found")


def test_when_admin_reloads_policy_and_reads_key_status_then_both_answer(api: Api) -> None:
    admin = api.headers("admin", None)
    assert (
        len(api.http.post("/v1/admin/policy:reload", headers=admin).json()["policy_version"]) == 64
    )
    keks = api.http.get("/v1/admin/keys", headers=admin).json()["keks"]
    assert keks == [{"version": 1, "status": "active", "data_keys": 2}]


def test_when_a_token_is_issued_then_it_authenticates_like_the_key(api: Api) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": api.client_ids["cs"],
        "client_secret": api.keys["cs"],
    }
    token = api.http.post("/v1/oauth/token", data=form).json()
    assert token["token_type"] == "bearer"
    assert token["expires_in"] == api.settings.token_ttl_seconds
    headers = {"Authorization": f"Bearer {token['access_token']}", "X-Purpose": "P01"}
    assert api.http.get(f"/v1/customers/{api.adult}", headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("form", "status", "code"),
    [
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        (
            {"grant_type": "client_credentials", "client_id": "cli_x", "client_secret": "cdpk_x_y"},
            401,
            "invalid_client",
        ),
    ],
)
def test_when_token_requests_are_wrong_then_they_are_refused(
    api: Api, form: dict[str, str], status: int, code: str
) -> None:
    response = api.http.post("/v1/oauth/token", data=form)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_when_a_route_does_not_exist_then_problem_404(api: Api) -> None:
    response = api.http.get("/v1/nothing-here")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert response.headers["content-type"].startswith("application/problem+json")


def test_when_the_request_id_is_unusable_then_a_fresh_one_is_issued(api: Api) -> None:
    response = api.http.get("/healthz", headers={"X-Request-Id": "a b;c" * 30})
    assert len(response.headers["x-request-id"]) == 36
