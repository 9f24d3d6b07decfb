"""Property-based contract tests: schemathesis drives every operation of `/openapi.json`.

In process (schemathesis' ASGI transport, no server), on each backend, with bounded, derandomised
examples and no shrinking or example database, so a CI run is repeatable and short. Each
response must not be a 5xx and must conform to the document: status code, content type and body
schema. One pass authenticates as the seeded client whose role fits each operation family (and
sometimes points at the seeded customers, clients and grants so generated requests reach past
the 404s); another sends no credentials at all and expects documented 401s.

Each operation is its own pytest case (fresh seeded store, its own xfail if ever needed), driven
by `schema[path][method].as_strategy()` under explicit Hypothesis settings. Not
`schemathesis.pytest.from_fixture`: with schemathesis 4.32 and pytest 9.2 it fails on
`Function._nodeid`, which pytest no longer has.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cdp.api import create_app
from cdp.api.problems import PROBLEM_MEDIA_TYPE
from cdp.settings import Settings
from cdp.telemetry import NOOP
from tests.api.conftest import (
    ADULT_ID,
    ADULT_MOBILE,
    OTHER_ID,
    OTHER_MOBILE,
    Api,
    grant,
    record,
)

# CDP_TEST_API_EXAMPLES raises the bound for a deeper local run
MAX_EXAMPLES = int(os.environ.get("CDP_TEST_API_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PUBLIC = frozenset({"/healthz", "/readyz", "/openapi.json", "/v1/oauth/token"})
# (seeded client, X-Purpose) per operation family; None sends no X-Purpose
FAMILIES: dict[str, tuple[str, str | None]] = {
    "profiles": ("cs", "P01"),
    "consent": ("cs", "P01"),
    "audit": ("compliance", None),
    "admin": ("admin", None),
    "segments": ("marketing", "P07"),
}
# clients the admin pass may disable: never one this test authenticates with
EXPENDABLE = ("marketing", "kyc", "disabled")


SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure shows the case as generated
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


def operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every documented operation, from the document (no database needed)."""
    doc = create_app(Settings.model_construct(), telemetry=NOOP).openapi()
    return [(method.upper(), path) for path, item in doc["paths"].items() for method in item]


def params() -> list[Any]:
    """Every operation as a test parameter, named `METHOD /path`."""
    return [pytest.param(method, path, id=f"{method} {path}") for method, path in operations()]


class Started:
    """The app whose lifespan the `api` fixture already ran; schemathesis must not run another.

    Declining the lifespan scope (returning without reading a message) is how an ASGI app says
    it has none, so schemathesis' transport serves requests without building a second platform.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return
        await self.app(scope, receive, send)


def operation(api: Api, method: str, path: str) -> Any:
    """The operation as the running app documents it, bound to the app for in-process calls."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", Started(api.http.app))
    return schema[path][method]


def caller(case: Any) -> tuple[str | None, str | None]:
    """The seeded client (and purpose) with broad permissions for this operation's family."""
    path = case.operation.path
    if path in PUBLIC:
        return None, None
    if path.startswith("/v1/sources/"):
        return "engineer", "P01"
    if path == "/v1/consent-events" or path.startswith("/v1/campaigns/"):
        return "channel", None
    tags = case.operation.tags or []
    return FAMILIES[tags[0]]


def set_headers(case: Any, **wanted: str | None) -> None:
    """Replaces headers case-insensitively; None removes one."""
    names = {name.lower() for name in wanted}
    kept = {k: v for k, v in (case.headers or {}).items() if k.lower() not in names}
    kept.update({name: value for name, value in wanted.items() if value is not None})
    case.headers = kept


def aim(case: Any, api: Api, draw: Callable[[Any], Any]) -> None:
    """Sometimes points a generated request at seeded data, so it reaches past the 404s."""
    params = case.path_parameters or {}
    if "customer_id" in params and draw(st.booleans()):
        params["customer_id"] = draw(st.sampled_from([api.adult, api.other]))
    if "purpose_code" in params and draw(st.booleans()):
        params["purpose_code"] = draw(st.sampled_from(["P05", "P07", "P01"]))
    if "client_id" in params and draw(st.booleans()):
        params["client_id"] = api.client_ids[draw(st.sampled_from(EXPENDABLE))]
    if "source" in params and draw(st.booleans()):
        params["source"] = "core_banking"
    query = case.query
    if isinstance(query, dict) and "customer" in query and draw(st.booleans()):
        query["customer"] = api.adult
    seeded = bodies(api).get(case.operation.path)
    if seeded and isinstance(case.body, dict) and draw(st.booleans()):
        case.body = draw(st.sampled_from(seeded))


