"""Traces, metrics and log correlation without PII: the only package touching OpenTelemetry.

Importing this package costs nothing heavy: the SDK loads only when `setup_telemetry` runs.
Callers use `current()` (the no-op until `install`), `Telemetry.span(...)` for spans whose
attributes pass the allow-list, and the `record_*` methods for metrics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdp.telemetry.attributes import ALLOWED_SPAN_ATTRIBUTES, clean_attributes
from cdp.telemetry.base import NOOP, SafeSpan, Telemetry, current, install
from cdp.telemetry.logcontext import TraceContextFilter

if TYPE_CHECKING:
    from opentelemetry.sdk.metrics.export import MetricReader
    from opentelemetry.sdk.trace.export import SpanExporter
    from sqlalchemy import Engine

    from cdp.settings import Settings


def setup_telemetry(
    settings: Settings,
    *,
    span_exporter: SpanExporter | None = None,
    metric_reader: MetricReader | None = None,
) -> Telemetry:
    """Builds the telemetry the settings ask for (loads the SDK only when something exports)."""
    from cdp.telemetry.setup import setup_telemetry as build

    return build(settings, span_exporter=span_exporter, metric_reader=metric_reader)


def instrument_engine(engine: Engine) -> Engine:
    """Adds one span per SQL statement (system and first keyword only) to an engine."""
    from cdp.telemetry.database import instrument_engine as instrument

    return instrument(engine)


__all__ = [
    "ALLOWED_SPAN_ATTRIBUTES",
    "NOOP",
    "SafeSpan",
    "Telemetry",
    "TraceContextFilter",
    "clean_attributes",
    "current",
    "install",
    "instrument_engine",
    "setup_telemetry",
]
