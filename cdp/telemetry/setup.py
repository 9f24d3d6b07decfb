"""Builds telemetry from settings: sampler, exporters and readers; none means the no-op."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, Sampler, TraceIdRatioBased

from cdp.telemetry.base import NOOP, Telemetry
from cdp.telemetry.sdk import OtelTelemetry
from cdp.telemetry.spans import AllowListSpanExporter

if TYPE_CHECKING:
    from cdp.settings import Settings


def sampler(ratio: float) -> Sampler:
    """Samples `ratio` of new traces; a caller's sampled flag cannot raise our rate."""
    ratio_based = TraceIdRatioBased(ratio)
    return ParentBased(
        ratio_based, remote_parent_sampled=ratio_based, remote_parent_not_sampled=ALWAYS_OFF
    )


def _otlp_url(endpoint: str | None, signal: str) -> str | None:
    """Returns the per-signal OTLP/HTTP URL, or None to let OTEL_EXPORTER_OTLP_* decide."""
    return f"{endpoint.rstrip('/')}/v1/{signal}" if endpoint else None


def _span_exporter(settings: Settings) -> SpanExporter | None:
    kind = settings.otel_exporter.value
    if kind == "console":
        return ConsoleSpanExporter()
    if kind == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=_otlp_url(settings.otel_endpoint, "traces"))
    return None


def _metric_reader(settings: Settings) -> MetricReader | None:
    kind = settings.otel_exporter.value
    if kind == "console":
        return PeriodicExportingMetricReader(ConsoleMetricExporter())
    if kind == "otlp":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        exporter = OTLPMetricExporter(endpoint=_otlp_url(settings.otel_endpoint, "metrics"))
        return PeriodicExportingMetricReader(exporter)
    return None


def setup_telemetry(
    settings: Settings,
    *,
    span_exporter: SpanExporter | None = None,
    metric_reader: MetricReader | None = None,
) -> Telemetry:
    """Builds the telemetry the settings ask for; injected exporter or reader win (tests).

    Sets no global provider: pass the result to `install` and shut it down on exit.
    """
    exporter = span_exporter or _span_exporter(settings)
    reader = metric_reader or _metric_reader(settings)
    if exporter is None and reader is None:
        return NOOP
    resource = Resource.create({"service.name": settings.otel_service_name})
    tracer_provider = None
    if exporter is not None:
        tracer_provider = TracerProvider(
            sampler=sampler(settings.otel_sampling_ratio), resource=resource
        )
        guarded = AllowListSpanExporter(exporter)
        processor = SimpleSpanProcessor if span_exporter else BatchSpanProcessor
        tracer_provider.add_span_processor(processor(guarded))
    meter_provider = None
    if reader is not None:
        meter_provider = MeterProvider(metric_readers=[reader], resource=resource)
    return OtelTelemetry(tracer_provider, meter_provider)
