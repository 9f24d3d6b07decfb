"""`CdpClient`: the blocking client (each method builds its `Call` in `_core` and sends it)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar, Unpack

import httpx

from cdp.client._core import DEFAULT_TIMEOUT, USER_AGENT, AuditFilters, Call, Core
from cdp.client._core import transport_error as _transport_error
from cdp.client.models import (
    AccessReport,
    ApiClientInfo,
    ApiClients,
    AuditCsvPage,
    AuditEvent,
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
    UpdateResult,
    VerifyResult,
)

T = TypeVar("T")


class CdpClient:
    """A blocking client of the privacy-cdp API.

    Authenticate with `api_key`, or with `client_id` and `client_secret` (OAuth2 client
    credentials: a token is fetched, cached, refreshed before it expires and once on a 401).
    `purpose` is the default X-Purpose of data calls; each call may override it.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        purpose: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._core = Core(
            api_key=api_key, client_id=client_id, client_secret=client_secret, purpose=purpose
        )
        self._api = self._core.endpoints
        self._token_lock = threading.Lock()
        self._http = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
        )

    # lifecycle
    def close(self) -> None:
        """Closes the connection pool."""
        self._http.close()

    def __enter__(self) -> CdpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # sending
    def _exchange(self, call: Call[Any], bearer: str | None) -> httpx.Response:
        request = self._core.request(self._http, call, bearer)
        try:
            return self._http.send(request)
        except httpx.TransportError as error:
            raise _transport_error(error) from None

    def _bearer(self) -> str:
        if self._core.api_key is not None:
            return self._core.api_key
        token = self._core.tokens.current()
        if token is not None:
            return token
        with self._token_lock:  # one token request at a time
            token = self._core.tokens.current()
            if token is None:
                call = self._core.token_call()
                issued = self._core.finish(call, self._exchange(call, None))
                token = self._core.tokens.store(issued)
            return token

    def _send(self, call: Call[T]) -> T:
        bearer = self._bearer() if call.auth else None
        response = self._exchange(call, bearer)
        if response.status_code == 401 and bearer is not None and self._core.oauth:
            self._core.tokens.invalidate(bearer)  # expired or revoked: one fresh token, once
            response.close()
            response = self._exchange(call, self._bearer())
        return self._core.finish(call, response)

    # health
    def health(self, *, request_id: str | None = None) -> Health:
        """Liveness (no authentication)."""
        return self._send(self._api.health(request_id))

    def ready(self, *, request_id: str | None = None) -> Health:
        """Readiness: database, keys and policy; `status` is "unavailable" when not ready."""
        return self._send(self._api.ready(request_id))

    # profiles
    def read_customer(
        self,
        customer_id: str,
        *,
        purpose: str | None = None,
        fields: Iterable[str] | None = None,
        request_id: str | None = None,
    ) -> CustomerRecord:
        """A governed read; each field comes back clear, masked or denied."""
        return self._send(self._api.read_customer(customer_id, purpose, fields, request_id))

    def search(
        self, field: str, value: str, *, purpose: str | None = None, request_id: str | None = None
    ) -> list[str]:
        """Customer ids whose `field` (id_number, mobile, email, card_no) equals `value`."""
        return self._send(self._api.search(field, value, purpose, request_id))

    def update_customer(
        self,
        customer_id: str,
        fields: Mapping[str, str],
        *,
        purpose: str | None = None,
        request_id: str | None = None,
    ) -> UpdateResult:
        """Writes the fields (all or none)."""
        return self._send(self._api.update_customer(customer_id, fields, purpose, request_id))

    def ingest(
        self,
        source: str,
        records: Sequence[Mapping[str, str]],
        *,
        purpose: str | None = None,
        request_id: str | None = None,
    ) -> IngestResult:
        """Ingests source records; each result says accepted or rejected (field and reason)."""
        return self._send(self._api.ingest(source, records, purpose, request_id))

    # consent
    def record_consent_events(
        self, events: Sequence[Mapping[str, Any]], *, request_id: str | None = None
    ) -> ConsentEventsResult:
        """Records consent events; a replayed event id comes back `duplicate`."""
        return self._send(self._api.record_consent_events(events, request_id))

    def consents(
        self, customer_id: str, *, purpose: str | None = None, request_id: str | None = None
    ) -> CustomerConsents:
        """The customer's consent state for every purpose."""
        return self._send(self._api.consents(customer_id, purpose, request_id))

    def consent_proof(
        self,
        customer_id: str,
        purpose_code: str,
        *,
        purpose: str | None = None,
        request_id: str | None = None,
    ) -> ConsentProof:
        """The proof of the customer's consent for `purpose_code`."""
        call = self._api.consent_proof(customer_id, purpose_code, purpose, request_id)
        return self._send(call)

    # audit
    def audit_events(
        self, *, request_id: str | None = None, **filters: Unpack[AuditFilters]
    ) -> AuditEventsPage:
        """One page of audit events; pass `next_cursor` back as `cursor` for the next."""
        return self._send(self._api.audit_events(filters, request_id))

    def audit_events_csv(
        self, *, request_id: str | None = None, **filters: Unpack[AuditFilters]
    ) -> AuditCsvPage:
        """One page of audit events as CSV."""
        return self._send(self._api.audit_events_csv(filters, request_id))

    def iter_audit_events(
        self, *, request_id: str | None = None, **filters: Unpack[AuditFilters]
    ) -> Iterator[AuditEvent]:
        """Every matching audit event, following the cursors page by page."""
        while True:
            page = self.audit_events(request_id=request_id, **filters)
            yield from page.events
            if not page.next_cursor:
                return
            filters["cursor"] = page.next_cursor

    def access_report(
        self,
        customer_id: str,
        *,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        request_id: str | None = None,
    ) -> AccessReport:
        """Who accessed the customer's data, which fields, for what purpose."""
        return self._send(self._api.access_report(customer_id, since, until, request_id))

    def verify_audit(self, *, request_id: str | None = None) -> VerifyResult:
        """Verifies every audit chain."""
        return self._send(self._api.verify_audit(request_id))

    # admin
    def reload_policy(self, *, request_id: str | None = None) -> PolicyVersion:
        """Re-reads the policy files (all or nothing)."""
        return self._send(self._api.reload_policy(request_id))

    def key_status(self, *, request_id: str | None = None) -> KeyStatus:
        """KEK versions and the data keys each still wraps."""
        return self._send(self._api.key_status(request_id))

    def list_clients(self, *, request_id: str | None = None) -> ApiClients:
        """Registered API clients (never their keys)."""
        return self._send(self._api.list_clients(request_id))

    def add_client(
        self,
        name: str,
        roles: Sequence[str],
        *,
        branches: Sequence[str] = (),
        request_id: str | None = None,
    ) -> NewApiClient:
        """Registers a client; its `api_key` is returned this once."""
        return self._send(self._api.add_client(name, roles, branches, request_id))

    def disable_client(self, client_id: str, *, request_id: str | None = None) -> ApiClientInfo:
        """Disables a client; its keys and tokens stop working within the server's cache TTL."""
        return self._send(self._api.disable_client(client_id, request_id))
