"""Who is calling and through what, for the audit record, carried in a context variable.

The API's middleware and each CLI command open a `call_context`; every audit event written
inside it carries the same actor, request id, trace id, channel and source without threading
them through every signature. Outside any context the actor is `system`.
"""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

SYSTEM_ACTOR = "system"


@dataclass(frozen=True, slots=True)
class CallContext:
    """The caller of the operations in progress (ids only, never a person's name)."""

    actor: str = SYSTEM_ACTOR
    request_id: str | None = None
    trace_id: str | None = None
    channel: str | None = None
    source: str | None = None


_CURRENT: ContextVar[CallContext] = ContextVar("cdp_call", default=CallContext())  # noqa: B039 - frozen


def current() -> CallContext:
    """Returns the caller of the operation in progress."""
    return _CURRENT.get()


@contextmanager
def call_context(**values: Any) -> Iterator[CallContext]:
    """Sets the caller for the block (fields not given keep their outer values)."""
    context = replace(_CURRENT.get(), **values)
    token = _CURRENT.set(context)
    try:
        yield context
    finally:
        _CURRENT.reset(token)


def cli_actor() -> str:
    """Names the local operator of a CLI command by account id."""
    return f"local:{getpass.getuser()}"


@contextmanager
def cli_call() -> Iterator[CallContext]:
    """The context of one CLI command: the local account, a fresh request id, channel `cli`."""
    with call_context(
        actor=cli_actor(), request_id=str(uuid.uuid4()), channel="cli", source="cli"
    ) as context:
        yield context
