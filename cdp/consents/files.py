"""Reads consent events from channel files: JSONL in wire shape, CSV with dotted column names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cdp.profiles.readers import RawRecord, read_records


def read_events(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Yields (row, event mapping or None, reason) for every record of the file."""
    if path.suffix.lower() in {".jsonl", ".ndjson", ".json"}:
        yield from _jsonl(path)
        return
    for record in read_records(path):
        yield record.row, _csv_event(record), record.error


def _csv_event(record: RawRecord) -> dict[str, Any] | None:
    if record.values is None:
        return None
    return {key: value for key, value in record.values.items() if value != ""}


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    import json

    if path.stat().st_size == 0:
        from cdp.profiles.readers import IngestFileError

        raise IngestFileError(f"{path.name} is empty")
    with path.open(encoding="utf-8", errors="surrogateescape") as handle:
        row = 0
        for line in handle:
            if not line.strip():
                continue
            row += 1
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                yield row, None, "not a JSON object"
                continue
            if not isinstance(data, dict):
                yield row, None, "not a JSON object"
                continue
            yield row, data, None
