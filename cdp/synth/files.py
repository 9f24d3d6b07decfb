"""Writes synthetic source exports as CSV/JSONL files (mode 0600) and corrupts rows for demos.

`generate_demo_files(out_dir, customers, seed, error_rate=0.0) -> (paths, DemoSummary)` writes
`core_banking.csv`, `credit_card.jsonl` and `mobile_app.csv`. `paths` maps source name to file;
the summary counts rows per source and lists every injected error as an `InjectedError`
(source, 0-based row index, kind), so `len(summary.injected)` is the number of broken rows.
Row index i is data row i + 1 of the file (the CSV header is not counted).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from cdp.resources import load_catalogue, shipped_policy_dir
from cdp.synth.corrupt import inject_errors
from cdp.synth.people import generate_people
from cdp.synth.sources import SourceRecord, build_source_records
from governance.catalogue import FieldCatalogue

__all__ = [
    "DemoSummary",
    "InjectedError",
    "generate_demo_files",
    "inject_errors",
    "write_csv",
    "write_jsonl",
]

DEMO_FILES = {"core_banking": "csv", "credit_card": "jsonl", "mobile_app": "csv"}
_ENVELOPE = ("source_key", "observed_at")
Row = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class InjectedError:
    """One row broken on purpose: which file, which data row (0-based), what was broken."""

    source: str
    index: int
    kind: str


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What generate_demo_files wrote: rows per source and the errors injected into them."""

    customers: int
    seed: int
    rows: dict[str, int]
    injected: tuple[InjectedError, ...]

    def injected_into(self, source: str) -> dict[int, str]:
        """Maps row index to error kind for one source."""
        return {e.index: e.kind for e in self.injected if e.source == source}


def as_rows(records: Iterable[SourceRecord | Row]) -> list[dict[str, str]]:
    """Flattens records into `{"source_key", "observed_at", <field>...}` rows."""
    return [
        {"source_key": r.source_key, "observed_at": r.observed_at, **r.fields}
        if isinstance(r, SourceRecord)
        else dict(r)
        for r in records
    ]


def write_csv(
    records: Iterable[SourceRecord | Row], path: Path, catalogue: FieldCatalogue | None = None
) -> None:
    """Writes records as CSV: envelope columns, then the fields used, in catalogue order."""
    rows = as_rows(records)
    columns = _columns(rows, catalogue or load_catalogue(shipped_policy_dir()))
    with _private_file(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_jsonl(records: Iterable[SourceRecord | Row], path: Path) -> None:
    """Writes records as one flat JSON object per line, non-ASCII kept readable."""
    with _private_file(path) as handle:
        for row in as_rows(records):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _columns(rows: Sequence[Row], catalogue: FieldCatalogue) -> list[str]:
    used = {name for row in rows for name in row}
    extra = [n for n in dict.fromkeys(n for row in rows for n in row) if n not in catalogue]
    known = [name for name in catalogue.names if name in used]
    return [*_ENVELOPE, *known, *(n for n in extra if n not in _ENVELOPE)]


@contextmanager
def _private_file(path: Path) -> Iterator[TextIO]:
    """Opens a file for writing that only the owner can read, whatever the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)  # the file may have existed with wider permissions
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        yield handle


def generate_demo_files(
    out_dir: Path, customers: int, seed: int, error_rate: float = 0.0
) -> tuple[dict[str, Path], DemoSummary]:
    """Generates customers, exports them from three sources and writes one file per source."""
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    records = build_source_records(generate_people(customers, seed), seed)
    paths: dict[str, Path] = {}
    injected: list[InjectedError] = []
    for number, (source, kind) in enumerate(DEMO_FILES.items()):
        rows = as_rows(records[source])
        errors = inject_errors(rows, error_rate, seed * 31 + number, jsonl=kind == "jsonl")
        paths[source] = out_dir / f"{source}.{kind}"
        if kind == "csv":
            write_csv(rows, paths[source])
        else:
            write_jsonl(rows, paths[source])
        injected += (InjectedError(source, index, kind) for index, kind in errors)
    rows_per_source = {source: len(records[source]) for source in DEMO_FILES}
    return paths, DemoSummary(customers, seed, rows_per_source, tuple(injected))
