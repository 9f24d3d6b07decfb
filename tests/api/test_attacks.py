"""The attack suite: each attempt is refused with the right status and code, and audited.

Every case sends a fresh X-Request-Id and then looks for the audit event carrying it: a refusal
nobody recorded is a failure even when the status is right. No response may carry a seeded value.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from cdp.apiclients import token_signing_key
from tests.api.conftest import ADULT_ID, Api, grant, record
from tests.api.helpers import attempt, leaked

UNKNOWN_ID = "01900000-0000-7000-8000-000000000000"


def customer(api: Api) -> str:
    return f"/v1/customers/{api.adult}"


def _token(api: Api, who: str, **claims: Any) -> str:
    """A client-credentials token for a seeded client, with claims overridden."""
    now = datetime.now(UTC)
    payload = {
        "iss": "privacy-cdp",
        "aud": "privacy-cdp-api",
        "sub": api.client_ids[who],
        "jti": "j1",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "roles": ["customer_service"],
        "attrs": {},
    } | claims
    key = token_signing_key(api.settings, create=False)
    return jwt.encode(payload, key, algorithm="HS256")


def _unsigned(api: Api) -> str:
    """A token with alg=none claiming to be the admin client."""
    head = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    body = json.dumps({"sub": api.client_ids["admin"], "roles": ["admin"]}).encode()
    return f"{head}.{base64.urlsafe_b64encode(body).rstrip(b'=').decode()}."


def bearer(value: str, purpose: str | None = "P01") -> dict[str, str]:
    found = {"Authorization": f"Bearer {value}"}
    if purpose:
        found["X-Purpose"] = purpose
    return found


Request = Callable[[Api], tuple[str, str, dict[str, str], dict[str, Any]]]


def get(path: Callable[[Api], str], who: str | None, purpose: str | None = "P01") -> Request:
    return lambda api: ("GET", path(api), api.headers(who, purpose) if who else {}, {})


def with_headers(path: Callable[[Api], str], headers: Callable[[Api], dict[str, str]]) -> Request:
    return lambda api: ("GET", path(api), headers(api), {})


def post(
    path: str,
    who: str,
    body: Callable[[Api], Any],
    purpose: str | None = "P01",
    method: str = "POST",
) -> Request:
    return lambda api: (method, path, api.headers(who, purpose), {"json": body(api)})


def read_fields(fields: str, who: str = "cs", purpose: str = "P01") -> Request:
    return lambda api: (
        "GET",
        f"/v1/customers/{api.adult}",
        api.headers(who, purpose),
        {"params": {"fields": fields}},
    )


def read_id(customer_id: str) -> Request:
    return lambda api: ("GET", f"/v1/customers/{customer_id}", api.headers("cs"), {})


# (case id, request, status, code, audit action, audit decision)
CASES: list[tuple[str, Request, int, str, str, str]] = [
    # --- credentials -------------------------------------------------------------------------
    ("no credentials", get(customer, None), 401, "missing_credentials", "auth:failure", "deny"),
    (
        "basic scheme",
        with_headers(customer, lambda a: {"Authorization": "Basic eDp5"}),
        401,
        "missing_credentials",
        "auth:failure",
        "deny",
    ),
    (
        "forged api key",
        with_headers(customer, lambda a: bearer("cdpk_0123456789abcdef_" + "A" * 43)),
        401,
        "bad_key",
        "auth:failure",
        "deny",
    ),
    ("disabled client's key", get(customer, "disabled"), 401, "bad_key", "auth:failure", "deny"),
    (
        "key with a confusable letter",
        with_headers(customer, lambda a: bearer(a.keys["cs"][:-1] + "\u0430")),
        401,
        "bad_key",
        "auth:failure",
        "deny",
    ),
    (
        "garbage token",
        with_headers(customer, lambda a: bearer("not.a.token")),
        401,
        "malformed",
        "auth:failure",
        "deny",
    ),
    (
        "token signed with another key",
        with_headers(
            customer,
            lambda a: bearer(
                jwt.encode(
                    {
                        "sub": a.client_ids["cs"],
                        "aud": "privacy-cdp-api",
                        "iss": "privacy-cdp",
                        "exp": datetime.now(UTC) + timedelta(minutes=5),
                        "iat": datetime.now(UTC),
                        "jti": "x",
                    },
                    b"k" * 32,
                    algorithm="HS256",
                )
            ),
        ),
        401,
        "bad_signature",
        "auth:failure",
        "deny",
    ),
    (
        "alg none token",
        with_headers(customer, lambda a: bearer(_unsigned(a))),
        401,
        "bad_algorithm",
        "auth:failure",
        "deny",
    ),
    (
        "expired token",
        with_headers(
            customer,
            lambda a: bearer(
                _token(
                    a,
                    "cs",
                    exp=datetime.now(UTC) - timedelta(minutes=1),
                    iat=datetime.now(UTC) - timedelta(minutes=10),
                )
            ),
        ),
        401,
        "expired",
        "auth:failure",
        "deny",
    ),
    (
        "token for another audience",
        with_headers(customer, lambda a: bearer(_token(a, "cs", aud="someone-else"))),
        401,
        "wrong_audience",
        "auth:failure",
        "deny",
    ),
    (
        "disabled client's token",
        with_headers(customer, lambda a: bearer(_token(a, "disabled"))),
        401,
        "client_disabled",
        "auth:failure",
        "deny",
    ),
    # --- purpose -----------------------------------------------------------------------------
    ("missing purpose", get(customer, "cs", None), 400, "purpose_required", "profile:read", "deny"),
    ("unknown purpose", get(customer, "cs", "P99"), 400, "unknown_purpose", "profile:read", "deny"),
    (
        "sql in purpose",
        get(customer, "cs", "P01' OR '1'='1"),
        400,
        "unknown_purpose",
        "profile:read",
        "deny",
    ),
    (
        "full-width purpose",
        get(customer, "cs", "\uff30\uff10\uff11"),
        400,
        "unknown_purpose",
        "profile:read",
        "deny",
    ),
    (
        "lower-case purpose",
        get(customer, "cs", "p01"),
        400,
        "unknown_purpose",
        "profile:read",
        "deny",
    ),
    (
        "purpose the role never acts for",
        get(customer, "cs", "P06"),
        403,
        "purpose_not_permitted",
        "profile:read",
        "deny",
    ),
    # --- field names -------------------------------------------------------------------------
    ("wildcard field", read_fields("*"), 422, "invalid_field_names", "profile:read", "error"),
    (
        "policy path as field",
        read_fields("profile.*"),
        422,
        "invalid_field_names",
        "profile:read",
        "error",
    ),
    (
        "path traversal field",
        read_fields("../../etc/passwd"),
        422,
        "invalid_field_names",
        "profile:read",
        "error",
    ),
    (
        "nul byte in field",
        read_fields("mobile\x00"),
        422,
        "invalid_field_names",
        "profile:read",
        "error",
    ),
    (
        "full-width field name",
        read_fields("\uff4d\uff4f\uff42\uff49\uff4c\uff45"),
        422,
        "invalid_field_names",
        "profile:read",
        "error",
    ),
    (
        "only unknown fields",
        read_fields("cvn,pin"),
        403,
        "no_field_permitted",
        "profile:field:read",
        "deny",
    ),
    (
        "field outside the role's policy",
        read_fields("birth_date"),
        403,
        "no_field_permitted",
        "profile:field:read",
        "deny",
    ),
    # --- customer ids ------------------------------------------------------------------------
    ("sql in id", read_id("x' OR '1'='1"), 422, "request_invalid", "profile:read", "error"),
    (
        "encoded traversal in id",
        read_id("..%5c..%5cetc"),
        422,
        "request_invalid",
        "profile:read",
        "error",
    ),
    (
        "cyrillic letter in id",
        read_id("01900000-0000-7000-8000-00000000000\u0430"),
        422,
        "request_invalid",
        "profile:read",
        "error",
    ),
    ("unknown customer", read_id(UNKNOWN_ID), 404, "customer_not_found", "profile:read", "error"),
    # --- roles outside their lane ------------------------------------------------------------
    (
        "compliance officer reads pii",
        get(customer, "compliance", "P01"),
        403,
        "purpose_not_permitted",
        "profile:read",
        "deny",
    ),
    (
        "marketing analyst reads contact details",
        read_fields("mobile,email", "marketing", "P06"),
        403,
        "no_field_permitted",
        "profile:field:read",
        "deny",
    ),
    (
        "marketing analyst searches by mobile",
        post(
            "/v1/customers:search",
            "marketing",
            lambda a: {"field": "mobile", "value": "13812345678"},
            "P06",
        ),
        403,
        "search_denied",
        "profile:search",
        "deny",
    ),
    (
        "delivery reads the id number",
        read_fields("id_number", "delivery", "P07"),
        403,
        "no_field_permitted",
        "profile:field:read",
        "deny",
    ),
    (
        "data engineer reads back",
        get(customer, "engineer", "P01"),
        403,
        "no_field_permitted",
        "profile:read",
        "deny",
    ),
    (
        "manager reads outside the book",
        lambda a: ("GET", f"/v1/customers/{a.other}", a.headers("rm", "P05"), {}),
        403,
        "no_field_permitted",
        "profile:read",
        "deny",
    ),
    (
        "compliance officer reads consents",
        get(lambda a: f"/v1/customers/{a.adult}/consents", "compliance", "P01"),
        403,
        "purpose_not_permitted",
        "consent:read",
        "deny",
    ),
    (
        "customer service reads the audit trail",
        get(lambda a: "/v1/audit/events", "cs", None),
        403,
        "purpose_not_permitted",
        "audit:query",
        "deny",
    ),
    (
        "marketing analyst reads an access report",
        get(lambda a: f"/v1/audit/customers/{a.adult}/access-report", "marketing", None),
        403,
        "purpose_not_permitted",
        "audit:query",
        "deny",
    ),
    (
        "customer service reloads policy",
        post("/v1/admin/policy:reload", "cs", lambda a: None, None),
        403,
        "purpose_not_permitted",
        "policy:reload",
        "deny",
    ),
    (
        "customer service registers a client",
        post("/v1/admin/clients", "cs", lambda a: {"name": "evil", "roles": ["admin"]}, None),
        403,
        "purpose_not_permitted",
        "client:add",
        "deny",
    ),
    (
        "customer service searches by e-mail",
        post("/v1/customers:search", "cs", lambda a: {"field": "email", "value": "a@example.com"}),
        403,
        "search_denied",
        "profile:search",
        "deny",
    ),
    (
        "customer service writes a mobile",
        post(
            "/v1/customers/{}",
            "cs",
            lambda a: {"fields": {"mobile": "13912345678"}},
            method="PATCH",
        ),
        403,
        "field_write_denied",
        "profile:write",
        "deny",
    ),
    (
        "customer service ingests records",
        post(
            "/v1/sources/core_banking/records",
            "cs",
            lambda a: {"records": [record("Z", mobile="13912345678")]},
        ),
        403,
        "field_write_denied",
        "profile:ingest",
        "deny",
    ),
    (
        "channel reads a profile",
        get(customer, "channel", "P01"),
        403,
        "purpose_not_permitted",
        "profile:read",
        "deny",
    ),
    # --- bodies ------------------------------------------------------------------------------
    (
        "c3 in a write",
        post(
            "/v1/customers/{}",
            "cs",
            lambda a: {"fields": {"service_note": "客户说CVV是123"}},
            method="PATCH",
        ),
        422,
        "c3_refused",
        "profile:write",
        "error",
    ),
    (
        "oversized search value",
        post("/v1/customers:search", "cs", lambda a: {"field": "mobile", "value": "1" * 300}),
        422,
        "request_invalid",
        "profile:search",
        "error",
    ),
    (
        "unknown property in body",
        post(
            "/v1/customers:search",
            "cs",
            lambda a: {"field": "mobile", "value": "13812345678", "and": "1=1"},
        ),
        422,
        "request_invalid",
        "profile:search",
        "error",
    ),
    (
        "oversized consent batch",
        post(
            "/v1/consent-events",
            "channel",
            lambda a: {"events": [grant(f"b-{i}", ADULT_ID, "P05") for i in range(1001)]},
            None,
        ),
        413,
        "batch_too_large",
        "consent:event",
        "deny",
    ),
    (
        "ingest into an unknown source",
        post(
            "/v1/sources/nowhere/records",
            "engineer",
            lambda a: {"records": [record("Z", mobile="13912345678")]},
        ),
        404,
        "unknown_source",
        "profile:ingest",
        "error",
    ),
]


def _resolve(api: Api, request: Request) -> tuple[str, str, dict[str, str], dict[str, Any]]:
    method, path, headers, kwargs = request(api)
    return method, path.replace("{}", api.adult), headers, kwargs


@pytest.mark.parametrize(
    ("request_of", "status", "code", "action", "decision"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_when_an_attack_is_tried_then_it_is_refused_and_audited(
    api: Api, request_of: Request, status: int, code: str, action: str, decision: str
) -> None:
    method, path, headers, kwargs = _resolve(api, request_of)
    response, events = attempt(api, method, path, headers=headers, **kwargs)
    assert (response.status_code, response.json().get("code")) == (status, code), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (action, decision) in {(str(e["action"]), str(e["decision"])) for e in events}, events
    assert not leaked(api, response)


def test_when_the_suite_is_counted_then_it_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_when_a_body_exceeds_the_limit_then_413_before_parsing_and_audited(api: Api) -> None:
    limit = api.settings.api_max_body_bytes
    blob = b'{"events": [' + b" " * limit + b"]}"
    response, events = attempt(
        api,
        "POST",
        "/v1/consent-events",
        headers=api.headers("channel", None) | {"content-type": "application/json"},
        content=blob,
    )
    assert (response.status_code, response.json()["code"]) == (413, "body_too_large")
    assert [(str(e["action"]), str(e["decision"])) for e in events] == [("api:refused", "deny")]


def test_when_a_consent_event_is_replayed_then_it_is_a_duplicate_and_audited(api: Api) -> None:
    body = {"events": [grant("seed-1", ADULT_ID, "P05")]}
    response, events = attempt(
        api, "POST", "/v1/consent-events", headers=api.headers("channel", None), json=body
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "duplicate"
    assert [str(e["action"]) for e in events] == ["consent:event"]


def test_when_a_consent_event_conflicts_then_it_is_rejected_and_audited(api: Api) -> None:
    body = {"events": [grant("seed-1", ADULT_ID, "P05", channel="web")]}
    response, events = attempt(
        api, "POST", "/v1/consent-events", headers=api.headers("channel", None), json=body
    )
    result = response.json()["results"][0]
    assert (response.status_code, result["status"]) == (200, "rejected")
    assert result["field"] == "event_id"
    assert [str(e["action"]) for e in events] == ["consent:event"]
