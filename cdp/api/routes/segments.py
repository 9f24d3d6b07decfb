"""Segments for the marketing analyst (create, list, show, publish, run) and campaign responses
from the channel systems. Definitions and reports only: never a customer id or a pseudonym out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from cdp.api.deps import Authenticated, Purpose, State, authorise, refuse
from cdp.api.problems import ApiError, documented, problem
from cdp.api.schemas import (
    SEGMENT_NAME,
    CampaignResponseResult,
    CampaignResponsesIn,
    CampaignResponsesOut,
    PublishIn,
    RunIn,
    RunOut,
    SegmentIn,
    SegmentListOut,
    SegmentOut,
    SegmentSummaryOut,
)
from cdp.campaigns.service import CampaignDenied, CampaignError
from cdp.campaigns.service import build_service as build_campaigns
from cdp.rules import RuleInvalid
from cdp.segments.service import (
    PiaRequired,
    SegmentDenied,
    SegmentError,
    SegmentNotFound,
    SegmentService,
    SegmentVersion,
)
from cdp.segments.service import build_service as build_segments
from governance.decision import Access, Action

router = APIRouter(prefix="/v1", tags=["segments"])
Name = Annotated[str, Path(pattern=SEGMENT_NAME, description="A segment name.")]
CampaignId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="A campaign id.")]
CONSENT_RESOURCE = "consent.records"


def _service(state: State) -> SegmentService:
    """Built per request: segments.yaml and the current policy of the platform."""
    return build_segments(state.platform)


def _analyst(request: Request, state: State, caller: Authenticated, svc: SegmentService) -> None:
    """Requires the policy to let the caller segment for at least one run purpose."""
    fields = svc.config.fields_of(frozenset({"age_band"})) or ("birth_date",)
    policy = state.platform.policy
    for purpose in svc.config.purposes:
        decision = policy.decide(caller.principal, purpose, list(fields), Action.SEGMENT)
        if not decision.denied and all(
            d.access is not Access.DENIED for d in decision.fields.values()
        ):
            return
    raise refuse(request, state, problem(403, "resource_denied"))


def _error(exc: Exception) -> ApiError:
    if isinstance(exc, RuleInvalid):
        return problem(422, "rule_invalid", errors=((f"rule.{exc.path}".rstrip("."), exc.reason),))
    if isinstance(exc, SegmentNotFound):
        return problem(404, exc.code)
    if isinstance(exc, SegmentDenied | CampaignDenied):
        return problem(403, exc.code)
    if isinstance(exc, PiaRequired):
        return problem(409, exc.code, "publish the version with a PIA id first")
    return problem(422, getattr(exc, "code", "invalid"), str(exc)[:200])


def _stamp(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _out(found: SegmentVersion) -> SegmentOut:
    return SegmentOut(
        name=found.name,
        version=found.version,
        rule=found.rule,
        attributes=list(found.attributes),
        uses_sensitive=found.uses_sensitive,
        created_by=found.created_by,
        created_at=found.created_at.isoformat(),
        pia_id=found.pia_id,
        published_at=_stamp(found.published_at),
    )


def _call(state: State, caller: Authenticated, work: Any) -> Any:
    """Runs `work(conn)` in one transaction that commits even when the service refuses (its
    denial audit event must stay), then raises the refusal as a problem."""
    failure: Exception | None = None
    try:
        with caller.acting(), state.platform.engine.begin() as conn:
            try:
                result = work(conn)
            except (RuleInvalid, SegmentError, CampaignError) as exc:
                if getattr(exc, "rolls_back", False):
                    raise  # out of the transaction: nothing of the call is kept
                failure = exc
    except CampaignError as exc:
        failure = exc
    if failure is not None:
        raise _error(failure)
    return result


@router.post(
    "/segments",
    name="create_segment",
    status_code=201,
    response_model=SegmentOut,
    responses=documented(401, 403, 422, 503),
    summary="Store a segment (a new version when the name exists)",
)
def create_segment(
    request: Request, state: State, caller: Authenticated, body: SegmentIn
) -> SegmentOut:
    """Validates the rule against the attribute whitelist; audited (`segment:create`)."""
    svc = _service(state)
    _analyst(request, state, caller, svc)
    found = _call(
        state, caller, lambda conn: svc.create(conn, caller.principal, body.name, body.rule)
    )
    return _out(found)


@router.get(
    "/segments",
    name="list_segments",
    response_model=SegmentListOut,
    responses=documented(401, 403, 503),
    summary="Every segment with its latest version",
)
def list_segments(request: Request, state: State, caller: Authenticated) -> SegmentListOut:
    """Definitions only (names, versions, publication)."""
    svc = _service(state)
    _analyst(request, state, caller, svc)
    found = _call(state, caller, lambda conn: svc.list(conn))
    return SegmentListOut(
        segments=[
            SegmentSummaryOut(
                name=s.name,
                latest_version=s.latest_version,
                uses_sensitive=s.uses_sensitive,
                published=s.published,
                created_at=s.created_at.isoformat(),
            )
            for s in found
        ]
    )


@router.get(
    "/segments/{name}",
    name="show_segment",
    response_model=SegmentOut,
    responses=documented(401, 403, 404, 422, 503),
    summary="One version of a segment (the latest by default)",
)
def show_segment(
    request: Request,
    state: State,
    caller: Authenticated,
    name: Name,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> SegmentOut:
    """The stored rule, its attributes and publication."""
    svc = _service(state)
    _analyst(request, state, caller, svc)
    return _out(_call(state, caller, lambda conn: svc.show(conn, name, version)))


@router.post(
    "/segments/{name}:publish",
    name="publish_segment",
    response_model=SegmentOut,
    responses=documented(401, 403, 404, 409, 422, 503),
    summary="Publish a version for marketing (sensitive ones need a PIA id)",
)
def publish_segment(
    request: Request, state: State, caller: Authenticated, name: Name, body: PublishIn
) -> SegmentOut:
    """Audited (`segment:publish`); a sensitive segment without a PIA id is a 409."""
    svc = _service(state)
    _analyst(request, state, caller, svc)
    found = _call(
        state,
        caller,
        lambda conn: svc.publish(conn, caller.principal, name, body.pia_id, body.version),
    )
    return _out(found)


@router.post(
    "/segments/{name}:run",
    name="run_segment",
    response_model=RunOut,
    responses=documented(400, 401, 403, 404, 409, 422, 503),
    summary="Run a segment for the X-Purpose (P05, P06 or P07)",
)
def run_segment(
    request: Request,
    state: State,
    caller: Authenticated,
    purpose: Purpose,
    name: Name,
    body: RunIn,
) -> RunOut:
    """Consent checked at run time; the audience is stored as marketing pseudonyms and never
    returned; every count below k is null. Audited (`segment:run`)."""
    svc = _service(state)
    _analyst(request, state, caller, svc)
    result = _call(
        state,
        caller,
        lambda conn: svc.run(
            conn,
            caller.principal,
            name,
            purpose,
            version=body.version,
            include_minors=body.include_minors,
            k=body.k,
        ),
    )
    return RunOut(**result.as_report())


@router.post(
    "/campaigns/{campaign_id}/responses",
    name="record_campaign_responses",
    response_model=CampaignResponsesOut,
    responses=documented(401, 403, 413, 422, 503),
    summary="Record a batch of campaign responses from a channel",
)
def record_campaign_responses(
    request: Request,
    state: State,
    caller: Authenticated,
    campaign_id: CampaignId,
    body: CampaignResponsesIn,
) -> CampaignResponsesOut:
    """Idempotent on each response id (a replay is `duplicate`); `opted_out` records the
    customer's withdrawal of the campaign's purpose. For the channel systems (consent writers)."""
    limit = state.platform.settings.api_max_batch
    if len(body.responses) > limit:
        raise refuse(request, state, problem(413, "batch_too_large", f"at most {limit}"))
    authorise(request, state, caller, CONSENT_RESOURCE, "write")
    svc = build_campaigns(state.platform)
    events = [
        {"campaign_id": campaign_id, **r.model_dump(exclude_none=True)} for r in body.responses
    ]
    results = _call(
        state, caller, lambda conn: svc.record_responses(conn, caller.principal, events)
    )
    return CampaignResponsesOut(
        results=[
            CampaignResponseResult(
                position=r.position + 1, response_id=r.response_id, status=r.status, reason=r.reason
            )
            for r in results
        ]
    )
