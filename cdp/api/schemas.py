"""Request and response bodies: explicit schemas, never ORM rows, never more than policy allows."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CUSTOMER_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
FIELD_NAME = r"^[a-z][a-z0-9_]{0,63}$"
SHORT_TEXT = 2048


class Strict(BaseModel):
    """Unknown properties are an error, so a misspelt field is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class FieldOut(BaseModel):
    """One field of a governed read: its access and, unless denied, its (possibly masked) value."""

    access: Literal["clear", "masked", "denied"]
    value: str | None = None
    reason: str | None = Field(default=None, description="Why a field was denied (a code).")


class CustomerOut(BaseModel):
    """A governed read of one customer."""

    customer_id: str
    purpose: str
    policy_version: str
    fields: dict[str, FieldOut]


class SearchIn(Strict):
    """An exact-match look-up through a blind index."""

    field: Literal["id_number", "mobile", "email", "card_no"]
    value: str = Field(min_length=1, max_length=256)


class SearchOut(BaseModel):
    """Customer ids only: a search never returns profile values."""

    customer_ids: list[str]


class PatchIn(Strict):
    """Field updates; all are written or none."""

    fields: dict[str, str] = Field(min_length=1, max_length=64)


class PatchOut(BaseModel):
    """What a governed write changed (names only)."""

    customer_id: str
    written: list[str]
    policy_version: str


class RecordsIn(Strict):
    """A batch of source records, each `{source_key, observed_at, <field>: <value>, ...}`."""

    records: list[dict[str, str]] = Field(min_length=1)


class RecordError(BaseModel):
    """Why one record was refused (field name and reason, never the value)."""

    field: str | None
    reason: str


class RecordResult(BaseModel):
    """One record's outcome, by its 1-based position in the batch."""

    position: int = Field(description="1-based position of the record in the batch.")
    status: Literal["accepted", "rejected"]
    errors: list[RecordError] = Field(default_factory=list)


class RecordsOut(BaseModel):
    """Per-record results and the batch's counts."""

    summary: dict[str, int]
    results: list[RecordResult]


class ConsentEventIn(BaseModel):
    """One consent event in the wire shape; each field is checked by the ledger, per event, so
    one bad event is rejected by position while the others are recorded."""

    model_config = ConfigDict(extra="allow")

    event_id: Any = Field(default=None, description="The channel's id; replays are idempotent.")
    customer: Any = Field(
        default=None,
        description='One of {"customer_id": ...}, {"id_number": ...}, {"mobile": ...}.',
    )
    purpose: Any = Field(default=None, description="P01-P15.")
    action: Any = Field(default=None, description="grant, withdraw or refuse.")
    consent_type: Any = Field(default=None, description="consent, separate, written, guardian.")
    notice_version: Any = Field(default=None, description="<purpose>-v<N>, e.g. P05-v1.")
    channel: Any = Field(
        default=None, description="app, web, branch, call_center, sms, wechat, ivr or paper."
    )
    actor: Any = Field(
        default=None,
        description='{"kind": "subject"}, {"kind": "guardian", ...} or {"kind": "staff", ...}.',
    )
    occurred_at: Any = Field(default=None, description="ISO 8601 instant with an offset.")
    evidence: Any = Field(default=None, description="e.g. signature_sha256, recording_id.")
    expires_at: Any = Field(default=None, description="Optional end of validity.")
    scope: Any = Field(default=None)
    recipient: Any = Field(default=None, description="The recipient (P08, P10).")


class ConsentEventsIn(Strict):
    """A batch of consent events in the documented wire shape (see the README)."""

    events: list[ConsentEventIn] = Field(min_length=1)


class ConsentEventResult(BaseModel):
    """One event's outcome: recorded, duplicate (a replay), or rejected/conflict with a reason."""

    position: int = Field(description="1-based position of the event in the batch.")
    event_id: str | None
    status: str
    field: str | None = None
    reason: str | None = None


class ConsentEventsOut(BaseModel):
    """Per-event results, in the order given."""

    results: list[ConsentEventResult]


class ConsentStateOut(BaseModel):
    """One purpose's consent state (projection), no profile values."""

    purpose: str
    status: str
    notice_version: str | None = None
    valid_until: str | None = None
    event_id: str | None = None


class ConsentsOut(BaseModel):
    """Every purpose's consent state for one customer."""

    customer_id: str
    consents: list[ConsentStateOut]


class ProofOut(BaseModel):
    """The regulator-facing proof of one customer's consent for one purpose."""

    customer_id: str
    purpose: str
    verdict: dict[str, Any]
    events: list[dict[str, Any]]
    notices: dict[str, dict[str, Any]]


