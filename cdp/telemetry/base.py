"""The telemetry facade and the process-wide current instance; this default records nothing.

Deep code (audit recorder, ingest, governed read) calls `current().record_...` without threading
an object through every signature. Until `install` is given the result of `setup_telemetry`,
every call is an empty method on this class: no OpenTelemetry import, near-zero cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from types import TracebackType


class SafeSpan:
    """A span that takes only allow-listed attributes; this base one records nothing."""

    __slots__ = ()

    def is_recording(self) -> bool:
        """Tells whether anything set on this span will be exported."""
        return False

    def set(self, key: str, value: object) -> None:
        """Sets one attribute if the allow-list admits it."""

    def set_many(self, attributes: Mapping[str, object]) -> None:
        """Sets the allowed attributes of a mapping."""

    def update_name(self, name: str) -> None:
        """Renames the span (a constant or a route template, never a raw path)."""

    def set_error(self, error: BaseException | type[BaseException]) -> None:
        """Marks the span failed, naming the exception type only (messages may carry values)."""

    def end(self) -> None:
        """Ends a span started without a `with` block (database statements)."""


NOOP_SPAN = SafeSpan()


class _NoopScope:
    """A reusable, stateless context manager yielding the no-op span."""

    __slots__ = ()

    def __enter__(self) -> SafeSpan:
        return NOOP_SPAN

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


_NOOP_SCOPE = _NoopScope()


class Telemetry:
    """Traces and metrics of the platform; this base class is the no-op used without setup."""

    enabled = False

    def span(
        self,
        name: str,
        attributes: Mapping[str, object] | None = None,
        /,
        *,
        kind: str = "internal",
        traceparent: str | None = None,
        **more: object,
    ) -> AbstractContextManager[SafeSpan]:
        """Opens a current span (`with telemetry.span(...) as span:`) with allowed attributes.

        `kind` is internal, server or client; `traceparent` is an incoming W3C header value.
        Dotted keys go in `attributes` or as `**{"http.route": template}`.
        """
        return _NOOP_SCOPE

    def current_trace_id(self) -> str | None:
        """Returns the current trace id as 32 hex digits, or None outside any trace."""
        return None

    def current_span_ids(self) -> tuple[str, str] | None:
        """Returns the current (trace id, span id) in hex, or None outside any trace."""
        return None

    def record_request(self, route: str, method: str, status: int, duration_ms: float) -> None:
        """Counts one HTTP request and its duration by route template, method, status class."""

    def record_decision(self, action: str, outcome: str) -> None:
        """Counts one access decision (allow, deny or error) for an action."""

    def record_consent_denial(self, purpose: str, reason: str) -> None:
        """Counts one refusal for missing or invalid consent."""

    def record_audit_write(self, action: str, decision: str) -> None:
        """Counts one appended audit event by its tag and decision."""

    def record_ingest_rows(self, source: str, outcome: str, n: int) -> None:
        """Counts ingested rows of a source by outcome."""

    def start_db_span(self, system: str, statement: str) -> SafeSpan | None:
        """Starts a statement's span under a recording parent, else returns None (engine hook)."""
        return None

    def force_flush(self) -> None:
        """Exports what is buffered."""

    def shutdown(self) -> None:
        """Flushes and stops the exporters."""


NOOP = Telemetry()
_current: Telemetry = NOOP


def current() -> Telemetry:
    """Returns the installed telemetry, or the no-op one."""
    return _current


def install(telemetry: Telemetry | None) -> Telemetry:
    """Makes `telemetry` (None: the no-op) the process-wide current one; returns the previous."""
    global _current
    previous = _current
    _current = NOOP if telemetry is None else telemetry
    return previous
