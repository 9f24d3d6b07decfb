"""Registered API clients: hashed API keys, OAuth2 client-credentials tokens, audited admin."""

from cdp.apiclients.cache import ClientCache
from cdp.apiclients.credentials import hash_key, key_prefix, new_key
from cdp.apiclients.errors import (
    ClientDisabled,
    ClientError,
    ClientInvalid,
    ClientNotFound,
    DuplicateClient,
    TokenInvalid,
    UnknownRole,
)
from cdp.apiclients.keys import token_signing_key
from cdp.apiclients.models import ApiClient
from cdp.apiclients.registry import ClientRegistry
from cdp.apiclients.tokens import TokenClaims, TokenIssuer

__all__ = [
    "ApiClient",
    "ClientCache",
    "ClientDisabled",
    "ClientError",
    "ClientInvalid",
    "ClientNotFound",
    "ClientRegistry",
    "DuplicateClient",
    "TokenClaims",
    "TokenInvalid",
    "TokenIssuer",
    "UnknownRole",
    "hash_key",
    "key_prefix",
    "new_key",
    "token_signing_key",
]
