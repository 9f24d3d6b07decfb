"""A short-lived in-process cache in front of client authentication, for the API's hot path.

Entries live `ttl_seconds` (default 5 s): a client disabled in the database is refused by every
process within that time, and the database sees at most one lookup per key per TTL. Only hits
are cached for keys (a caller guessing keys cannot fill the cache); id lookups, which only
follow a verified token, cache misses too, so a disabled client's tokens cost no query each.
Cached by key digest, never the key itself. `resolve` is the API's one call per request: an
API key or an access token in, the enabled client (or a reason code) out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine

from cdp.apiclients.credentials import KEY_SCHEME, hash_key
from cdp.apiclients.errors import TokenInvalid
from cdp.apiclients.models import ApiClient
from cdp.apiclients.registry import ClientRegistry
from cdp.apiclients.tokens import TokenIssuer

DEFAULT_TTL_SECONDS = 5.0
DEFAULT_MAX_ENTRIES = 10_000
VIA_KEY, VIA_TOKEN = "key", "token"
BAD_KEY, CLIENT_DISABLED = "bad_key", "client_disabled"


class ClientCache:
    """Caches `authenticate` by key digest and `active` by client id for a few seconds."""

    def __init__(
        self,
        engine: Engine,
        registry: ClientRegistry,
        *,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._engine = engine
        self._registry = registry
        self._ttl = ttl_seconds
        self._max = max_entries
        self._clock = clock
        self._entries: dict[str, tuple[float, ApiClient | None]] = {}
        self._lock = threading.Lock()

    def resolve(
        self, tokens: TokenIssuer, credential: str
    ) -> tuple[ApiClient | None, str, str | None]:
        """Returns (client, "key" | "token", None), or (None, how, reason code) when refused.

        A key's failure is always `bad_key` (unknown, wrong and disabled look alike); a token's
        is its TokenInvalid reason, or `client_disabled` when it is valid but the client is not.
        """
        if credential.startswith(KEY_SCHEME + "_"):
            client = self.authenticate(credential)
            return client, VIA_KEY, None if client is not None else BAD_KEY
        try:
            claims = tokens.verify(credential)
        except TokenInvalid as refused:
            return None, VIA_TOKEN, refused.reason
        client = self.active(claims.client_id)
        return client, VIA_TOKEN, None if client is not None else CLIENT_DISABLED

    def peek(
        self, tokens: TokenIssuer, credential: str
    ) -> tuple[ApiClient | None, str, str | None] | None:
        """Answers `resolve` from memory alone (no database), or None when it would need it.

        Lets the API authenticate a cached caller on its event loop and send only misses to a
        worker thread; a token is verified here (CPU only) whatever the cache holds.
        """
        if credential.startswith(KEY_SCHEME + "_"):
            hit, client = self._get("k:" + hash_key(credential))
            return (client, VIA_KEY, None) if hit and client is not None else None
        try:
            claims = tokens.verify(credential)
        except TokenInvalid as refused:
            return None, VIA_TOKEN, refused.reason
        hit, client = self._get("i:" + claims.client_id)
        if not hit:
            return None
        return client, VIA_TOKEN, None if client is not None else CLIENT_DISABLED

    def authenticate(self, key: str) -> ApiClient | None:
        """Returns the enabled client holding this key (as of at most `ttl_seconds` ago)."""
        slot = "k:" + hash_key(key)
        hit, client = self._get(slot)
        if hit:
            return client
        with self._engine.connect() as conn:
            client = self._registry.authenticate(conn, key)
        if client is not None:
            self._put(slot, client)
        return client

    def active(self, client_id: str) -> ApiClient | None:
        """Returns the client behind a verified token unless it is unknown or disabled."""
        slot = "i:" + client_id
        hit, client = self._get(slot)
        if hit:
            return client
        with self._engine.connect() as conn:
            client = self._registry.active(conn, client_id)
        self._put(slot, client)
        return client

    def clear(self) -> None:
        """Forgets every entry (after a local disable, say, to apply it at once)."""
        with self._lock:
            self._entries.clear()

    def _get(self, slot: str) -> tuple[bool, ApiClient | None]:
        with self._lock:
            entry = self._entries.get(slot)
            if entry is None:
                return False, None
            if entry[0] <= self._clock():
                del self._entries[slot]
                return False, None
            return True, entry[1]

    def _put(self, slot: str, client: ApiClient | None) -> None:
        now = self._clock()
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries = {s: e for s, e in self._entries.items() if e[0] > now}
                while len(self._entries) >= self._max:  # all fresh: drop the oldest
                    del self._entries[next(iter(self._entries))]
            self._entries[slot] = (now + self._ttl, client)
