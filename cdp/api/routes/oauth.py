"""OAuth2 client credentials (RFC 6749 §4.4): an API key in, a short-lived access token out."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Form, Header, Request

from audit.tags import AuditTag, Decision
from cdp.api.deps import CHALLENGE, State
from cdp.api.problems import documented, problem
from cdp.api.schemas import TokenOut
from cdp.apiclients import ClientDisabled

router = APIRouter(prefix="/v1/oauth", tags=["auth"])


@router.post(
    "/token",
    name="issue_token",
    response_model=TokenOut,
    responses=documented(400, 401, 422, 503),
    summary="Exchange client credentials for an access token",
)
def issue_token(
    request: Request,
    state: State,
    grant_type: Annotated[str, Form(max_length=64)],
    client_id: Annotated[str | None, Form(max_length=100)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> TokenOut:
    """Credentials as form fields or HTTP Basic; the secret is the client's API key."""
    if grant_type != "client_credentials":
        raise problem(400, "unsupported_grant_type")
    basic = _basic(authorization)
    if basic is not None:
        client_id, client_secret = basic
    client = state.clients.authenticate(client_secret) if client_secret else None
    if client is None or client.client_id != client_id:
        state.audit(AuditTag.AUTH_FAILURE, Decision.DENY, reason="invalid_client")
        raise problem(401, "invalid_client", headers=dict(CHALLENGE))
    try:
        token, expires_in = state.tokens.issue(client)
    except ClientDisabled:
        state.audit(AuditTag.AUTH_FAILURE, Decision.DENY, reason="client_disabled")
        raise problem(401, "invalid_client", headers=dict(CHALLENGE)) from None
    state.audit(AuditTag.AUTH_LOGIN, Decision.ALLOW, reason=f"token:{client.client_id}")
    return TokenOut(access_token=token, expires_in=expires_in)


def _basic(header: str | None) -> tuple[str, str] | None:
    """Decodes `Authorization: Basic ...` client credentials, if that is what was sent."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None
