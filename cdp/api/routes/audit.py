"""Audit trail for compliance officers: events (filtered, paged, JSON or CSV), reports, verify."""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from audit.report import log_document
from audit.tags import AuditTag, Decision
from cdp.api.deps import Authenticated, State, authorise, refuse
from cdp.api.problems import ApiError, documented, problem
from cdp.api.schemas import CUSTOMER_ID, AccessReportOut, AuditEventsOut, VerifyOut
from cdp.auditing.export import EVENT_COLUMNS, flat_cells
from cdp.auditing.query import AuditFilter, Hit, QueryInvalid, RowProblem, find_events
from cdp.auditing.reports import event_document, json_ready, who_accessed
from cdp.auditing.verifying import trusted_start, verify_log
from cdp.timezones import CHINA_STANDARD_TIME

router = APIRouter(prefix="/v1/audit", tags=["audit"])
RESOURCE = "audit.events"
Instant = Annotated[
    datetime | None,
    Query(description="ISO 8601 instant; naive means China Standard Time."),
]
Name = Annotated[str | None, Query(max_length=128, pattern=r"^[A-Za-z0-9:._*,|@-]+$")]


@router.get(
    "/events",
    name="audit_events",
    response_model=AuditEventsOut,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        **documented(401, 403, 422, 503),
    },
    summary="Find audit events (JSON pages or CSV)",
)
def audit_events(
    request: Request,
    state: State,
    caller: Authenticated,
    customer: Annotated[str | None, Query(pattern=CUSTOMER_ID)] = None,
    actor: Name = None,
    role: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z][a-z0-9_]*$")] = None,
    purpose: Annotated[str | None, Query(pattern=r"^P\d{2}$")] = None,
    action: Name = None,
    decision: Literal["allow", "deny", "error"] | None = None,
    since: Instant = None,
    until: Instant = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    format: Literal["json", "csv"] = "json",
) -> Any:
    """Every matching event, verified against its MAC; paged in (time, chain, seq) order."""
    authorise(request, state, caller, RESOURCE, "read")
    try:
        flt = AuditFilter(
            customer=customer,
            actor=actor,
            role=role,
            purpose=purpose,
            action=action,
            decision=decision,
            since=_aware(since),
            until=_aware(until),
            limit=limit,
            after=_cursor(cursor),
        )
    except (QueryInvalid, ValueError) as invalid:
        raise refuse(request, state, _invalid(invalid), decision=Decision.ERROR) from None
    events, problems, last = _page(state, caller, flt, customer)
    next_cursor = _encode(last) if last is not None and len(events) == limit else None
    if format == "csv":
        return _csv(events, next_cursor, problems)
    return AuditEventsOut(events=events, next_cursor=next_cursor, problems=problems)


def _page(
    state: State, caller: Authenticated, flt: AuditFilter, customer: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Hit | None]:
    """Audits the query, then reads one page, in one transaction (no record, no answer)."""
    platform = state.platform
    events: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    last: Hit | None = None
    with caller.acting(), platform.engine.begin() as conn:
        platform.recorder.record(
            conn,
            AuditTag.AUDIT_QUERY,
            Decision.ALLOW,
            roles=caller.roles,
            customer_ids=(customer,) if customer else (),
            reason="query",
        )
        for row in find_events(conn, platform.audit.key, flt):
            if isinstance(row, RowProblem):
                problems.append({"chain": row.chain, "seq": row.seq, "problem": row.problem.name})
                continue
            events.append(event_document(row))
            last = row
    return events, problems, last


@router.get(
    "/customers/{customer_id}/access-report",
    name="access_report",
    response_model=AccessReportOut,
    responses=documented(401, 403, 422, 503),
    summary="Who accessed one customer's data",
)
def access_report(
    request: Request,
    state: State,
    caller: Authenticated,
    customer_id: Annotated[str, Path(pattern=CUSTOMER_ID)],
    since: Instant = None,
    until: Instant = None,
) -> AccessReportOut:
    """Per actor, roles, purpose, action and decision: when, how often and which fields."""
    authorise(request, state, caller, RESOURCE, "read", customer_ids=(customer_id,))
    try:
        window = AuditFilter(since=_aware(since), until=_aware(until))
    except (QueryInvalid, ValueError) as invalid:
        raise refuse(request, state, _invalid(invalid), decision=Decision.ERROR) from None
    platform = state.platform
    with caller.acting(), platform.engine.begin() as conn:
        platform.recorder.record(
            conn,
            AuditTag.AUDIT_QUERY,
            Decision.ALLOW,
            roles=caller.roles,
            customer_ids=(customer_id,),
            reason="who-accessed",
        )
        report = who_accessed(
            conn, platform.audit.key, customer_id, since=window.since, until=window.until
        )
    return AccessReportOut(
        customer_id=customer_id,
        rows=[json_ready(row) for row in report.rows],
        problems=[
            {"chain": p.chain, "seq": p.seq, "problem": p.problem.name} for p in report.problems
        ],
    )


@router.post(
    "/verify",
    name="verify_audit",
    response_model=VerifyOut,
    responses=documented(401, 403, 503),
    summary="Verify every audit chain from the last trusted checkpoint",
)
def verify_audit(request: Request, state: State, caller: Authenticated) -> VerifyOut:
    """Walks the chains; `intact` is false with the first broken link of each broken chain."""
    authorise(request, state, caller, RESOURCE, "read")
    platform = state.platform
    key = platform.audit.key
    with platform.engine.connect() as conn:
        start = trusted_start(conn, key)
        report = verify_log(conn, key, platform.settings.audit_chains, start)
    broken = [str(chain.chain) for chain in report.chains if not chain.intact]
    with caller.acting():
        state.audit(
            AuditTag.AUDIT_VERIFY,
            Decision.ALLOW if report.intact else Decision.ERROR,
            roles=caller.roles,
            record_count=report.checked,
            reason=None if report.intact else "broken_chains:" + ",".join(broken),
        )
    return VerifyOut(intact=report.intact, report=dict(log_document(report)))


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=CHINA_STANDARD_TIME)


def _invalid(error: Exception) -> ApiError:
    return problem(422, "query_invalid", str(error).split(":", 1)[0] + ": invalid")


def _encode(hit: Hit) -> str:
    raw = json.dumps([hit.event.occurred_at.isoformat(), hit.chain, hit.seq]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor(text: str | None) -> tuple[datetime, int, int] | None:
    """Decodes a page cursor; anything malformed is a ValueError (422)."""
    if text is None:
        return None
    try:
        at, chain, seq = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        moment = datetime.fromisoformat(at)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as bad:
        raise ValueError("cursor: malformed") from bad
    if not isinstance(chain, int) or not isinstance(seq, int) or moment.tzinfo is None:
        raise ValueError("cursor: malformed")
    return moment, chain, seq


def _csv(
    events: list[dict[str, Any]], next_cursor: str | None, problems: list[dict[str, Any]]
) -> Response:
    """CSV rows; rows that failed their checks are named (chain:seq) in X-Audit-Problems."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, EVENT_COLUMNS, restval="", extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for doc in events:
        writer.writerow(flat_cells(doc))
    headers = {"X-Next-Cursor": next_cursor} if next_cursor else {}
    if problems:
        headers["X-Audit-Problems"] = ",".join(f"{p['chain']}:{p['seq']}" for p in problems)
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
