"""The one implementation of request building and response parsing both clients share.

Each endpoint is described once, as a `Call` (method, path, query, body, headers and how to
parse the answer); `CdpClient` and `AsyncCdpClient` only differ in how they send it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypedDict, TypeVar
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from cdp.client.errors import CdpProtocolError, CdpTransportError, error_from_response
from cdp.client.models import (
    AccessReport,
    ApiClientInfo,
    ApiClients,
    AuditCsvPage,
    AuditEventsPage,
    ConsentEventsResult,
    ConsentProof,
    CustomerConsents,
    CustomerRecord,
    Health,
    IngestResult,
    KeyStatus,
    NewApiClient,
    PolicyVersion,
    Reply,
    Token,
    UpdateResult,
    VerifyResult,
)

T = TypeVar("T")
R = TypeVar("R", bound=Reply)
USER_AGENT = "privacy-cdp-client/0.1"
DEFAULT_TIMEOUT = 10.0
# refresh a token this long before it expires (at most 30 s, at least 10% of its lifetime)
_REFRESH_MARGIN = 30.0


class AuditFilters(TypedDict, total=False):
    """Filters of `audit_events` (all optional; instants naive mean China Standard Time)."""

    customer: str
    actor: str
    role: str
    purpose: str
    action: str
    decision: Literal["allow", "deny", "error"]
    since: datetime | str
    until: datetime | str
    limit: int
    cursor: str


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One API call, described independently of how it is sent."""

    method: str
    path: str
    parse: Callable[[httpx.Response], T]
    params: tuple[tuple[str, str], ...] = ()
    json: Any = None
    form: Mapping[str, str] | None = None
    purpose: str | None = None
    request_id: str | None = None
    auth: bool = True
    ok: frozenset[int] = field(default_factory=lambda: frozenset({200}))


def _segment(value: str) -> str:
    """One path segment, escaped so an id can never change the route."""
    return quote(value, safe="")


def _instant(value: datetime | str) -> str:
    return value.isoformat() if isinstance(value, datetime) else value


def _with_id(reply: R, response: httpx.Response) -> R:
    reply._request_id = response.headers.get("x-request-id")
    return reply


def _model(cls: type[R]) -> Callable[[httpx.Response], R]:
    def parse(response: httpx.Response) -> R:
        return _with_id(cls.model_validate(response.json()), response)

    return parse


def _ids(response: httpx.Response) -> list[str]:
    ids = response.json()["customer_ids"]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise TypeError("customer_ids")
    return ids


def _ready(response: httpx.Response) -> Health:
    if response.status_code == 503:
        try:
            return _model(Health)(response)
        except (ValueError, ValidationError):  # not our readiness body: a proxy's 503
            raise error_from_response(response) from None
    return _model(Health)(response)


def _csv(response: httpx.Response) -> AuditCsvPage:
    page = AuditCsvPage(text=response.text, next_cursor=response.headers.get("x-next-cursor"))
    return _with_id(page, response)


def audit_params(filters: AuditFilters, csv: bool) -> tuple[tuple[str, str], ...]:
    """The audit query string, in a stable order."""
    params: list[tuple[str, str]] = []
    for name in ("customer", "actor", "role", "purpose", "action", "decision"):
        value = filters.get(name)
        if value is not None:
            params.append((name, str(value)))
    for name in ("since", "until"):
        moment = filters.get(name)
        if moment is not None:
            params.append((name, _instant(moment)))  # type: ignore[arg-type]
    if "limit" in filters:
        params.append(("limit", str(filters["limit"])))
    if filters.get("cursor"):
        params.append(("cursor", str(filters["cursor"])))
    if csv:
        params.append(("format", "csv"))
    return tuple(params)


