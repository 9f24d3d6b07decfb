"""One span per SQL statement naming only the database system and the first SQL keyword.

Not opentelemetry-instrumentation-sqlalchemy: it puts statement text in spans. The listeners
ask the current telemetry at each statement, so an engine built before `install` still works,
and they do nothing unless a sampled span is current.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExceptionContext, ExecutionContext

from cdp.telemetry import base

_SPAN = "_cdp_span"


def _before(
    conn: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: ExecutionContext | None,
    executemany: bool,
) -> None:
    span = base.current().start_db_span(conn.dialect.name, statement)
    if span is not None and context is not None:
        setattr(context, _SPAN, span)


def _after(
    conn: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: ExecutionContext | None,
    executemany: bool,
) -> None:
    span = getattr(context, _SPAN, None)
    if span is not None:
        setattr(context, _SPAN, None)
        span.end()


def _failed(failure: ExceptionContext) -> None:
    span = getattr(failure.execution_context, _SPAN, None)
    if span is not None:
        setattr(failure.execution_context, _SPAN, None)
        span.set_error(failure.original_exception)
        span.end()


def instrument_engine(engine: Engine) -> Engine:
    """Adds the statement-span listeners to an engine (idempotent) and returns it."""
    if not event.contains(engine, "before_cursor_execute", _before):
        event.listen(engine, "before_cursor_execute", _before)
        event.listen(engine, "after_cursor_execute", _after)
        event.listen(engine, "handle_error", _failed)
    return engine
