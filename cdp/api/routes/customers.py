"""Profiles: governed read, search by blind index, governed write, source-record ingest."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from audit.tags import Decision
from cdp.api.deps import (
    Authenticated,
    Purpose,
    State,
    bearer_secret,
    caller_of,
    purpose_of,
    refuse,
    state_of,
)
from cdp.api.outcomes import DOMAIN_ERRORS, failed
from cdp.api.problems import ApiError, documented, problem
from cdp.api.schemas import (
    CUSTOMER_ID,
    FIELD_NAME,
    CustomerOut,
    PatchIn,
    PatchOut,
    RecordError,
    RecordResult,
    RecordsIn,
    RecordsOut,
    SearchIn,
    SearchOut,
)
from cdp.governed.errors import AccessDenied
from cdp.governed.read import FieldValue
from cdp.profiles.records import RowError, safe_field_label
from governance.decision import Access, Action

router = APIRouter(prefix="/v1", tags=["profiles"])
_FIELD = re.compile(FIELD_NAME)
_SOURCE = r"^[a-z][a-z0-9_]{0,63}$"
CustomerId = Annotated[str, Path(pattern=CUSTOMER_ID, description="A customer id (UUIDv7).")]
_CUSTOMER_ID = re.compile(CUSTOMER_ID)
MAX_FIELDS_PARAM = 4096
ENVELOPE = frozenset({"source_key", "observed_at"})
_ERROR = Decision.ERROR


def _wanted(request: Request, state: State, fields: str | None) -> list[str] | None:
    """Parses `fields=a,b`; wildcards and path-like names are refused (422) and audited."""
    if fields is None:
        return None
    names = [name.strip() for name in fields.split(",") if name.strip()]
    if not names or len(names) > 64 or not all(_FIELD.fullmatch(name) for name in names):
        error = problem(422, "invalid_field_names", "fields: comma-separated catalogue names")
        raise refuse(request, state, error, decision=_ERROR)
    return list(dict.fromkeys(names))


def _refused(request: Request, state: State, error: Exception, customer_id: str) -> ApiError:
    """Maps a governed-path failure; failures the path itself did not audit are audited here."""
    mapped = failed(error)
    if not isinstance(error, AccessDenied):
        ids = (customer_id,) if customer_id else ()
        refuse(request, state, mapped, decision=_ERROR, customer_ids=ids)
    return mapped


# The hot route parses its three inputs itself: FastAPI's per-request dependency and parameter
# solving costs as much as the governed decision. The document below declares them as FastAPI
# would; tests/api/test_openapi_doc.py and the schemathesis suite hold the two to each other.
READ_PARAMETERS = {
    "security": [{"HTTPBearer": []}],
    "parameters": [
        {
            "name": "customer_id",
            "in": "path",
            "required": True,
            "description": "A customer id (UUIDv7).",
            "schema": {"type": "string", "pattern": CUSTOMER_ID, "title": "Customer Id"},
        },
        {
            "name": "fields",
            "in": "query",
            "required": False,
            "description": "Comma-separated field names (default: all).",
            "schema": {"type": "string", "maxLength": MAX_FIELDS_PARAM, "title": "Fields"},
        },
        {
            "name": "x-purpose",
            "in": "header",
            "required": False,
            "description": "The purpose of this call, a catalogue code P01-P15.",
            "schema": {"type": "string", "title": "X-Purpose"},
            "examples": {"P01": {"value": "P01"}},
        },
    ],
}


@router.get(
    "/customers/{customer_id}",
    name="read_customer",
    response_model=CustomerOut,
    responses=documented(400, 401, 403, 404, 410, 422, 503),
    summary="Read one customer for a declared purpose",
    openapi_extra=READ_PARAMETERS,
)
async def read_customer(request: Request) -> JSONResponse:
    """Each field comes back clear, masked or denied, as the policy and consent decide.

    Runs on the event loop: the read is short and CPU-bound, and a thread hop would cost more.
    """
    state = state_of(request)
    caller = await caller_of(request, bearer_secret(request))
    purpose = await purpose_of(request, request.headers.get("x-purpose"))
    customer_id = request.path_params["customer_id"]
    fields = request.query_params.get("fields")
    if not _CUSTOMER_ID.fullmatch(customer_id) or len(fields or "") > MAX_FIELDS_PARAM:
        error = problem(
            422, "request_invalid", errors=(("customer_id", "string_pattern_mismatch"),)
        )
        raise refuse(request, state, error, decision=_ERROR)
    wanted = _wanted(request, state, fields)
    platform = state.platform
    outcome: Exception | None = None
    with caller.acting(), platform.engine.begin() as conn:
        try:  # a refusal commits the audit record the read path wrote, then answers
            result = platform.reader.read(conn, caller.principal, purpose, customer_id, wanted)
        except DOMAIN_ERRORS as error:
            outcome = error
    if outcome is not None:
        with caller.acting():
            raise _refused(request, state, outcome, customer_id)
    # the documented CustomerOut shape, built directly (re-validating our own output costs more
    # than the policy decision)
    return JSONResponse(
        {
            "customer_id": result.customer_id,
            "purpose": result.purpose,
            "policy_version": result.policy_version,
            "fields": {name: _field(value) for name, value in result.fields.items()},
        }
    )


def _invalid_read(customer_id: str, fields: str | None) -> tuple[tuple[str, str], ...]:
    """The (location, error type) pairs FastAPI would report for the read's parameters."""
    found = []
    if not _CUSTOMER_ID.fullmatch(customer_id):
        found.append(("path.customer_id", "string_pattern_mismatch"))
    if fields is not None and len(fields) > MAX_FIELDS_PARAM:
        found.append(("query.fields", "string_too_long"))
    return tuple(found)