class Endpoints:
    """Builds the `Call` of every endpoint; the default purpose fills a missing X-Purpose."""

    def __init__(self, purpose: str | None) -> None:
        self.default_purpose = purpose

    def _purpose(self, purpose: str | None) -> str:
        chosen = purpose or self.default_purpose
        if not chosen:
            raise ValueError("this call needs a purpose: pass purpose= or a default purpose")
        return chosen

    # health
    def health(self, request_id: str | None) -> Call[Health]:
        return Call("GET", "/healthz", _model(Health), request_id=request_id, auth=False)

    def ready(self, request_id: str | None) -> Call[Health]:
        ok = frozenset({200, 503})
        return Call("GET", "/readyz", _ready, request_id=request_id, auth=False, ok=ok)

    def token(self, client_id: str, client_secret: str) -> Call[Token]:
        form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        return Call("POST", "/v1/oauth/token", _model(Token), form=form, auth=False)

    # profiles
    def read_customer(
        self,
        customer_id: str,
        purpose: str | None,
        fields: Iterable[str] | None,
        request_id: str | None,
    ) -> Call[CustomerRecord]:
        params: tuple[tuple[str, str], ...] = ()
        if fields is not None:
            names = [fields] if isinstance(fields, str) else list(fields)
            params = (("fields", ",".join(names)),)
        return Call(
            "GET",
            f"/v1/customers/{_segment(customer_id)}",
            _model(CustomerRecord),
            params=params,
            purpose=self._purpose(purpose),
            request_id=request_id,
        )

    def search(
        self, field_name: str, value: str, purpose: str | None, request_id: str | None
    ) -> Call[list[str]]:
        return Call(
            "POST",
            "/v1/customers:search",
            _ids,
            json={"field": field_name, "value": value},
            purpose=self._purpose(purpose),
            request_id=request_id,
        )

    def update_customer(
        self,
        customer_id: str,
        fields: Mapping[str, str],
        purpose: str | None,
        request_id: str | None,
    ) -> Call[UpdateResult]:
        return Call(
            "PATCH",
            f"/v1/customers/{_segment(customer_id)}",
            _model(UpdateResult),
            json={"fields": dict(fields)},
            purpose=self._purpose(purpose),
            request_id=request_id,
        )

    def ingest(
        self,
        source: str,
        records: Sequence[Mapping[str, str]],
        purpose: str | None,
        request_id: str | None,
    ) -> Call[IngestResult]:
        return Call(
            "POST",
            f"/v1/sources/{_segment(source)}/records",
            _model(IngestResult),
            json={"records": [dict(r) for r in records]},
            purpose=self._purpose(purpose),
            request_id=request_id,
        )

    # consent
    def record_consent_events(
        self, events: Sequence[Mapping[str, Any]], request_id: str | None
    ) -> Call[ConsentEventsResult]:
        return Call(
            "POST",
            "/v1/consent-events",
            _model(ConsentEventsResult),
            json={"events": [dict(e) for e in events]},
            request_id=request_id,
        )

    def consents(
        self, customer_id: str, purpose: str | None, request_id: str | None
    ) -> Call[CustomerConsents]:
        return Call(
            "GET",
            f"/v1/customers/{_segment(customer_id)}/consents",
            _model(CustomerConsents),
            purpose=self._purpose(purpose),
            request_id=request_id,
        )

    def consent_proof(
        self, customer_id: str, purpose_code: str, purpose: str | None, request_id: str | None
    ) -> Call[ConsentProof]:
        return Call(
            "GET",
            f"/v1/customers/{_segment(customer_id)}/consents/{_segment(purpose_code)}/proof",
            _model(ConsentProof),
            purpose=self._purpose(purpose),
            request_id=request_id,
        )

    # audit
    def audit_events(self, filters: AuditFilters, request_id: str | None) -> Call[AuditEventsPage]:
        params = audit_params(filters, csv=False)
        return Call(
            "GET", "/v1/audit/events", _model(AuditEventsPage), params, request_id=request_id
        )

    def audit_events_csv(self, filters: AuditFilters, request_id: str | None) -> Call[AuditCsvPage]:
        params = audit_params(filters, csv=True)
        return Call("GET", "/v1/audit/events", _csv, params, request_id=request_id)

    def access_report(
        self,
        customer_id: str,
        since: datetime | str | None,
        until: datetime | str | None,
        request_id: str | None,
    ) -> Call[AccessReport]:
        params = tuple(
            (name, _instant(moment))
            for name, moment in (("since", since), ("until", until))
            if moment is not None
        )
        return Call(
            "GET",
            f"/v1/audit/customers/{_segment(customer_id)}/access-report",
            _model(AccessReport),
            params,
            request_id=request_id,
        )

    def verify_audit(self, request_id: str | None) -> Call[VerifyResult]:
        return Call("POST", "/v1/audit/verify", _model(VerifyResult), request_id=request_id)

    # admin
    def reload_policy(self, request_id: str | None) -> Call[PolicyVersion]:
        return Call("POST", "/v1/admin/policy:reload", _model(PolicyVersion), request_id=request_id)

    def key_status(self, request_id: str | None) -> Call[KeyStatus]:
        return Call("GET", "/v1/admin/keys", _model(KeyStatus), request_id=request_id)

    def list_clients(self, request_id: str | None) -> Call[ApiClients]:
        return Call("GET", "/v1/admin/clients", _model(ApiClients), request_id=request_id)

    def add_client(
        self,
        name: str,
        roles: Sequence[str],
        branches: Sequence[str],
        request_id: str | None,
    ) -> Call[NewApiClient]:
        body = {"name": name, "roles": list(roles), "branches": list(branches)}
        return Call(
            "POST",
            "/v1/admin/clients",
            _model(NewApiClient),
            json=body,
            request_id=request_id,
            ok=frozenset({201}),
        )

    def disable_client(self, client_id: str, request_id: str | None) -> Call[ApiClientInfo]:
        return Call(
            "POST",
            f"/v1/admin/clients/{_segment(client_id)}:disable",
            _model(ApiClientInfo),
            request_id=request_id,
        )


