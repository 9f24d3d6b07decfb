"""Telemetry: the attribute allow-list, sampling, metrics, log correlation and the no-op path."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from cdp import telemetry
from cdp.logs import JsonLineFormatter
from cdp.settings import Settings, TelemetryExporter
from cdp.telemetry.attributes import MAX_STRING, clean_attributes
from cdp.telemetry.sdk import OtelTelemetry, sql_operation

MOBILE = "13812345678"  # synthetic


def settings(ratio: float = 1.0, exporter: str = "none") -> Settings:
    return Settings(otel_sampling_ratio=ratio, otel_exporter=TelemetryExporter(exporter))


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def metrics() -> InMemoryMetricReader:
    return InMemoryMetricReader()


@pytest.fixture
def tel(
    spans: InMemorySpanExporter, metrics: InMemoryMetricReader
) -> Iterator[telemetry.Telemetry]:
    built = telemetry.setup_telemetry(settings(), span_exporter=spans, metric_reader=metrics)
    previous = telemetry.install(built)
    yield built
    telemetry.install(previous)
    built.shutdown()


def points(reader: InMemoryMetricReader, name: str) -> list[tuple[dict[str, Any], Any]]:
    """(attributes, value or count) of every point of one metric."""
    data = reader.get_metrics_data()
    found = []
    for resource in data.resource_metrics if data else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name == name:
                    for point in metric.data.data_points:
                        value = getattr(point, "value", None)
                        found.append((dict(point.attributes or {}), value or point.count))
    return found


def everything(span: ReadableSpan) -> str:
    """All of a span's text as exported: name, attributes, events, status."""
    events = [(e.name, dict(e.attributes or {})) for e in span.events]
    return repr((span.name, dict(span.attributes or {}), events, span.status.description))


CLEAN = [
    # an allowed id passes
    ({"cdp.customer_id": "c-1"}, {"cdp.customer_id": "c-1"}),
    # a raw path (may carry a search value) is not on the list
    ({"url.path": f"/v1/customers?mobile={MOBILE}"}, {}),
    # a statement is not on the list
    ({"db.statement": f"select * where mobile='{MOBILE}'"}, {}),
    # a long string is cut
    ({"cdp.reason": "x" * 500}, {"cdp.reason": "x" * MAX_STRING}),
    # a value of another type is dropped
    ({"cdp.field_count": {"a": 1}}, {}),
    # roles become a tuple of strings, sorted when given as a set
    ({"cdp.roles": frozenset({"b", "a"})}, {"cdp.roles": ("a", "b")}),
    # numbers and booleans pass
    ({"http.response.status_code": 200, "cdp.fields_clear": 0}, {
        "http.response.status_code": 200, "cdp.fields_clear": 0}),
]  # fmt: skip


@pytest.mark.parametrize(("given", "kept"), CLEAN)
def test_when_attributes_are_cleaned_then_only_allowed_plain_values_remain(
    given: dict[str, object], kept: dict[str, object]
) -> None:
    assert clean_attributes(given) == kept


def test_when_a_span_is_given_disallowed_attributes_then_they_never_reach_the_export(
    tel: telemetry.Telemetry, spans: InMemorySpanExporter
) -> None:
    with tel.span("op", {"cdp.purpose": "P01", "mobile": MOBILE}, **{"cdp.action": "read"}) as s:
        s.set("url.full", f"https://x/v1?mobile={MOBILE}")
        s.set("http.response.status_code", 200)
        s.set_many({"cdp.customer_id": "c-9", "enduser.id": MOBILE})
    (span,) = spans.get_finished_spans()
    assert dict(span.attributes or {}) == {
        "cdp.purpose": "P01",
        "cdp.action": "read",
        "http.response.status_code": 200,
        "cdp.customer_id": "c-9",
    }


def test_when_code_uses_the_raw_tracer_then_the_exporter_still_strips_attributes(
    tel: telemetry.Telemetry, spans: InMemorySpanExporter
) -> None:
    assert isinstance(tel, OtelTelemetry)
    assert tel.tracer_provider is not None
    raw = tel.tracer_provider.get_tracer("some.instrumentation")
    with raw.start_as_current_span("SELECT", attributes={"db.system": "sqlite"}) as span:
        span.set_attribute("db.statement", f"select 1 where m = '{MOBILE}'")
        span.add_event("query", {"db.statement": MOBILE})
        span.record_exception(ValueError(f"bad mobile {MOBILE}"))
        span.set_status(StatusCode.ERROR, f"bad mobile {MOBILE}")
    (exported,) = spans.get_finished_spans()
    assert MOBILE not in everything(exported)
    assert dict(exported.attributes or {}) == {"db.system": "sqlite"}
    assert [(e.name, dict(e.attributes or {})) for e in exported.events] == [
        ("exception", {"exception.type": "ValueError"})
    ]


def test_when_a_span_block_raises_then_only_the_exception_type_is_recorded(
    tel: telemetry.Telemetry, spans: InMemorySpanExporter
) -> None:
    with pytest.raises(KeyError), tel.span("op"):
        raise KeyError(MOBILE)
    (span,) = spans.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert MOBILE not in everything(span)
    assert dict(span.attributes or {}) == {"error.type": "KeyError"}