def _field(value: FieldValue) -> dict[str, str | None]:
    """One field as FieldOut: its access, and its value or (when denied) the reason."""
    if value.access is Access.DENIED:
        return {"access": "denied", "value": None, "reason": value.reason}
    return {"access": value.access.value, "value": value.value, "reason": None}


@router.post(
    "/customers:search",
    name="search_customers",
    response_model=SearchOut,
    responses=documented(400, 401, 403, 422, 503),
    summary="Find customer ids by exact identifier",
)
def search_customers(
    request: Request, state: State, caller: Authenticated, purpose: Purpose, body: SearchIn
) -> SearchOut:
    """Exact match through the field's blind index; returns ids only, audited either way."""
    platform = state.platform
    outcome: Exception | None = None
    ids: list[str] = []
    with caller.acting(), platform.engine.begin() as conn:
        try:
            ids = platform.searcher.search(conn, caller.principal, purpose, body.field, body.value)
        except DOMAIN_ERRORS as error:
            outcome = error
    if outcome is not None:
        raise failed(outcome)  # the search path audited it
    return SearchOut(customer_ids=ids)


@router.patch(
    "/customers/{customer_id}",
    name="write_customer",
    response_model=PatchOut,
    responses=documented(400, 401, 403, 404, 410, 422, 503),
    summary="Update fields the caller may write",
)
def write_customer(
    request: Request,
    state: State,
    caller: Authenticated,
    purpose: Purpose,
    customer_id: CustomerId,
    body: PatchIn,
) -> PatchOut:
    """All named fields are written or none; each needs write permission for the purpose."""
    if not all(_FIELD.fullmatch(name) for name in body.fields):
        error = problem(422, "invalid_field_names", "fields: catalogue names only")
        raise refuse(request, state, error, decision=_ERROR, customer_ids=(customer_id,))
    platform = state.platform
    outcome: Exception | None = None
    with caller.acting(), platform.engine.begin() as conn:
        try:
            result = platform.writer.write(
                conn, caller.principal, purpose, customer_id, body.fields
            )
        except DOMAIN_ERRORS as error:
            outcome = error
    if outcome is not None:
        raise failed(outcome)  # the write path audited it
    return PatchOut(
        customer_id=result.customer_id,
        written=list(result.fields),
        policy_version=result.policy_version,
    )


@router.post(
    "/sources/{source}/records",
    name="ingest_records",
    response_model=RecordsOut,
    responses=documented(400, 401, 403, 404, 413, 422, 503),
    summary="Ingest a batch of source records",
)
def ingest_records(
    request: Request,
    state: State,
    caller: Authenticated,
    purpose: Purpose,
    source: Annotated[str, Path(pattern=_SOURCE, description="A source system name.")],
    body: RecordsIn,
) -> RecordsOut:
    """Valid records are applied in one transaction; each invalid one is reported, not lost."""
    platform = state.platform
    if len(body.records) > platform.settings.api_max_batch:
        error = problem(413, "batch_too_large", f"at most {platform.settings.api_max_batch}")
        raise refuse(request, state, error)
    with caller.acting():
        _authorise_ingest(request, state, caller, purpose, body)
        try:
            summary = platform.ingestor().ingest_records(source, body.records)
        except DOMAIN_ERRORS as error:
            raise _refused(request, state, error, "") from None
    return RecordsOut(
        summary=summary.as_counts(), results=_results(len(body.records), summary.errors)
    )


def _authorise_ingest(
    request: Request, state: State, caller: Authenticated, purpose: str, body: RecordsIn
) -> None:
    """Every catalogue field in the batch needs write permission; unknown names fail per record."""
    catalogue = state.platform.catalogue.names
    named = {name for record in body.records for name in record} - ENVELOPE
    fields = sorted(named.intersection(catalogue))
    # a batch naming no catalogue field still needs write permission on something
    asked = fields or list(catalogue)
    decision = state.platform.policy.decide(caller.principal, purpose, asked, Action.WRITE)
    refused = decision.fields_with(Access.DENIED)
    reason: str | None = None
    if decision.denied:
        reason = str(decision.reason or "denied")
    elif fields and refused:
        reason = "field_write_denied"
    elif not fields and len(refused) == len(asked):
        reason, refused = "write_denied", ()
    if reason is not None:
        status = 400 if reason == "unknown_purpose" else 403
        error = problem(status, reason, fields=tuple(safe_field_label(f) for f in refused))
        raise refuse(request, state, error)


def _results(count: int, errors: list[RowError]) -> list[RecordResult]:
    """One result per record, in order; rejected ones carry their field and reason."""
    by_row: dict[int, list[RecordError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(RecordError(field=error.field, reason=error.reason))
    return [
        RecordResult(
            position=i,
            status="rejected" if i in by_row else "accepted",
            errors=by_row.get(i, []),
        )
        for i in range(1, count + 1)
    ]
