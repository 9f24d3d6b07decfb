"""Bulk ingest of a source file: validate, resolve, encrypt, write, batch by batch.

Each batch is one transaction. Re-running a file is idempotent: a (source, source_key) already
linked resolves to the same customer and survivorship keeps values on a tie, so a run killed
mid-file and started again creates no duplicates and loses nothing.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path

from sqlalchemy import Engine, insert, update

from audit.tags import AuditTag, Decision
from cdp import telemetry
from cdp.auditing.recorder import AuditRecorder
from cdp.db.engine import transaction
from cdp.db.models import IngestRun, table_of
from cdp.profiles.readers import RawRecord, read_records
from cdp.profiles.records import RowError, ValidRow, prepare_row
from cdp.profiles.resolution import REJECTION_REASONS, BatchApplier, Outcome, utcnow
from cdp.profiles.sources import SourceRegistry, UnknownSource
from governance.catalogue import FieldCatalogue
from masking.c3 import REFUSAL as C3_REFUSAL

log = logging.getLogger(__name__)
RESERVED_SOURCES = frozenset({"manual"})  # the governed write path's own source
run_t = table_of(IngestRun)


@dataclass(slots=True)
class IngestSummary:
    """Counts of one ingest; errors name rows, fields and reasons, never values."""

    read: int = 0
    created: int = 0
    merged: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    c3_refused: int = 0  # rejected rows that carried C3 data (also counted in `rejected`)
    errors: list[RowError] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        """Adds one row's outcome to the counts."""
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    def as_counts(self) -> dict[str, int]:
        """Returns the counts without the errors."""
        names = ("read", "created", "merged", "updated", "unchanged", "rejected", "c3_refused")
        return {name: getattr(self, name) for name in names}


ErrorSink = Callable[[RowError], None]


