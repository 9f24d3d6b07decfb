"""OpenTelemetry spans behind the allow-list: the recording span wrapper and the exporter guard."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import Link, Span, Status, StatusCode

from cdp.telemetry.attributes import ALLOWED_EVENTS, MAX_STRING, clean_attributes
from cdp.telemetry.base import SafeSpan


class RecordingSpan(SafeSpan):
    """A sampled span; every attribute passes the allow-list on the way in."""

    __slots__ = ("_span",)

    def __init__(self, span: Span):
        self._span = span

    def is_recording(self) -> bool:
        """Tells whether anything set on this span will be exported."""
        return self._span.is_recording()

    def set(self, key: str, value: object) -> None:
        """Sets one attribute if the allow-list admits it."""
        cleaned = clean_attributes({key: value})
        if cleaned:
            self._span.set_attributes(cleaned)

    def set_many(self, attributes: Mapping[str, object]) -> None:
        """Sets the allowed attributes of a mapping."""
        self._span.set_attributes(clean_attributes(attributes))

    def update_name(self, name: str) -> None:
        """Renames the span (a constant or a route template, never a raw path)."""
        self._span.update_name(name[:MAX_STRING])

    def set_error(self, error: BaseException | type[BaseException]) -> None:
        """Marks the span failed, naming the exception type only (messages may carry values)."""
        kind = error if isinstance(error, type) else type(error)
        name = kind.__qualname__[:MAX_STRING]
        self._span.set_status(Status(StatusCode.ERROR))
        self._span.set_attribute("error.type", name)
        self._span.add_event("exception", {"exception.type": name})

    def end(self) -> None:
        """Ends a span started without a `with` block (database statements)."""
        self._span.end()


def scrub(span: ReadableSpan) -> ReadableSpan:
    """Returns a copy of a finished span holding only allowed attributes and events."""
    events = [
        Event(e.name, clean_attributes(e.attributes), e.timestamp)
        for e in span.events
        if e.name in ALLOWED_EVENTS
    ]
    links = [Link(link.context, clean_attributes(link.attributes)) for link in span.links]
    return ReadableSpan(
        name=span.name[:MAX_STRING],
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=clean_attributes(span.attributes),
        events=events,
        links=links,
        kind=span.kind,
        status=Status(span.status.status_code),  # descriptions may quote exception messages
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class AllowListSpanExporter(SpanExporter):
    """Wraps an exporter so no span leaves with an attribute outside the allow-list.

    Defence in depth: our own spans are clean already, but an instrumentation (or code using the
    raw tracer) could add `db.statement`, `url.full` or an exception message.
    """

    def __init__(self, inner: SpanExporter):
        self._inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Exports scrubbed copies of the spans."""
        return self._inner.export([scrub(span) for span in spans])

    def shutdown(self) -> None:
        """Shuts the wrapped exporter down."""
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flushes the wrapped exporter."""
        return self._inner.force_flush(timeout_millis)
