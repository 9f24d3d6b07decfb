"""One span per governed operation, carrying its outcome (never a field or a value)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from cdp import telemetry
from cdp.governed.errors import AccessDenied
from cdp.telemetry import SafeSpan


@contextmanager
def governed_span(name: str, attributes: Mapping[str, object]) -> Iterator[SafeSpan]:
    """Opens the operation's span; a refusal marks it `deny` with its reason, else `allow`."""
    with telemetry.current().span(name, attributes) as span:
        try:
            yield span
        except AccessDenied as denied:
            span.set_many({"cdp.decision": "deny", "cdp.reason": denied.reason})
            raise
        span.set("cdp.decision", "allow")
