"""Reads flat source records from CSV and JSONL, one result per record, never raising mid-file.

Bytes that are not UTF-8 are carried as surrogate escapes and reported on their own record, so one
bad row never loses the rest of the file.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

MAX_RECORD_CHARS = 64 * 1024
_SURROGATE = re.compile("[\udc80-\udcff]")
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,47}")  # other keys could be data


class IngestFileError(ValueError):
    """The file as a whole cannot be read (empty, unknown format, unreadable)."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as read: 1-based row number, flat values, or why it is unreadable."""

    row: int
    values: dict[str, str] | None
    error: str | None = None


def detect_format(path: Path) -> str:
    """Returns 'csv' or 'jsonl' from the file name."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        return "csv"
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    raise IngestFileError(f"unknown file format {suffix!r}: use .csv or .jsonl")


def read_records(path: Path) -> Iterator[RawRecord]:
    """Yields every record of a CSV or JSONL file."""
    kind = detect_format(path)
    if not path.is_file():
        raise IngestFileError(f"no such file: {path.name}")
    if path.stat().st_size == 0:
        raise IngestFileError(f"{path.name} is empty")
    handle = path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
    with handle:
        yield from (_csv_records(handle) if kind == "csv" else _jsonl_records(handle))


def _csv_records(handle: IO[str]) -> Iterator[RawRecord]:
    csv.field_size_limit(MAX_RECORD_CHARS * 4)  # oversize records become row errors, not crashes
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise IngestFileError(f"the CSV header cannot be parsed: {exc}") from None
    if _SURROGATE.search("".join(header)):
        raise IngestFileError("the CSV header is not valid UTF-8")
    names = [name.strip() for name in header]
    row = 0
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield RawRecord(row, None, "malformed CSV row")
            continue
        yield _csv_record(row, names, cells)


def _csv_record(row: int, names: list[str], cells: list[str]) -> RawRecord:
    if len(cells) > len(names):
        return RawRecord(row, None, "more cells than header columns")
    if sum(map(len, cells)) > MAX_RECORD_CHARS:
        return RawRecord(row, None, f"record longer than {MAX_RECORD_CHARS} characters")
    if _SURROGATE.search("".join(cells)):
        return RawRecord(row, None, "not valid UTF-8")
    return RawRecord(row, dict(zip(names, cells, strict=False)))


def _jsonl_records(handle: IO[str]) -> Iterator[RawRecord]:
    row = 0
    for line in handle:
        if not line.strip():
            continue
        row += 1
        yield _jsonl_record(row, line)


def _jsonl_record(row: int, line: str) -> RawRecord:
    if len(line) > MAX_RECORD_CHARS:
        return RawRecord(row, None, f"record longer than {MAX_RECORD_CHARS} characters")
    if _SURROGATE.search(line):
        return RawRecord(row, None, "not valid UTF-8")
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return RawRecord(row, None, "not a JSON object")
    if not isinstance(data, dict):
        return RawRecord(row, None, "not a JSON object")
    return _flatten(row, data)


def _flatten(row: int, data: dict[str, Any]) -> RawRecord:
    values: dict[str, str] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            label = key if _FIELD_NAME.fullmatch(str(key)) else "<unnamed field>"
            return RawRecord(row, None, f"field {label} is not a flat text or number value")
        values[str(key)] = str(value)
    return RawRecord(row, values)
