"""Documents to scan: lines of a text file, one JSONL field, or one CSV column.

Bad lines are reported by number and reason and skipped; their content is never echoed, since a
line that fails to parse may still hold personal data.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

csv.field_size_limit(1 << 24)  # long call transcripts


@dataclass(frozen=True, slots=True)
class Document:
    """One text to scan and where it came from (line, or CSV record number)."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that could not be read as a document: its number and why."""

    line: int
    reason: str


class ScanInputError(ValueError):
    """The input as a whole cannot be read (missing file, wrong column)."""


def open_text(source: str) -> IO[str]:
    """Opens FILE, or stdin for `-`, as UTF-8 text."""
    if source == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="strict")
    path = Path(source)
    if not path.is_file():
        raise ScanInputError(f"no such file: {path.name}")
    return path.open(encoding="utf-8", newline="")


def read_documents(
    handle: IO[str], *, field: str | None = None, column: str | None = None
) -> Iterator[Document | BadLine]:
    """Yields each document of the input, or a BadLine for each line that cannot be read."""
    if field is not None and column is not None:
        raise ScanInputError("use --field for JSONL or --column for CSV, not both")
    if column is not None:
        return _csv_documents(handle, column)
    if field is not None:
        return _jsonl_documents(handle, field)
    return _text_documents(handle)


def _lines(handle: IO[str]) -> Iterator[tuple[int, str]]:
    try:
        for number, line in enumerate(handle, start=1):
            yield number, line.rstrip("\r\n")
    except UnicodeDecodeError:
        raise ScanInputError("input is not UTF-8 text") from None


def _text_documents(handle: IO[str]) -> Iterator[Document | BadLine]:
    for number, line in _lines(handle):
        yield Document(number, line)


def _jsonl_documents(handle: IO[str], field: str) -> Iterator[Document | BadLine]:
    for number, line in _lines(handle):
        if not line.strip():
            continue
        yield _json_document(number, line, field)


def _json_document(number: int, line: str, field: str) -> Document | BadLine:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return BadLine(number, "not a JSON object")
    if not isinstance(record, dict):
        return BadLine(number, "not a JSON object")
    value = record.get(field)
    if value is None:
        return BadLine(number, "field missing")
    if not isinstance(value, str):
        return BadLine(number, "field is not text")
    return Document(number, value)


def _csv_documents(handle: IO[str], column: str) -> Iterator[Document | BadLine]:
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
        if header is None or column not in header:
            raise ScanInputError("the CSV header has no such column")
        index = header.index(column)
        for number, row in enumerate(reader, start=1):
            yield _csv_document(number, row, index)
    except UnicodeDecodeError:
        raise ScanInputError("input is not UTF-8 text") from None
    except csv.Error:
        raise ScanInputError(f"malformed CSV after record {reader.line_num}") from None


def _csv_document(number: int, row: list[str], index: int) -> Document | BadLine:
    if index >= len(row):
        return BadLine(number, "record has too few columns")
    return Document(number, row[index])
