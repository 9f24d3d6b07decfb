"""API keys and access tokens, without a database: format, parsing, JWT verification."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from cdp.apiclients import ApiClient, ClientDisabled, TokenInvalid, TokenIssuer, key_prefix, new_key
from cdp.apiclients.credentials import hash_key, hashes_match

SECRET = b"k" * 32
CLIENT = ApiClient("cli_0123456789abcdef", "crm", frozenset({"customer_service"}), {"a": "b"})


def test_when_a_key_is_made_then_it_has_the_documented_shape() -> None:
    key = new_key()
    assert re.fullmatch(r"cdpk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", key)
    assert key_prefix(key) == key[5:17]
    assert new_key() != key


@pytest.mark.parametrize(
    "text",
    [
        "",  # empty
        "cdpk_0123456789ab_short",  # secret too short
        "cdpk_0123456789AB_" + "a" * 43,  # upper-case prefix
        "xxxx_0123456789ab_" + "a" * 43,  # another scheme
        "cdpk_0123456789ab_" + "a" * 43 + "\n",  # trailing newline
        "cdpk_0123456789ab_" + "a" * 200,  # over-long
    ],
)
def test_when_a_key_is_malformed_then_it_has_no_prefix(text: str) -> None:
    assert key_prefix(text) is None


def test_when_digests_are_compared_then_a_missing_row_never_matches() -> None:
    key = new_key()
    assert hashes_match(hash_key(key), hash_key(key))
    assert not hashes_match(None, hash_key(key))
    assert not hashes_match(hash_key(key), hash_key(new_key()))


def issuer(**overrides: object) -> TokenIssuer:
    """An issuer with the test secret and a 300 s lifetime."""
    return TokenIssuer(SECRET, 300, **overrides)  # type: ignore[arg-type]


def claims(**overrides: object) -> dict[str, object]:
    """A valid claim set for CLIENT, to tamper with."""
    now = datetime.now(UTC)
    values: dict[str, object] = {
        "iss": "privacy-cdp",
        "aud": "privacy-cdp-api",
        "sub": CLIENT.client_id,
        "jti": "j1",
        "iat": now,
        "exp": now + timedelta(days=1),  # outlives a slow test run (params are built at collection)
        "roles": ["customer_service"],
        "attrs": {},
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(payload: dict[str, object]) -> str:
    """A token with `alg: none` and no signature."""
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    body = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in payload.items()}
    return f"{header}.{_b64(json.dumps(body).encode())}."


def test_when_a_token_is_issued_then_it_verifies_with_its_claims() -> None:
    token, expires_in = issuer().issue(CLIENT)
    verified = issuer().verify(token)
    assert expires_in == 300
    assert verified.client_id == CLIENT.client_id
    assert verified.roles == CLIENT.roles
    assert dict(verified.attributes) == {"a": "b"}
    assert verified.expires_at > datetime.now(UTC)
    assert issuer().verify(issuer().issue(CLIENT)[0]).token_id != verified.token_id


def _tampered_signature() -> str:
    head, body, signature = issuer().issue(CLIENT)[0].split(".")
    return f"{head}.{body}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (issuer(clock=lambda: datetime.now(UTC) - timedelta(hours=1)).issue(CLIENT)[0], "expired"),
        (_tampered_signature(), "bad_signature"),
        (jwt.encode(claims(), b"x" * 32, algorithm="HS256"), "bad_signature"),  # another key
        (unsigned(claims()), "bad_algorithm"),  # alg none
        (jwt.encode(claims(), SECRET * 2, algorithm="HS512"), "bad_algorithm"),  # another alg
        (jwt.encode(claims(aud="other-api"), SECRET, algorithm="HS256"), "wrong_audience"),
        (jwt.encode(claims(iss="someone"), SECRET, algorithm="HS256"), "wrong_issuer"),
        (jwt.encode(claims(jti=None), SECRET, algorithm="HS256"), "missing_claim"),
        (jwt.encode(claims(exp=None), SECRET, algorithm="HS256"), "missing_claim"),
        (jwt.encode(claims(roles="admin"), SECRET, algorithm="HS256"), "malformed"),
        ("not.a.token", "malformed"),
        ("", "malformed"),
        ("a" * 10_000, "malformed"),
    ],
)
def test_when_a_token_is_not_valid_then_it_is_refused_with_a_reason_code(
    token: str, reason: str
) -> None:
    with pytest.raises(TokenInvalid) as raised:
        issuer().verify(token)
    assert raised.value.reason == reason
    assert token[-20:] not in str(raised.value) or not token


def test_when_a_token_expired_within_the_leeway_then_it_is_still_accepted() -> None:
    token = jwt.encode(
        claims(exp=datetime.now(UTC) - timedelta(seconds=2)), SECRET, algorithm="HS256"
    )
    assert issuer().verify(token).client_id == CLIENT.client_id


@pytest.mark.parametrize(
    "kwargs",
    [
        {"secret": b"short"},  # under 32 bytes
        {"leeway_seconds": 30},  # more than 5 s of leeway
        {"ttl_seconds": 0},  # no lifetime
    ],
)
def test_when_an_issuer_is_misconfigured_then_it_refuses_to_start(kwargs: dict) -> None:
    values: dict = {"secret": SECRET, "ttl_seconds": 300, **kwargs}
    with pytest.raises(ValueError, match=r"token|ttl"):
        TokenIssuer(**values)


def test_when_a_client_is_disabled_then_no_token_is_issued() -> None:
    disabled = ApiClient("cli_1", "off", frozenset({"customer_service"}), disabled=True)
    with pytest.raises(ClientDisabled):
        issuer().issue(disabled)