@pytest.mark.parametrize(
    ("ratio", "exported"),
    [
        (0.0, 0),  # nothing sampled
        (1.0, 5),  # everything sampled
    ],
)
def test_when_sampling_ratio_is_set_then_spans_follow_it(ratio: float, exported: int) -> None:
    sink = InMemorySpanExporter()
    built = telemetry.setup_telemetry(settings(ratio), span_exporter=sink)
    for _ in range(5):
        with built.span("op") as span:
            assert span.is_recording() is bool(exported)
            assert built.current_trace_id() is not None  # ids exist even when unsampled
    built.shutdown()
    assert len(sink.get_finished_spans()) == exported


def test_when_an_incoming_traceparent_is_given_then_the_span_joins_that_trace(
    tel: telemetry.Telemetry, spans: InMemorySpanExporter
) -> None:
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with tel.span("GET", kind="server", traceparent=parent):
        assert tel.current_trace_id() == "0af7651916cd43dd8448eb211c80319c"
    (span,) = spans.get_finished_spans()
    assert span.parent is not None
    assert span.parent.span_id == 0xB7AD6B7169203331


def test_when_metrics_are_recorded_then_each_instrument_has_its_points(
    tel: telemetry.Telemetry, metrics: InMemoryMetricReader
) -> None:
    tel.record_request("/v1/customers/{customer_id}", "get", 404, 12.5)
    tel.record_decision("read", "deny")
    tel.record_consent_denial("P05", "consent_withdrawn")
    tel.record_audit_write("profile:read", "allow")
    tel.record_ingest_rows("core_banking", "created", 7)
    route = {
        "http.route": "/v1/customers/{customer_id}",
        "http.request.method": "GET",
        "http.response.status_class": "4xx",
    }
    assert points(metrics, "cdp.http.requests") == [(route, 1)]
    assert points(metrics, "cdp.http.duration") == [(route, 1)]
    assert points(metrics, "cdp.decisions") == [({"cdp.action": "read", "cdp.outcome": "deny"}, 1)]
    assert points(metrics, "cdp.consent.denials") == [
        ({"cdp.purpose": "P05", "cdp.reason": "consent_withdrawn"}, 1)
    ]
    assert points(metrics, "cdp.audit.writes") == [
        ({"cdp.action": "profile:read", "cdp.decision": "allow"}, 1)
    ]
    assert points(metrics, "cdp.ingest.rows") == [
        ({"cdp.source": "core_banking", "cdp.outcome": "created"}, 7)
    ]


def test_when_a_record_is_logged_in_a_span_then_the_json_line_carries_its_ids(
    tel: telemetry.Telemetry,
) -> None:
    record = logging.LogRecord("cdp.x", logging.INFO, __file__, 1, "read %s", ("c-1",), None)
    record.run_id = "run-1"
    record.note = MOBILE  # not on the log allow-list
    with tel.span("op"):
        assert telemetry.TraceContextFilter().filter(record)
        trace_id = tel.current_trace_id()
    line = json.loads(JsonLineFormatter().format(record))
    assert line["trace_id"] == trace_id
    assert len(line["span_id"]) == 16
    assert (line["message"], line["run_id"]) == ("read c-1", "run-1")
    assert MOBILE not in json.dumps(line)


def test_when_nothing_is_set_up_then_the_no_op_telemetry_works_and_stamps_nothing() -> None:
    none = telemetry.setup_telemetry(settings(exporter="none"))
    assert none is telemetry.NOOP
    assert not none.enabled
    assert telemetry.current() is telemetry.NOOP
    with none.span("op", {"cdp.purpose": "P01"}) as span, none.span("inner"):
        span.set("cdp.customer_id", "c-1")
        assert not span.is_recording()
    assert none.current_trace_id() is None
    none.record_request("/v1", "GET", 200, 1.0)
    none.record_ingest_rows("s", "created", 3)
    assert none.start_db_span("sqlite", "select 1") is None
    record = logging.LogRecord("cdp.x", logging.INFO, __file__, 1, "m", (), None)
    telemetry.TraceContextFilter().filter(record)
    assert "trace_id" not in json.loads(JsonLineFormatter().format(record))
    none.shutdown()


def test_when_set_up_twice_then_each_telemetry_keeps_its_own_spans() -> None:
    first, second = InMemorySpanExporter(), InMemorySpanExporter()
    one = telemetry.setup_telemetry(settings(), span_exporter=first)
    two = telemetry.setup_telemetry(settings(), span_exporter=second)
    with one.span("a"), two.span("b"):
        pass
    assert [s.name for s in first.get_finished_spans()] == ["a"]
    assert [s.name for s in second.get_finished_spans()] == ["b"]
    one.shutdown()
    two.shutdown()


@pytest.mark.parametrize(
    ("statement", "operation"),
    [
        ("select * from t", "SELECT"),  # lower case
        ("\n  INSERT INTO t VALUES (?)", "INSERT"),  # leading whitespace
        ("/* hint */ select 1", "OTHER"),  # a comment first
        (f"{MOBILE} oops", "OTHER"),  # never echoes an unknown first word
        ("", "OTHER"),  # empty
    ],
)
def test_when_a_statement_is_named_then_only_a_known_keyword_is_used(
    statement: str, operation: str
) -> None:
    assert sql_operation(statement) == operation


def test_when_the_exporter_is_console_then_setup_builds_real_providers() -> None:
    built = telemetry.setup_telemetry(settings(exporter="console"))
    assert isinstance(built, OtelTelemetry)
    assert built.tracer_provider is not None
    assert built.meter_provider is not None
    built.shutdown()
