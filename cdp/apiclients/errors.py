"""Domain errors of API client registration and authentication; messages never carry a key."""

from __future__ import annotations

from collections.abc import Iterable


class ClientError(ValueError):
    """A client administration request that cannot be carried out."""


class ClientInvalid(ClientError):
    """A name, role list or attribute that a client cannot be registered with."""


class UnknownRole(ClientInvalid):
    """Roles that the policy does not define."""

    def __init__(self, unknown: Iterable[str], known: Iterable[str]):
        self.unknown = tuple(sorted(unknown))
        self.known = tuple(sorted(known))
        super().__init__(
            f"unknown role(s): {', '.join(self.unknown)}; known roles: {', '.join(self.known)}"
        )


class DuplicateClient(ClientError):
    """A client with this name is already registered."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"a client named {name!r} is already registered")


class ClientNotFound(ClientError):
    """No client has this name or id."""

    def __init__(self, name_or_id: str):
        self.name_or_id = name_or_id
        super().__init__(f"no client named or with id {name_or_id!r}")


class ClientDisabled(ClientError):
    """The client is disabled: it gets no token and no access."""

    def __init__(self, client_id: str):
        self.client_id = client_id
        super().__init__(f"client {client_id} is disabled")


class TokenInvalid(Exception):
    """A bearer token that is refused; `reason` is a short stable code, never the token."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"token refused: {reason}")
