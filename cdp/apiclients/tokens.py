"""OAuth2 client-credentials access tokens: short-lived HS256 JWTs naming a client.

A valid token proves only that the client was enabled when it was issued: whoever accepts one
must still check the client is enabled now (`ClientRegistry.active` or `ClientCache.active`),
and should act with the roles stored for the client rather than those in the token.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from cdp.apiclients.errors import ClientDisabled, TokenInvalid
from cdp.apiclients.models import ApiClient
from cdp.profiles.resolution import utcnow

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub", "jti")
MAX_LEEWAY_SECONDS = 5
MAX_TOKEN_LENGTH = 8192
MIN_SECRET_BYTES = 32
_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (  # most specific first
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.ImmatureSignatureError, "not_yet_valid"),
    (jwt.InvalidSignatureError, "bad_signature"),
    (jwt.InvalidAlgorithmError, "bad_algorithm"),
    (jwt.InvalidAudienceError, "wrong_audience"),
    (jwt.InvalidIssuerError, "wrong_issuer"),
    (jwt.MissingRequiredClaimError, "missing_claim"),
    (jwt.DecodeError, "malformed"),
)


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a verified token says: the client, its roles and attributes, and its expiry."""

    client_id: str
    roles: frozenset[str]
    attributes: Mapping[str, str]
    expires_at: datetime
    token_id: str


class TokenIssuer:
    """Issues and verifies access tokens under one signing key."""

    def __init__(
        self,
        secret: bytes,
        ttl_seconds: int,
        *,
        issuer: str = "privacy-cdp",
        audience: str = "privacy-cdp-api",
        leeway_seconds: int = MAX_LEEWAY_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ):
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the token signing key needs at least {MIN_SECRET_BYTES} bytes")
        if ttl_seconds <= 0 or not 0 <= leeway_seconds <= MAX_LEEWAY_SECONDS:
            raise ValueError(f"ttl must be positive and leeway at most {MAX_LEEWAY_SECONDS} s")
        self._secret = secret
        self._ttl = ttl_seconds
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds
        self._clock = clock

    def issue(self, client: ApiClient) -> tuple[str, int]:
        """Returns a signed token for an enabled client and its lifetime in seconds."""
        if client.disabled:
            raise ClientDisabled(client.client_id)
        now = self._clock().replace(microsecond=0)
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": client.client_id,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "exp": now + timedelta(seconds=self._ttl),
            "roles": sorted(client.roles),
            "attrs": dict(client.attributes),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM), self._ttl

    def verify(self, token: str) -> TokenClaims:
        """Returns the claims of a valid token; raises TokenInvalid with a reason code otherwise."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
            raise TokenInvalid("malformed")
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS), "strict_aud": True},
            )
        except jwt.PyJWTError as exc:
            raise TokenInvalid(_reason(exc)) from None
        return _claims(payload)


def _reason(exc: jwt.PyJWTError) -> str:
    return next((code for kind, code in _REASONS if isinstance(exc, kind)), "invalid")


def _claims(payload: Mapping[str, Any]) -> TokenClaims:
    subject, token_id = payload.get("sub"), payload.get("jti")
    roles, attributes = payload.get("roles", []), payload.get("attrs", {})
    if not isinstance(subject, str) or not isinstance(token_id, str):
        raise TokenInvalid("malformed")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise TokenInvalid("malformed")
    if not isinstance(attributes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()
    ):
        raise TokenInvalid("malformed")
    return TokenClaims(
        client_id=subject,
        roles=frozenset(roles),
        attributes=dict(attributes),
        expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
        token_id=token_id,
    )
