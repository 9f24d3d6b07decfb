"""Telemetry on the OpenTelemetry SDK: providers kept on the object, never set globally.

Keeping the providers private means `setup_telemetry` can run many times (tests) and nothing else
in the process (a library's instrumentation) exports through our pipeline by accident.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager

from opentelemetry import trace
from opentelemetry.metrics import Meter, NoOpMeter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from cdp.telemetry.attributes import MAX_STRING, AttributeValue, clean_attributes
from cdp.telemetry.base import NOOP_SPAN, SafeSpan, Telemetry
from cdp.telemetry.spans import RecordingSpan

SCOPE = "cdp"
DURATION_BUCKETS_MS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
SQL_OPERATIONS = frozenset(
    {
        "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "BEGIN", "COMMIT", "ROLLBACK",
        "SAVEPOINT", "RELEASE", "PRAGMA", "CREATE", "ALTER", "DROP", "TRUNCATE", "EXPLAIN",
        "SET", "SHOW", "COPY", "VACUUM", "ANALYZE", "LOCK",
    }
)  # fmt: skip
_KINDS = {"internal": SpanKind.INTERNAL, "server": SpanKind.SERVER, "client": SpanKind.CLIENT}
_PROPAGATOR = TraceContextTextMapPropagator()


def sql_operation(statement: str) -> str:
    """Returns the statement's first SQL keyword if it is a known one, else OTHER."""
    head = statement.lstrip()[:16].split(None, 1)
    word = head[0].upper() if head else ""
    return word if word in SQL_OPERATIONS else "OTHER"


def _label(value: object) -> str:
    return str(value)[:MAX_STRING]


class OtelTelemetry(Telemetry):
    """Exports spans and metrics through providers built by `setup_telemetry`."""

    enabled = True

    def __init__(
        self,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
    ):
        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider
        self._tracer: Tracer = (
            tracer_provider.get_tracer(SCOPE) if tracer_provider else trace.NoOpTracer()
        )
        meter: Meter = meter_provider.get_meter(SCOPE) if meter_provider else NoOpMeter(SCOPE)
        self._requests = meter.create_counter(
            "cdp.http.requests", unit="{request}", description="HTTP requests served"
        )
        self._duration = meter.create_histogram(
            "cdp.http.duration",
            unit="ms",
            description="HTTP request duration",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS_MS,
        )
        self._decisions = meter.create_counter(
            "cdp.decisions", unit="{decision}", description="Access decisions by outcome"
        )
        self._consent_denials = meter.create_counter(
            "cdp.consent.denials", unit="{denial}", description="Refusals for consent"
        )
        self._audit_writes = meter.create_counter(
            "cdp.audit.writes", unit="{event}", description="Audit events appended"
        )
        self._ingest_rows = meter.create_counter(
            "cdp.ingest.rows", unit="{row}", description="Ingested rows by outcome"
        )

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
        """Opens a current span (`with telemetry.span(...) as span:`) with allowed attributes."""
        return self._span(name, clean_attributes(attributes, more), kind, traceparent)

    @contextmanager
    def _span(
        self, name: str, attributes: dict[str, AttributeValue], kind: str, traceparent: str | None
    ) -> Iterator[SafeSpan]:
        parent = _PROPAGATOR.extract({"traceparent": traceparent}) if traceparent else None
        with self._tracer.start_as_current_span(
            name[:MAX_STRING],
            context=parent,
            kind=_KINDS.get(kind, SpanKind.INTERNAL),
            attributes=attributes,
            record_exception=False,  # the SDK would record the message and stack trace
            set_status_on_exception=False,
        ) as span:
            safe = RecordingSpan(span) if span.is_recording() else NOOP_SPAN
            try:
                yield safe
            except Exception as error:
                safe.set_error(error)
                raise

    def current_trace_id(self) -> str | None:
        """Returns the current trace id as 32 hex digits, or None outside any trace."""
        context = trace.get_current_span().get_span_context()
        return format(context.trace_id, "032x") if context.is_valid else None

    def current_span_ids(self) -> tuple[str, str] | None:
        """Returns the current (trace id, span id) in hex, or None outside any trace."""
        context = trace.get_current_span().get_span_context()
        if not context.is_valid:
            return None
        return format(context.trace_id, "032x"), format(context.span_id, "016x")

    def record_request(self, route: str, method: str, status: int, duration_ms: float) -> None:
        """Counts one HTTP request and its duration by route template, method, status class."""
        verb = method.upper()
        labels = {
            "http.route": _label(route),
            "http.request.method": verb if verb in METHODS else "_OTHER",
            "http.response.status_class": f"{int(status) // 100}xx",
        }
        self._requests.add(1, labels)
        self._duration.record(duration_ms, labels)

    def record_decision(self, action: str, outcome: str) -> None:
        """Counts one access decision (allow, deny or error) for an action."""
        self._decisions.add(1, {"cdp.action": _label(action), "cdp.outcome": _label(outcome)})

    def record_consent_denial(self, purpose: str, reason: str) -> None:
        """Counts one refusal for missing or invalid consent."""
        labels = {"cdp.purpose": _label(purpose), "cdp.reason": _label(reason)}
        self._consent_denials.add(1, labels)

    def record_audit_write(self, action: str, decision: str) -> None:
        """Counts one appended audit event by its tag and decision."""
        labels = {"cdp.action": _label(action), "cdp.decision": _label(decision)}
        self._audit_writes.add(1, labels)

    def record_ingest_rows(self, source: str, outcome: str, n: int) -> None:
        """Counts ingested rows of a source by outcome."""
        if n > 0:
            labels = {"cdp.source": _label(source), "cdp.outcome": _label(outcome)}
            self._ingest_rows.add(n, labels)

    def start_db_span(self, system: str, statement: str) -> SafeSpan | None:
        """Starts a statement's span under a recording parent, else returns None (engine hook)."""
        if not trace.get_current_span().is_recording():
            return None
        operation = sql_operation(statement)
        span = self._tracer.start_span(
            operation,
            kind=SpanKind.CLIENT,
            attributes={"db.system": _label(system), "db.operation": operation},
        )
        return RecordingSpan(span)

    def force_flush(self) -> None:
        """Exports what is buffered."""
        if self.tracer_provider:
            self.tracer_provider.force_flush()
        if self.meter_provider:
            self.meter_provider.force_flush()

    def shutdown(self) -> None:
        """Flushes and stops the exporters."""
        if self.tracer_provider:
            self.tracer_provider.shutdown()
        if self.meter_provider:
            self.meter_provider.shutdown()
