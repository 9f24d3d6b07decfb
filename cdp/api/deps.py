"""Request dependencies: the caller (API key or client-credentials token) and the purpose."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from audit.tags import AuditTag, Decision
from cdp.api.context import ApiState, Caller
from cdp.api.problems import ApiError, problem
from cdp.api.tags import ROUTE_TAGS
from governance.decision import Access, Principal
from governance.objects import OPERATIONAL_PURPOSE

bearer = HTTPBearer(auto_error=False, description="An API key (cdpk_...) or an access token.")
_PURPOSE = re.compile(r"P\d{2}")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="privacy-cdp"'}


def state_of(request: Request) -> ApiState:
    """The platform and registries built by the lifespan."""
    state: ApiState = request.app.state.cdp
    return state


async def _state(request: Request) -> ApiState:
    return state_of(request)


State = Annotated[ApiState, Depends(_state)]


def _unauthenticated(state: ApiState, reason: str) -> ApiError:
    """Audits a failed authentication (reason only, never the credential) and answers 401."""
    state.audit(AuditTag.AUTH_FAILURE, Decision.DENY, reason=reason)
    return problem(401, reason, headers=dict(CHALLENGE))


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """Resolves the bearer credential to an enabled client; anything else is a 401."""
    secret = credentials.credentials if credentials is not None else None
    if credentials is not None and credentials.scheme.lower() != "bearer":
        secret = None
    return await caller_of(request, secret)


async def caller_of(request: Request, secret: str | None) -> Caller:
    """The enabled client holding `secret` (an API key or an access token), or a 401 (audited)."""
    state = state_of(request)  # not a dependency: each one costs ~40 µs to solve per request
    if not secret:
        raise await run_in_threadpool(_unauthenticated, state, "missing_credentials")
    # a cached caller is answered on the event loop; only a miss waits for the database
    known = state.clients.peek(state.tokens, secret)
    if known is None:
        known = await run_in_threadpool(state.clients.resolve, state.tokens, secret)
    client, via, reason = known
    if client is None:
        raise await run_in_threadpool(_unauthenticated, state, reason or "bad_credentials")
    caller = Caller(
        Principal(f"client:{client.client_id}", client.roles, dict(client.attributes)),
        client.client_id,
        via,
    )
    request.state.caller = caller  # for the validation-error handler's audit record
    return caller


def bearer_secret(request: Request) -> str | None:
    """The credential of an `Authorization: Bearer ...` header (routes that parse their own)."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    return secret.strip() or None if scheme.lower() == "bearer" else None


Authenticated = Annotated[Caller, Depends(authenticate)]


def refuse(
    request: Request,
    state: ApiState,
    error: ApiError,
    *,
    decision: Decision = Decision.DENY,
    customer_ids: tuple[str, ...] = (),
) -> ApiError:
    """Audits a refusal made at the boundary under the route's action tag, then returns it."""
    route = request.scope.get("route")
    tag = ROUTE_TAGS.get(getattr(route, "name", ""), AuditTag.AUTH_FAILURE)
    caller: Caller | None = getattr(request.state, "caller", None)
    details: dict[str, object] = {"reason": error.code, "customer_ids": customer_ids}
    if caller is not None:
        details["roles"] = caller.roles
        with caller.acting():
            state.audit(tag, decision, **details)
    else:
        state.audit(tag, decision, **details)
    return error


async def declared_purpose(
    request: Request,
    x_purpose: Annotated[
        str | None,
        Header(
            description="The purpose of this call, a catalogue code P01-P15.",
            examples=["P01"],
        ),
    ] = None,
) -> str:
    """The X-Purpose header, present and in the catalogue; whether the caller's roles act for
    it is the policy's call. Routes declare it after the caller, so a refusal names the caller."""
    return await purpose_of(request, x_purpose)


async def purpose_of(request: Request, given: str | None) -> str:
    """Checks an X-Purpose value: missing or not in the catalogue is a 400 (audited)."""
    state = state_of(request)
    if given is None or not given.strip():
        error = problem(400, "purpose_required", "every data call carries X-Purpose")
        raise await run_in_threadpool(refuse, request, state, error)
    code = given.strip()
    if not _PURPOSE.fullmatch(code) or state.platform.purposes.get(code) is None:
        error = problem(400, "unknown_purpose", "X-Purpose must be a catalogue code such as P01")
        raise await run_in_threadpool(refuse, request, state, error)
    return code


Purpose = Annotated[str, Depends(declared_purpose)]


def authorise(
    request: Request,
    state: ApiState,
    caller: Caller,
    resource: str,
    action: str,
    purpose: str = OPERATIONAL_PURPOSE,
    customer_ids: tuple[str, ...] = (),
) -> None:
    """Requires the policy to allow `action` on a resource (audit trail, consents, clients...)."""
    decision = state.platform.policy.decide(caller.principal, purpose, [resource], action)
    found = decision.fields.get(resource)
    if decision.denied or found is None or found.access is Access.DENIED:
        reason = "resource_denied" if not decision.denied else str(decision.reason)
        status = 400 if reason == "unknown_purpose" else 403
        error = problem(status, reason, fields=(resource,))
        raise refuse(request, state, error, customer_ids=customer_ids)