class AuditEventsOut(BaseModel):
    """One page of audit events; pass `next_cursor` as `cursor` for the next page."""

    events: list[dict[str, Any]]
    next_cursor: str | None = None
    problems: list[dict[str, Any]] = Field(
        default_factory=list, description="Rows that failed their MAC or index check (positions)."
    )


class AccessReportOut(BaseModel):
    """Who accessed one customer's data, which fields and for what purpose."""

    customer_id: str
    rows: list[dict[str, Any]]
    problems: list[dict[str, Any]] = Field(default_factory=list)


class VerifyOut(BaseModel):
    """The chains' verification report."""

    intact: bool
    report: dict[str, Any]


class PolicyOut(BaseModel):
    """The policy version in force."""

    policy_version: str


class KeyStatusOut(BaseModel):
    """KEK versions and how many data keys each still wraps."""

    keks: list[dict[str, Any]]


class ClientIn(Strict):
    """A client to register."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    roles: list[str] = Field(min_length=1, max_length=16)
    branches: list[str] = Field(default_factory=list, max_length=200)


class ClientOut(BaseModel):
    """A registered client (never its key or the key's hash)."""

    client_id: str
    name: str
    roles: list[str]
    attributes: dict[str, str]
    disabled: bool
    created_at: str


class ClientCreatedOut(ClientOut):
    """The new client and its key, shown this once and never stored in clear."""

    api_key: str


class ClientsOut(BaseModel):
    """Every registered client."""

    clients: list[ClientOut]


class TokenOut(BaseModel):
    """An OAuth2 access token (RFC 6749 §5.1)."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class Health(BaseModel):
    """Liveness or readiness."""

    status: Literal["ok", "unavailable"]
    checks: dict[str, bool] = Field(default_factory=dict)


SEGMENT_NAME = r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$"


class SegmentIn(Strict):
    """A segment definition: a new version when the name exists (docs/rules.md)."""

    name: str = Field(pattern=SEGMENT_NAME, description="Letters, digits, _ . - (1-100).")
    rule: dict[str, Any] = Field(description="A rule document over the whitelisted attributes.")


class SegmentOut(BaseModel):
    """One stored version of a segment and its publication."""

    name: str
    version: int
    rule: dict[str, Any]
    attributes: list[str]
    uses_sensitive: bool
    created_by: str
    created_at: str
    pia_id: str | None = None
    published_at: str | None = None


class SegmentSummaryOut(BaseModel):
    """A segment with its latest version."""

    name: str
    latest_version: int
    uses_sensitive: bool
    published: bool
    created_at: str


class SegmentListOut(BaseModel):
    segments: list[SegmentSummaryOut]


class PublishIn(Strict):
    """Publication of a version; sensitive segments need a PIA id (PIPL Art 55)."""

    pia_id: str | None = Field(
        default=None, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$"
    )
    version: int | None = Field(default=None, ge=1, le=1_000_000)


class RunIn(Strict):
    """Run options; the purpose is the X-Purpose header (P05, P06 or P07)."""

    version: int | None = Field(default=None, ge=1, le=1_000_000)
    include_minors: bool = False
    k: int | None = Field(
        default=None, ge=1, le=1_000_000, description="At least the configured k."
    )


class RunOut(BaseModel):
    """A run's report: k-suppressed counts, never a pseudonym or a customer id."""

    run_id: str
    segment: str
    version: int
    purpose: str
    at: str
    k: int
    size: int | None
    suppressed: bool
    include_minors: bool
    breakdowns: dict[str, dict[str, int | None]]
    audience_domain: str


class CampaignResponseIn(Strict):
    """One response a channel reports for a recipient (a marketing-domain pseudonym)."""

    response_id: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$",
        description="The channel's id for this response: replays are duplicates.",
    )
    pseudonym: str = Field(pattern=r"^[0-9a-f]{32}$")
    kind: Literal["delivered", "opened", "converted", "opted_out"]
    at: str | None = Field(default=None, max_length=64, description="ISO 8601 with an offset.")


class CampaignResponsesIn(Strict):
    """A batch of responses; `opted_out` withdraws the campaign's consent."""

    responses: list[CampaignResponseIn] = Field(min_length=1)


class CampaignResponseResult(BaseModel):
    position: int = Field(description="1-based position in the batch.")
    response_id: str | None
    status: str = Field(description="recorded, duplicate or rejected.")
    reason: str | None = None


class CampaignResponsesOut(BaseModel):
    results: list[CampaignResponseResult]
