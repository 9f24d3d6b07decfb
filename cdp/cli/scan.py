"""`cdp scan`: find PII and C3 data in free text; prints types and offsets, or masked text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cdp.cli.common import (
    EXIT_FAILED_ROWS,
    EXIT_OK,
    EXIT_USAGE,
    count_lines,
    err,
    out,
    progress,
    settings,
)
from cdp.scanning.documents import BadLine, Document, ScanInputError, open_text, read_documents
from cdp.scanning.factory import build_pii_detector
from cdp.scanning.scanner import ScanTotals, TextScanner

if TYPE_CHECKING:
    from masking.detect import PiiDetector

MODES = ("mask", "tag")


def scan(
    source: Annotated[str, typer.Argument(help="Text file (a document a line), - = stdin.")] = "-",
    field: Annotated[str | None, typer.Option("--field", help="JSONL: scan this field.")] = None,
    column: Annotated[str | None, typer.Option("--column", help="CSV: scan this column.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per document.")] = False,
    anonymize: Annotated[bool, typer.Option("--anonymize", help="Print documents masked.")] = False,
    mode: Annotated[str | None, typer.Option("--mode", help="mask (default) or tag.")] = None,
) -> None:  # fmt: skip
    """Scan SOURCE for PII and C3 data; exit 0 when every line was read, 1 when some were not."""
    if mode is not None and mode not in MODES:
        err.print("[red]error:[/] --mode must be mask or tag")
        raise typer.Exit(EXIT_USAGE)
    scanner = TextScanner(_detector(), mode=mode)
    try:
        with open_text(source) as handle:
            totals = _run(scanner, handle, source, field, column, as_json, anonymize)
    except ScanInputError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if not (as_json or anonymize):
        _print_totals(totals)
    raise typer.Exit(EXIT_FAILED_ROWS if totals.bad_lines else EXIT_OK)


def _detector() -> PiiDetector:
    from masking.detect import DetectorConfigError  # Presidio loads only when scanning

    try:
        return build_pii_detector(settings())
    except DetectorConfigError as exc:
        err.print(f"[red]invalid recognizer policy:[/] {exc}")
        raise typer.Exit(EXIT_USAGE) from None


def _run(
    scanner: TextScanner,
    handle: IO[str],
    source: str,
    field: str | None,
    column: str | None,
    as_json: bool,
    anonymize: bool,
) -> ScanTotals:
    totals = ScanTotals()
    for item in _with_progress(read_documents(handle, field=field, column=column), source):
        if isinstance(item, BadLine):
            totals.bad_lines += 1
            err.print(f"line {item.line}: {item.reason}", markup=False)
            continue
        _emit(scanner, item, totals, as_json, anonymize)
    return totals


def _emit(
    scanner: TextScanner, doc: Document, totals: ScanTotals, as_json: bool, anonymize: bool
) -> None:
    findings = scanner.find(doc.text)
    totals.add(findings)
    if as_json:
        record: dict[str, object] = {"line": doc.line, "entities": [f.as_json() for f in findings]}
        if anonymize:
            record["text"] = scanner.anonymize(doc.text)
        print(json.dumps(record, ensure_ascii=False))
    elif anonymize:
        print(scanner.anonymize(doc.text))


def _with_progress(
    items: Iterator[Document | BadLine], source: str
) -> Iterator[Document | BadLine]:
    total = count_lines(Path(source)) if source != "-" else None
    bar = progress() if total is not None else nullcontext()
    with bar as live:
        task = live.add_task("scan", total=total) if live is not None else None
        for item in items:
            yield item
            if live is not None and task is not None:
                live.advance(task)


def _print_totals(totals: ScanTotals) -> None:
    table = Table(title="scan summary (types and counts only)")
    table.add_column("entity type")
    table.add_column("found", justify="right")
    for name, count in sorted(totals.by_type.items()):
        table.add_row(name, f"{count:,}")
    out.print(table)
    out.print(
        f"{totals.documents:,} documents, {totals.with_findings:,} with findings, "
        f"{totals.bad_lines:,} unreadable lines"
    )
