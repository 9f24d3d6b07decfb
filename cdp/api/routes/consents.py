"""Consent: channel events in (idempotent batches), states and proofs out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from audit.tags import AuditTag, Decision
from cdp.api.deps import Authenticated, Purpose, State, authorise, refuse
from cdp.api.outcomes import failed
from cdp.api.problems import documented, problem
from cdp.api.schemas import (
    CUSTOMER_ID,
    ConsentEventResult,
    ConsentEventsIn,
    ConsentEventsOut,
    ConsentsOut,
    ConsentStateOut,
    ProofOut,
)
from cdp.consents import repository as repo
from cdp.consents.proof import build_proof
from cdp.profiles.store import CustomerErased, CustomerNotFound

router = APIRouter(prefix="/v1", tags=["consent"])
CustomerId = Annotated[str, Path(pattern=CUSTOMER_ID, description="A customer id (UUIDv7).")]
RESOURCE = "consent.records"


@router.post(
    "/consent-events",
    name="record_consent_events",
    response_model=ConsentEventsOut,
    responses=documented(401, 403, 413, 422, 503),
    summary="Record a batch of consent events from a channel",
)
def record_consent_events(
    request: Request, state: State, caller: Authenticated, body: ConsentEventsIn
) -> ConsentEventsOut:
    """Idempotent on each event id: a replay is `duplicate`, the same id with other content a
    `conflict`; invalid events are rejected by position while valid ones are recorded."""
    limit = state.platform.settings.api_max_batch
    if len(body.events) > limit:
        raise refuse(request, state, problem(413, "batch_too_large", f"at most {limit}"))
    authorise(request, state, caller, RESOURCE, "write")
    with caller.acting(), state.platform.engine.begin() as conn:
        events = [event.model_dump(exclude_unset=True) for event in body.events]
        results = state.platform.consents.record(conn, events)
    return ConsentEventsOut(
        results=[
            ConsentEventResult(
                position=r.position + 1,
                event_id=r.event_id,
                status=r.status,
                field=r.field,
                reason=r.reason,
            )
            for r in results
        ]
    )


@router.get(
    "/customers/{customer_id}/consents",
    name="read_consents",
    response_model=ConsentsOut,
    responses=documented(400, 401, 403, 404, 410, 422, 503),
    summary="One customer's consent state for every purpose",
)
def read_consents(
    request: Request, state: State, caller: Authenticated, purpose: Purpose, customer_id: CustomerId
) -> ConsentsOut:
    """The projection per purpose (status, notice, validity, deciding event); audited."""
    authorise(request, state, caller, RESOURCE, "read", purpose, (customer_id,))
    platform = state.platform
    with caller.acting():
        try:
            with platform.engine.begin() as conn:
                platform.store.values(conn, customer_id, ())
                states = repo.all_states_of(conn, customer_id)
                _record(state, conn, caller.roles, purpose, customer_id, "states")
        except (CustomerNotFound, CustomerErased) as missing:
            raise _missing(request, state, missing, customer_id) from None
    return ConsentsOut(
        customer_id=customer_id,
        consents=[
            ConsentStateOut(
                purpose=code,
                status=str(doc.get("status")),
                notice_version=doc.get("notice_version"),
                valid_until=doc.get("valid_until"),
                event_id=doc.get("event_id"),
            )
            for code, doc in sorted(states.items())
        ],
    )


@router.get(
    "/customers/{customer_id}/consents/{purpose_code}/proof",
    name="consent_proof",
    response_model=ProofOut,
    responses=documented(400, 401, 403, 404, 410, 422, 503),
    summary="The proof behind one customer's consent for one purpose",
)
def consent_proof(
    request: Request,
    state: State,
    caller: Authenticated,
    purpose: Purpose,
    customer_id: CustomerId,
    purpose_code: Annotated[str, Path(pattern=r"^P\d{2}$", description="The purpose proven.")],
) -> ProofOut:
    """Events, notice versions (text hashes), channels, actors and evidence; audited."""
    authorise(request, state, caller, RESOURCE, "read", purpose, (customer_id,))
    platform = state.platform
    if platform.purposes.get(purpose_code) is None:
        raise refuse(request, state, problem(400, "unknown_purpose"), customer_ids=(customer_id,))
    with caller.acting():
        try:
            with platform.engine.begin() as conn:
                platform.store.values(conn, customer_id, ())
                proof = build_proof(
                    platform.consents, platform.notices, conn, customer_id, purpose_code
                )
                _record(state, conn, caller.roles, purpose, customer_id, f"proof:{purpose_code}")
        except (CustomerNotFound, CustomerErased) as missing:
            raise _missing(request, state, missing, customer_id) from None
    return ProofOut(**proof)


def _record(
    state: State, conn: object, roles: tuple[str, ...], purpose: str, customer_id: str, what: str
) -> None:
    """Audits the consent read in the reading transaction (no record, no answer)."""
    state.platform.recorder.record(
        conn,  # type: ignore[arg-type]
        AuditTag.CONSENT_READ,
        Decision.ALLOW,
        roles=roles,
        purpose=purpose,
        customer_ids=(customer_id,),
        reason=what,
    )


def _missing(request: Request, state: State, missing: Exception, customer_id: str) -> Exception:
    return refuse(
        request, state, failed(missing), decision=Decision.ERROR, customer_ids=(customer_id,)
    )
