"""Structured logs to var/log as JSON lines; messages carry counts and ids, never PII values."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path


class JsonLineFormatter(logging.Formatter):
    """Formats one record as one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(log_file: Path, level: str = "INFO") -> None:
    """Sends application logs to a private JSON-lines file; idempotent."""
    root = logging.getLogger()
    if any(getattr(h, "_cdp", False) for h in root.handlers):
        return
    log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(JsonLineFormatter())
    handler._cdp = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
