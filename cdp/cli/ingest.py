"""`cdp ingest`: bulk-load a source file with per-row errors and a summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cdp.bootstrap import Platform
from cdp.cli.common import (
    EXIT_FAILED_ROWS,
    EXIT_OK,
    EXIT_USAGE,
    count_lines,
    err,
    out,
    platform,
    progress,
)
from cdp.profiles.ingest import IngestSummary
from cdp.profiles.readers import IngestFileError, detect_format
from cdp.profiles.records import RowError
from cdp.profiles.sources import UnknownSource

MAX_PRINTED_ERRORS = 50


def ingest(
    file: Annotated[Path, typer.Argument(help="CSV or JSONL file of flat source records.")],
    source: Annotated[str, typer.Option("--source", help="Registered source system name.")],
    batch_size: Annotated[int | None, typer.Option(help="Rows per transaction.")] = None,
    errors: Annotated[
        Path | None, typer.Option("--errors", help="Write every row error as JSONL here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest FILE from SOURCE; exit 0 when every row was stored, 1 when some were rejected."""
    with platform() as built:
        summary = run_ingest(built, file, source, batch_size, errors)
    print_summary(summary, as_json)
    raise typer.Exit(EXIT_FAILED_ROWS if summary.rejected else EXIT_OK)


def run_ingest(
    built: Platform, file: Path, source: str, batch_size: int | None, errors: Path | None
) -> IngestSummary:
    """Runs one file ingest with a progress bar and streamed error reporting."""
    try:
        built.sources.get(source)
        detect_format(file)
    except (UnknownSource, IngestFileError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    sink = _ErrorSink(errors)
    try:
        with progress() as bar:
            task = bar.add_task(f"ingest {source}", total=_count_lines(file))
            return built.ingestor(batch_size).ingest_file(
                file, source, on_progress=lambda n: bar.advance(task, n), on_error=sink
            )
    except IngestFileError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    finally:
        sink.close()


class _ErrorSink:
    """Prints the first row errors and writes all of them to an optional JSONL file."""

    def __init__(self, path: Path | None):
        self.printed = 0
        self.handle = path.open("w", encoding="utf-8") if path else None

    def __call__(self, error: RowError) -> None:
        if self.handle:
            self.handle.write(json.dumps(_error_dict(error)) + "\n")
        if self.printed < MAX_PRINTED_ERRORS:
            where = f"{error.field}: " if error.field else ""
            err.print(f"row {error.row}: {where}{error.reason}", markup=False)
        elif self.printed == MAX_PRINTED_ERRORS:
            err.print("... further row errors omitted (use --errors FILE for all)")
        self.printed += 1

    def close(self) -> None:
        if self.handle:
            self.handle.close()


def _error_dict(error: RowError) -> dict[str, object]:
    return {"row": error.row, "field": error.field, "reason": error.reason}


def _count_lines(file: Path) -> int | None:
    lines = count_lines(file)
    if lines is None:
        return None
    return max(lines - (1 if file.suffix.lower() == ".csv" else 0), 0)


def print_summary(summary: IngestSummary, as_json: bool = False) -> None:
    """Prints the ingest counts as a table or JSON."""
    counts = summary.as_counts()
    if as_json:
        out.print_json(json.dumps(counts))
        return
    table = Table(title="ingest summary")
    for name in counts:
        table.add_column(name, justify="right")
    table.add_row(*(f"{value:,}" for value in counts.values()))
    out.print(table)
