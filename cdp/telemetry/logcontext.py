"""Puts the current trace and span ids on log records, so a log line finds its trace."""

from __future__ import annotations

import logging

from cdp.telemetry import base


class TraceContextFilter(logging.Filter):
    """Adds `trace_id` and `span_id` (hex) to each record made inside a trace; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Stamps the record and lets it through."""
        ids = base.current().current_span_ids()
        if ids is not None:
            record.trace_id, record.span_id = ids
        return True
