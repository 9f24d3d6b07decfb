"""Administration: policy reload, key rotation status, API client management (admin role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from audit.tags import AuditTag, Decision
from cdp import keyadmin
from cdp.api.deps import Authenticated, State, authorise, refuse
from cdp.api.problems import documented, problem
from cdp.api.schemas import (
    ClientCreatedOut,
    ClientIn,
    ClientOut,
    ClientsOut,
    KeyStatusOut,
    PolicyOut,
)
from cdp.apiclients import ApiClient, ClientError, ClientNotFound, DuplicateClient
from governance.sources import PolicyInvalid

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post(
    "/policy:reload",
    name="reload_policy",
    response_model=PolicyOut,
    responses=documented(401, 403, 409, 503),
    summary="Re-read the policy files and swap them in whole",
)
def reload_policy(request: Request, state: State, caller: Authenticated) -> PolicyOut:
    """An invalid policy set changes nothing (409, problems counted, never echoed)."""
    authorise(request, state, caller, "policy.rules", "write")
    try:
        with caller.acting():
            version = state.platform.reload_policy()
    except PolicyInvalid as invalid:  # reload_policy audited it
        raise problem(409, "policy_invalid", f"{len(invalid.problems)} problem(s)") from None
    return PolicyOut(policy_version=version)


@router.get(
    "/keys",
    name="key_status",
    response_model=KeyStatusOut,
    responses=documented(401, 403, 503),
    summary="KEK versions and the data keys each still wraps",
)
def key_status(request: Request, state: State, caller: Authenticated) -> KeyStatusOut:
    """Rotation progress: a retiring KEK is done when it wraps no data key."""
    authorise(request, state, caller, "keys.kek", "read")
    with caller.acting(), state.platform.engine.begin() as conn:
        rows = keyadmin.status(conn)
        state.platform.recorder.record(
            conn, AuditTag.KEY_STATUS, Decision.ALLOW, roles=caller.roles
        )
    return KeyStatusOut(
        keks=[{"version": r.version, "status": r.status, "data_keys": r.data_keys} for r in rows]
    )


@router.get(
    "/clients",
    name="list_clients",
    response_model=ClientsOut,
    responses=documented(401, 403, 503),
    summary="Registered API clients (never their keys)",
)
def list_clients(request: Request, state: State, caller: Authenticated) -> ClientsOut:
    """Names, roles, attributes and status."""
    authorise(request, state, caller, "api.clients", "read")
    with caller.acting(), state.platform.engine.begin() as conn:
        clients = state.registry.list(conn)
        state.platform.recorder.record(
            conn, AuditTag.CLIENT_LIST, Decision.ALLOW, roles=caller.roles
        )
    return ClientsOut(clients=[_shape(client) for client in clients])


@router.post(
    "/clients",
    name="add_client",
    response_model=ClientCreatedOut,
    status_code=201,
    responses=documented(401, 403, 409, 422, 503),
    summary="Register an API client; its key is shown once",
)
def add_client(
    request: Request, state: State, caller: Authenticated, body: ClientIn
) -> ClientCreatedOut:
    """The key is returned in this response only; the store keeps its hash."""
    authorise(request, state, caller, "api.clients", "write")
    attributes = {"branches": ",".join(body.branches)} if body.branches else {}
    known = [role.name for role in state.platform.policy.roles]
    try:
        with caller.acting(), state.platform.engine.begin() as conn:
            client, key = state.registry.add(
                conn, body.name, roles=body.roles, attributes=attributes, known_roles=known
            )
    except DuplicateClient:
        raise refuse(request, state, problem(409, "client_exists")) from None
    except ClientError as invalid:
        raise refuse(
            request, state, problem(422, "client_invalid", str(invalid)), decision=Decision.ERROR
        ) from None
    return ClientCreatedOut(**_shape(client).model_dump(), api_key=key)


@router.post(
    "/clients/{client_id}:disable",
    name="disable_client",
    response_model=ClientOut,
    responses=documented(401, 403, 404, 422, 503),
    summary="Disable a client: its keys and tokens stop working",
)
def disable_client(
    request: Request,
    state: State,
    caller: Authenticated,
    client_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,100}$")],
) -> ClientOut:
    """Takes effect in every process within the client cache's TTL (a few seconds)."""
    authorise(request, state, caller, "api.clients", "write")
    try:
        with caller.acting(), state.platform.engine.begin() as conn:
            client = state.registry.disable(conn, client_id)
    except ClientNotFound:
        raise refuse(
            request, state, problem(404, "client_not_found"), decision=Decision.ERROR
        ) from None
    state.clients.clear()
    return _shape(client)


def _shape(client: ApiClient) -> ClientOut:
    return ClientOut(
        client_id=client.client_id,
        name=client.name,
        roles=sorted(client.roles),
        attributes=dict(client.attributes),
        disabled=client.disabled,
        created_at=client.created_at.isoformat() if client.created_at else "",
    )
