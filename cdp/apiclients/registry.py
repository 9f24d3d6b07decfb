"""Registers, lists, disables and authenticates API clients; admin changes are audited.

Functions take the caller's connection and never commit (one command = one transaction). The
key is returned once by `add` and never stored, logged or audited: only its digest is kept.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from audit.tags import AuditTag, Decision
from cdp.apiclients import repository
from cdp.apiclients.credentials import hash_key, hashes_match, key_prefix, new_key_material
from cdp.apiclients.errors import (
    ClientInvalid,
    ClientNotFound,
    DuplicateClient,
    UnknownRole,
)
from cdp.apiclients.models import ApiClient
from cdp.auditing.recorder import AuditRecorder
from cdp.profiles.resolution import utcnow

CLIENT_ID_PREFIX = "cli_"
_NAME = re.compile(r"[a-z][a-z0-9._-]{0,99}")  # safe in audit reasons, logs and shells
_ATTRIBUTE = re.compile(r"[a-z][a-z0-9_]{0,31}")
MAX_ATTRIBUTE_LENGTH = 2000
LIST_ATTRIBUTES = frozenset({"branches"})  # comma-separated sets, normalised on registration


def new_client_id() -> str:
    """Returns a fresh opaque client id: `cli_` + 16 base32 characters (80 random bits).

    Not hex: an all-digit hex id would look like a card number to the audit trail's PII guard.
    """
    return CLIENT_ID_PREFIX + base64.b32encode(secrets.token_bytes(10)).decode().lower()


class ClientRegistry:
    """The registered API clients, read and changed in the caller's transaction."""

    def __init__(self, *, audit: AuditRecorder, clock: Callable[[], datetime] = utcnow):
        self._audit = audit
        self._clock = clock

    def add(
        self,
        conn: Connection,
        name: str,
        *,
        roles: Iterable[str],
        attributes: Mapping[str, str] | None = None,
        known_roles: Iterable[str],
    ) -> tuple[ApiClient, str]:
        """Registers a client and returns it with its key (the only time the key is seen)."""
        client = ApiClient(
            client_id=new_client_id(),
            name=_valid_name(name),
            roles=_valid_roles(roles, frozenset(known_roles)),
            attributes=_valid_attributes(attributes or {}),
            created_at=self._clock(),
        )
        if repository.find(conn, name=client.name) is not None:
            raise DuplicateClient(client.name)
        fresh = new_key_material()
        try:
            repository.insert_client(conn, client, prefix=fresh.prefix, key_hash=fresh.digest)
        except IntegrityError:  # a concurrent add of the same name won the race
            raise DuplicateClient(client.name) from None
        self._record(conn, AuditTag.CLIENT_ADD, client)
        return client, fresh.key

    def list(self, conn: Connection) -> list[ApiClient]:
        """Returns every client, enabled or not, by name."""
        return repository.all_clients(conn)

    def get(self, conn: Connection, client_id: str) -> ApiClient | None:
        """Gets a client by its id."""
        return repository.find(conn, client_id=client_id)

    def active(self, conn: Connection, client_id: str) -> ApiClient | None:
        """Gets a client by id unless it is unknown or disabled (check this for every token)."""
        client = self.get(conn, client_id)
        return client if client is not None and not client.disabled else None

    def disable(self, conn: Connection, name_or_id: str) -> ApiClient:
        """Disables a client by name or id (again is a no-op); unknown ones raise ClientNotFound."""
        client = repository.find(conn, client_id=name_or_id, name=name_or_id)
        if client is None:
            raise ClientNotFound(name_or_id)
        if client.disabled:
            return client
        at = self._clock()
        repository.mark_disabled(conn, client.client_id, at)
        disabled = ApiClient(
            client_id=client.client_id,
            name=client.name,
            roles=client.roles,
            attributes=client.attributes,
            disabled=True,
            created_at=client.created_at,
            disabled_at=at,
        )
        self._record(conn, AuditTag.CLIENT_DISABLE, disabled)
        return disabled

    def authenticate(self, conn: Connection, key: str) -> ApiClient | None:
        """Returns the enabled client holding this key, or None (malformed, unknown, wrong, off)."""
        presented = hash_key(key)  # always hash, so every outcome costs about the same
        prefix = key_prefix(key)
        found = repository.find_by_prefix(conn, prefix) if prefix is not None else None
        client, stored = found if found is not None else (None, None)
        if not hashes_match(stored, presented) or client is None or client.disabled:
            return None
        return client

    def _record(self, conn: Connection, tag: AuditTag, client: ApiClient) -> None:
        reason = f"client:{client.client_id}:{client.name}"
        self._audit.record(conn, tag, Decision.ALLOW, reason=reason)


def _valid_name(name: str) -> str:
    name = name.strip()
    if not _NAME.fullmatch(name) or name.startswith(CLIENT_ID_PREFIX):
        raise ClientInvalid(
            "a client name is 1-100 characters of a-z, 0-9, '.', '_' or '-', starting with a "
            f"letter, and does not start with {CLIENT_ID_PREFIX!r}"
        )
    return name


def _valid_roles(roles: Iterable[str], known: frozenset[str]) -> frozenset[str]:
    wanted = frozenset(r.strip() for r in roles if r.strip())
    if not wanted:
        raise ClientInvalid(
            f"a client needs at least one role; known roles: {', '.join(sorted(known))}"
        )
    if wanted - known:
        raise UnknownRole(wanted - known, known)
    return wanted


def _valid_attributes(attributes: Mapping[str, str]) -> dict[str, str]:
    valid: dict[str, str] = {}
    for name, value in attributes.items():
        if not _ATTRIBUTE.fullmatch(name) or not isinstance(value, str):
            raise ClientInvalid(
                f"attribute names are lower-case identifiers with text values: {name!r}"
            )
        if name in LIST_ATTRIBUTES:
            value = ",".join(sorted({v.strip() for v in value.split(",") if v.strip()}))
        if len(value) > MAX_ATTRIBUTE_LENGTH:
            raise ClientInvalid(
                f"attribute {name!r} is longer than {MAX_ATTRIBUTE_LENGTH} characters"
            )
        if value:
            valid[name] = value
    return valid