class TokenCache:
    """The current access token and when to stop using it (thread-safe reads and writes)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0

    def current(self) -> str | None:
        """The token, unless it is missing or due for refresh."""
        with self._lock:
            if self._token is not None and self._clock() < self._refresh_at:
                return self._token
            return None

    def store(self, token: Token) -> str:
        """Caches a fresh token; refreshes it a margin before it expires."""
        margin = min(_REFRESH_MARGIN, max(1.0, token.expires_in * 0.1))
        with self._lock:
            self._token = token.access_token
            self._refresh_at = self._clock() + max(0.0, token.expires_in - margin)
        return token.access_token

    def invalidate(self, used: str) -> None:
        """Drops the token after a 401, unless another call already replaced it."""
        with self._lock:
            if self._token == used:
                self._token = None


class Core:
    """Configuration and the sending-independent half of every request."""

    def __init__(
        self,
        *,
        api_key: str | None,
        client_id: str | None,
        client_secret: str | None,
        purpose: str | None,
    ) -> None:
        if api_key is not None and (client_id is not None or client_secret is not None):
            raise ValueError("pass either api_key or client_id and client_secret, not both")
        if api_key is None and (client_id is None or client_secret is None):
            raise ValueError("pass api_key, or client_id and client_secret")
        self.api_key = api_key
        self.client_id = client_id
        self.client_secret = client_secret
        self.endpoints = Endpoints(purpose)
        self.tokens = TokenCache()

    @property
    def oauth(self) -> bool:
        """Whether calls authenticate with client-credentials tokens rather than the key."""
        return self.api_key is None

    def token_call(self) -> Call[Token]:
        """The token request for the configured client credentials."""
        if self.client_id is None or self.client_secret is None:
            raise ValueError("no client credentials configured")
        return self.endpoints.token(self.client_id, self.client_secret)

    @staticmethod
    def request(
        http: httpx.Client | httpx.AsyncClient, call: Call[Any], bearer: str | None
    ) -> httpx.Request:
        """Builds the HTTP request of a call."""
        headers = {"Accept": "application/json, application/problem+json, text/csv"}
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        if call.purpose is not None:
            headers["X-Purpose"] = call.purpose
        if call.request_id is not None:
            headers["X-Request-Id"] = call.request_id
        return http.build_request(
            call.method,
            call.path,
            params=list(call.params) or None,
            json=call.json,
            data=call.form,
            headers=headers,
        )

    @staticmethod
    def finish(call: Call[T], response: httpx.Response) -> T:
        """Parses a success, or raises the error the response stands for."""
        if response.status_code not in call.ok:
            raise error_from_response(response)
        try:
            return call.parse(response)
        except (ValueError, TypeError, KeyError, ValidationError):
            raise CdpProtocolError(f"{call.method} {call.path}: unexpected response body") from None


def transport_error(error: httpx.TransportError) -> Exception:
    """The client's error for a failed exchange (the exception type only, no URL or body)."""
    return CdpTransportError(f"request failed: {type(error).__name__}")