class Ingestor:
    """Runs file and batch ingests against one store."""

    def __init__(
        self,
        *,
        engine: Engine,
        catalogue: FieldCatalogue,
        sources: SourceRegistry,
        applier: BatchApplier,
        batch_size: int = 2000,
        clock: Callable[[], datetime] = utcnow,
        audit: AuditRecorder | None = None,
    ):
        self._engine = engine
        self._audit = audit
        self._catalogue = catalogue
        self._sources = sources
        self._applier = applier
        self._batch_size = batch_size
        self._clock = clock

    def ingest_file(
        self,
        path: Path,
        source: str,
        *,
        on_progress: Callable[[int], None] | None = None,
        on_error: ErrorSink | None = None,
    ) -> IngestSummary:
        """Ingests every record of a CSV or JSONL file for one source system."""
        self._refuse_reserved(source)
        records = read_records(path)
        first = next(records, None)
        run_id = self._start_run(path, source)
        summary = IngestSummary()
        seen: dict[str, int] = {}
        status = "failed"
        try:
            stream = _chain(first, records)
            for batch in _batches(stream, self._batch_size):
                self._ingest_batch(source, batch, summary, on_error, seen, run_id)
                if on_progress:
                    on_progress(len(batch))
            status = "done"
        finally:
            self._finish_run(run_id, status, summary)
        return summary

    def ingest_records(
        self, source: str, items: Iterable[Mapping[str, str]], on_error: ErrorSink | None = None
    ) -> IngestSummary:
        """Ingests records handed over in memory (an API batch) in one transaction."""
        self._refuse_reserved(source)
        raws = [RawRecord(i, dict(item)) for i, item in enumerate(items, start=1)]
        summary = IngestSummary()
        self._ingest_batch(source, raws, summary, on_error, {}, None)
        return summary

    def _refuse_reserved(self, source: str) -> None:
        self._sources.get(source)
        if source in RESERVED_SOURCES:
            raise UnknownSource(f"{source!r} is written only through the governed write path")

    def _ingest_batch(
        self,
        source: str,
        batch: list[RawRecord],
        summary: IngestSummary,
        on_error: ErrorSink | None,
        seen: dict[str, int],
        run_id: str | None,
    ) -> None:
        now = self._clock()
        valid: list[ValidRow] = []
        for raw in batch:
            summary.read += 1
            prepared = self._prepare(raw, now, seen)
            if isinstance(prepared, ValidRow):
                valid.append(prepared)
            else:
                self._reject(summary, prepared, on_error)
        with transaction(self._engine) as conn:
            outcomes, customer_ids = self._applier.apply_batch(conn, source, valid)
            if self._audit is not None:  # one event for the batch, in its transaction
                self._audit.record(
                    conn,
                    AuditTag.PROFILE_INGEST,
                    Decision.ALLOW,
                    customer_ids=customer_ids,
                    record_count=len(valid),
                    source=f"source:{source}",
                    **({"request_id": run_id} if run_id else {}),
                )
        count_rows(source, len(batch) - len(valid), outcomes)
        for row, outcome in zip(valid, outcomes, strict=True):
            reason = REJECTION_REASONS.get(outcome)
            if reason is None:
                summary.count(outcome)
                continue
            summary.rejected += 1
            field = None if outcome is Outcome.REJECTED else "id_number"
            self._report(summary, RowError(row.row, field, reason), on_error)

    def _prepare(
        self, raw: RawRecord, now: datetime, seen: dict[str, int]
    ) -> ValidRow | list[RowError]:
        if raw.values is None:
            return [RowError(raw.row, None, raw.error or "unreadable record")]
        prepared = prepare_row(self._catalogue, raw.row, raw.values, now)
        if isinstance(prepared, ValidRow):
            first = seen.setdefault(prepared.source_key, raw.row)
            if first != raw.row:
                reason = f"duplicate source_key in this input (first at row {first})"
                return [RowError(raw.row, "source_key", reason)]
        return prepared

    def _reject(
        self, summary: IngestSummary, errors: list[RowError], on_error: ErrorSink | None
    ) -> None:
        summary.rejected += 1
        if any(error.reason.startswith(C3_REFUSAL) for error in errors):
            summary.c3_refused += 1
        for error in errors:
            self._report(summary, error, on_error)

    @staticmethod
    def _report(summary: IngestSummary, error: RowError, on_error: ErrorSink | None) -> None:
        if len(summary.errors) < 10_000:
            summary.errors.append(error)
        if on_error:
            on_error(error)

    def _start_run(self, path: Path, source: str) -> str:
        run_id = str(uuid.uuid4())
        row = {
            "run_id": run_id,
            "source": source,
            "file_name": path.name[:255],
            "file_sha256": _sha256(path),
            "started_at": self._clock(),
            "finished_at": None,
            "status": "running",
            "counts": {},
        }
        with transaction(self._engine) as conn:
            conn.execute(insert(run_t), row)
        return run_id

    def _finish_run(self, run_id: str, status: str, summary: IngestSummary) -> None:
        values = {"finished_at": self._clock(), "status": status, "counts": summary.as_counts()}
        with transaction(self._engine) as conn:
            conn.execute(update(run_t).where(run_t.c.run_id == run_id).values(values))
        log.info("ingest run %s %s: %s", run_id, status, summary.as_counts())


def count_rows(source: str, invalid: int, outcomes: Iterable[Outcome]) -> None:
    """Counts a committed batch's rows by outcome (`invalid`: refused before resolution)."""
    meter = telemetry.current()
    if not meter.enabled:
        return
    meter.record_ingest_rows(source, "invalid", invalid)
    for outcome, n in Counter(outcomes).items():
        meter.record_ingest_rows(source, outcome, n)


def _chain(first: RawRecord | None, rest: Iterator[RawRecord]) -> Iterator[RawRecord]:
    if first is not None:
        yield first
        yield from rest


def _batches(records: Iterator[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    while batch := list(islice(records, size)):
        yield batch


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