def bodies(api: Api) -> dict[str, list[Any]]:
    """Valid bodies naming seeded data, per path (the generated ones rarely get that far)."""
    return {
        "/v1/customers:search": [
            {"field": "mobile", "value": ADULT_MOBILE},
            {"field": "id_number", "value": ADULT_ID},
        ],
        "/v1/customers/{customer_id}": [
            {"fields": {"service_note": "客户来电咨询理财产品"}},
            {"fields": {"preferred_channel": "app"}},
        ],
        "/v1/sources/{source}/records": [
            {"records": [record("st-1", id_number=OTHER_ID, mobile=OTHER_MOBILE)]},
        ],
        "/v1/consent-events": [
            {"events": [grant("st-1", ADULT_ID, "P07")]},
            {"events": [grant("seed-1", ADULT_ID, "P05")]},  # a replay: duplicate
        ],
        "/v1/admin/clients": [{"name": "st-client", "roles": ["customer_service"]}],
        "/v1/segments": [
            {"name": "st-women", "rule": {"attr": "gender", "op": "eq", "value": "F"}},
            {"name": "st-rich", "rule": {"attr": "aum_tier", "op": "ge", "value": "财富"}},
        ],
        "/v1/segments/{name}:run": [{}, {"k": 50, "include_minors": True}],
        "/v1/oauth/token": [
            {
                "grant_type": "client_credentials",
                "client_id": api.client_ids["cs"],
                "client_secret": api.keys["cs"],
            },
            {
                "grant_type": "client_credentials",
                "client_id": api.client_ids["cs"],
                "client_secret": "cdpk_wrong",
            },
        ],
    }


# Bodies that are not JSON at all, on every operation that takes one (found by this suite: they
# once answered an undocumented 400).
BODY_OPERATIONS = {  # operation: the seeded client allowed to call it
    ("POST", "/v1/consent-events"): "channel",
    ("POST", "/v1/admin/clients"): "admin",
    ("POST", "/v1/customers:search"): "cs",
    ("POST", "/v1/segments"): "marketing",
}


@pytest.mark.parametrize(("method", "path"), params())
def test_authenticated_calls_conform(api: Api, method: str, path: str) -> None:
    """As the family's seeded client: no 5xx, and every response as documented."""
    op = operation(api, method, path)
    cases = st.one_of(
        op.as_strategy(generation_mode=GenerationMode.POSITIVE),
        op.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @SETTINGS
    @given(case=cases, data=st.data())
    def call(case: Any, data: st.DataObject) -> None:
        who, purpose = caller(case)
        if who is not None:
            set_headers(case, Authorization=f"Bearer {api.keys[who]}")
            # now and then the generated X-Purpose (or none) instead of the family's
            if purpose is not None and data.draw(st.integers(0, 9), label="purpose") < 9:
                set_headers(case, **{"X-Purpose": purpose})
        aim(case, api, data.draw)
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    call()


@pytest.mark.parametrize(("method", "path"), params())
def test_anonymous_calls_are_documented_401s(api: Api, method: str, path: str) -> None:
    """No credentials: every protected operation answers a documented 401 problem."""
    op = operation(api, method, path)

    @SETTINGS
    @given(case=op.as_strategy(generation_mode=GenerationMode.POSITIVE))
    def call(case: Any) -> None:
        set_headers(case, Authorization=None)
        response = case.call_and_validate(checks=CHECKS)
        if path not in PUBLIC:
            assert response.status_code == 401, response.status_code
            assert response.headers["content-type"][0].startswith(PROBLEM_MEDIA_TYPE)

    call()


@pytest.mark.parametrize(
    ("method", "path", "who"),
    [pytest.param(*key, who, id=" ".join(key)) for key, who in BODY_OPERATIONS.items()],
)
def test_non_utf8_json_body_gets_a_documented_status(
    api: Api, method: str, path: str, who: str
) -> None:
    """`curl -X POST -H 'Content-Type: application/json' --data-binary $'\\xff'`: a 422 problem."""
    response = api.http.request(
        method,
        path,
        content=b"\xff",
        headers={
            "Authorization": f"Bearer {api.keys[who]}",
            "Content-Type": "application/json",
            "X-Purpose": "P01",
        },
    )
    documented = api.http.app.openapi()["paths"][path][method.lower()]["responses"]
    assert str(response.status_code) in documented, (response.status_code, response.text)
    assert response.json()["code"] in {"malformed_body", "request_invalid"}
