"""Typed results of the API, mirroring its JSON (unknown properties are ignored, not errors)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr


class Model(BaseModel):
    """Forward compatible: a property a newer server adds is ignored, not an error."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Reply(Model):
    """A whole response body; `request_id` is the server's X-Request-Id for the call."""

    _request_id: str | None = PrivateAttr(default=None)

    @property
    def request_id(self) -> str | None:
        """The request id the server echoed (yours when you passed one)."""
        return self._request_id


class Health(Reply):
    """Liveness or readiness; `checks` names what readiness looked at."""

    status: Literal["ok", "unavailable"]
    checks: dict[str, bool] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the server reported itself healthy (or ready)."""
        return self.status == "ok"


class Token(Reply):
    """An OAuth2 access token."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class FieldValue(Model):
    """One field of a governed read: clear, masked, or denied with a reason code."""

    access: Literal["clear", "masked", "denied"]
    value: str | None = None
    reason: str | None = None


class CustomerRecord(Reply):
    """A governed read of one customer."""

    customer_id: str
    purpose: str
    policy_version: str
    fields: dict[str, FieldValue]

    def value(self, name: str) -> str | None:
        """The field's value (clear or masked), or None when denied or absent."""
        found = self.fields.get(name)
        return None if found is None else found.value

    def names(self, access: Literal["clear", "masked", "denied"]) -> list[str]:
        """The names of the fields that came back with this access."""
        return [name for name, found in self.fields.items() if found.access == access]


class UpdateResult(Reply):
    """What a governed write changed (field names only)."""

    customer_id: str
    written: list[str]
    policy_version: str


class RecordError(Model):
    """Why one source record was refused (field name and reason, never the value)."""

    field: str | None = None
    reason: str


class RecordResult(Model):
    """One record's outcome by its 1-based position in the batch."""

    position: int
    status: Literal["accepted", "rejected"]
    errors: list[RecordError] = Field(default_factory=list)


class IngestResult(Reply):
    """Per-record results and the batch's counts."""

    summary: dict[str, int]
    results: list[RecordResult]

    @property
    def rejected(self) -> list[RecordResult]:
        """The records that were refused."""
        return [r for r in self.results if r.status == "rejected"]


class ConsentEventResult(Model):
    """One consent event's outcome: recorded, duplicate, rejected or conflict."""

    position: int
    event_id: str | None = None
    status: str
    field: str | None = None
    reason: str | None = None


class ConsentEventsResult(Reply):
    """Per-event results, in the order sent."""

    results: list[ConsentEventResult]


class ConsentState(Model):
    """One purpose's consent state."""

    purpose: str
    status: str
    notice_version: str | None = None
    valid_until: str | None = None
    event_id: str | None = None


class CustomerConsents(Reply):
    """Every purpose's consent state for one customer."""

    customer_id: str
    consents: list[ConsentState]

    def status(self, purpose: str) -> str | None:
        """The status for one purpose, or None when the customer has no state for it."""
        return next((c.status for c in self.consents if c.purpose == purpose), None)


class ConsentProof(Reply):
    """The proof of one customer's consent for one purpose."""

    customer_id: str
    purpose: str
    verdict: dict[str, Any]
    events: list[dict[str, Any]]
    notices: dict[str, dict[str, Any]]


class AuditEvent(Model):
    """One audit event (ids and names only, never a profile value)."""

    chain: int
    seq: int
    id: str
    at: str
    actor: str | None = None
    roles: list[str] = Field(default_factory=list)
    purpose: str | None = None
    action: str
    decision: str
    reason: str | None = None
    customer_ids: list[str] = Field(default_factory=list)
    record_count: int | None = None
    fields: dict[str, list[str]] = Field(default_factory=dict)
    consent: dict[str, Any] | None = None
    rules: list[str] = Field(default_factory=list)
    policy_version: str | None = None
    trace_id: str | None = None
    request_id: str | None = None
    channel: str | None = None
    source: str | None = None
    ticket_id: str | None = None


class RowProblem(Model):
    """An audit row that failed its MAC or index check (position only)."""

    chain: int
    seq: int
    problem: str


class AuditEventsPage(Reply):
    """One page of audit events; `next_cursor` is None on the last page."""

    events: list[AuditEvent]
    next_cursor: str | None = None
    problems: list[RowProblem] = Field(default_factory=list)


class AuditCsvPage(Reply):
    """One page of audit events as CSV text (header line first)."""

    text: str
    next_cursor: str | None = None


class AccessReport(Reply):
    """Who accessed one customer's data, which fields, for what purpose."""

    customer_id: str
    rows: list[dict[str, Any]]
    problems: list[RowProblem] = Field(default_factory=list)


class VerifyResult(Reply):
    """The audit chains' verification report."""

    intact: bool
    report: dict[str, Any]


class PolicyVersion(Reply):
    """The policy version in force."""

    policy_version: str


class KekStatus(Model):
    """One key-encryption key and how many data keys it still wraps."""

    version: int
    status: str
    data_keys: int


class KeyStatus(Reply):
    """KEK versions and rotation progress."""

    keks: list[KekStatus]


class ApiClientInfo(Reply):
    """A registered API client (never its key)."""

    client_id: str
    name: str
    roles: list[str]
    attributes: dict[str, str] = Field(default_factory=dict)
    disabled: bool
    created_at: str


class NewApiClient(ApiClientInfo):
    """A client just registered, with its API key (shown this once)."""

    api_key: str = Field(repr=False)


class ApiClients(Reply):
    """Every registered client."""

    clients: list[ApiClientInfo]
