"""Structured logs to var/log as JSON lines; messages carry counts and ids, never PII values."""

from __future__ import annotations

import atexit
import json
import logging
import queue
from datetime import UTC, datetime
from logging.handlers import QueueHandler, QueueListener
from pathlib import Path

from cdp.telemetry import TraceContextFilter

# record attributes a line may carry (`log.info(..., extra={"run_id": ...})`): ids and counts only
LOG_FIELDS = (
    "trace_id",
    "span_id",
    "request_id",
    "run_id",
    "client_id",
    "customer_id",
    "route",
    "method",
    "status",
    "duration_ms",
    "source",
    "action",
    "outcome",
    "purpose",
    "reason",
    "count",
)
_PLAIN = (str, int, float, bool)


class JsonLineFormatter(logging.Formatter):
    """Formats one record as one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in LOG_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, _PLAIN):
                payload[name] = value
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(log_file: Path, level: str = "INFO") -> None:
    """Sends application logs to a private JSON-lines file; idempotent."""
    root = logging.getLogger()
    if any(getattr(h, "_cdp", False) for h in root.handlers):
        return
    log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    writer = logging.FileHandler(log_file, encoding="utf-8")
    writer.setFormatter(logging.Formatter("%(message)s"))  # the JSON line, made by `handler`
    # records are stamped with trace ids and formatted in the caller's thread, written (and
    # flushed) by a background thread: a request never waits on the log file
    handler = QueueHandler(queue.SimpleQueue())
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(TraceContextFilter())
    handler._cdp = True  # type: ignore[attr-defined]
    listener = QueueListener(handler.queue, writer)
    listener.start()
    atexit.register(listener.stop)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
