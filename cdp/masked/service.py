"""Keeps the masked view in step: refresh inside the writer's transaction, rebuild in bulk batches.

Refresh is called by every profile write (ingest batches, governed writes) and consent batch
with the customers it touched; erased customers lose their row. Rebuild walks every profile in
customer-id order, one transaction per batch, so a crash leaves each row either old or new and
running it again repairs everything.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine

from audit.tags import AuditTag, Decision
from cdp.auditing.recorder import AuditRecorder
from cdp.db.engine import transaction
from cdp.masked import repository as repo
from cdp.masked.notes import NoteMasker, NoteOutcome, masked_now, reusable
from cdp.masked.projection import FIELDS, Projector
from cdp.profiles.resolution import utcnow
from cdp.profiles.store import ProfileStore
from cdp.tags.repository import deleted_tags
from consent.clock import local_date

BIRTH = ("birth_date",)
NOTE = ("service_note", "full_name")  # the customer's own name is masked in their note surely


@dataclass(slots=True)
class RefreshStats:
    """What refreshes did: rows written and removed, and how each note was obtained."""

    written: int = 0
    removed: int = 0
    notes: Counter[str] = field(default_factory=Counter)

    def add(self, other: RefreshStats) -> None:
        """Adds another batch's figures."""
        self.written += other.written
        self.removed += other.removed
        self.notes.update(other.notes)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pauses the cyclic garbage collector for one bounded batch (a fifth of a rebuild's time
    went to full collections scanning the process's long-lived objects); refcounting still frees
    everything acyclic, and the collector runs again between batches."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class MaskedView:
    """Refreshes and rebuilds `masked_profile`; decrypts only through the profile store."""

    def __init__(
        self,
        *,
        projector: Projector,
        store: ProfileStore,
        masker: NoteMasker | None = None,
        clock: Callable[[], datetime] = utcnow,
    ):
        self._projector = projector
        self._store = store
        self._masker = masker
        self._clock = clock

    def refresh(self, conn: Connection, customer_ids: Sequence[str]) -> RefreshStats:
        """Recomputes the customers' rows in the caller's transaction (after its own writes)."""
        ids = sorted(set(customer_ids))
        if not ids:
            return RefreshStats()
        return self._refresh(conn, sorted(repo.lock_customers(conn, ids, skip_locked=False)))

    def refresh_consents(self, conn: Connection, customer_ids: Sequence[str]) -> RefreshStats:
        """Recomputes only the consent flags after a consent batch (opens just the birth date).

        A consent change touches nothing else of the row; customers without a row yet get the
        full refresh.
        """
        ids = sorted(set(customer_ids))
        if not ids:
            return RefreshStats()
        ids = sorted(repo.lock_customers(conn, ids, skip_locked=False))
        present = repo.held(conn, ids)
        stats = self._refresh(conn, [cid for cid in ids if cid not in present])
        held = [cid for cid in ids if cid in present]
        births = self._store.values_many(conn, held, BIRTH)
        consents = repo.consent_states(conn, held)
        now, project = self._clock(), self._projector.consent_columns
        rows = [
            project(cid, (opened or {}).get("birth_date"), consents.get(cid, ()), now)
            for cid, opened in births.items()
            if opened is not None  # erased: the shred removed the row already
        ]
        repo.update_consents(conn, rows)
        stats.written += len(rows)
        return stats

    def _refresh(self, conn: Connection, ids: Sequence[str]) -> RefreshStats:
        if not ids:
            return RefreshStats()
        now, stats = self._clock(), RefreshStats()
        today = local_date(now)  # ages and minor flags follow the Chinese calendar day
        values = self._store.values_many(conn, ids, FIELDS)
        rows = [row for row in repo.sources(conn, ids) if values.get(row.customer_id) is not None]
        erased = [cid for cid in ids if cid in values and values[cid] is None]
        notes = self._notes(conn, rows)
        present = [row.customer_id for row in rows]
        consents = repo.consent_states(conn, present)
        deleted = deleted_tags(conn, present)  # one query per batch
        responses = self._responses(conn, present)
        no_deletions: frozenset[str] = frozenset()
        masked = []
        for row in rows:
            note = notes[row.customer_id]
            stats.notes[note.how] += 1
            fields = values[row.customer_id] or {}
            masked.append(
                self._projector.row(
                    row,
                    fields,
                    consents.get(row.customer_id, ()),
                    note,
                    now,
                    today,
                    deleted.get(row.customer_id, no_deletions),
                    responses.get(row.customer_id),
                )
            )
        repo.upsert(conn, masked)
        repo.remove(conn, erased)
        stats.written, stats.removed = len(masked), len(erased)
        return stats

    def _responses(
        self, conn: Connection, customer_ids: Sequence[str]
    ) -> dict[str, dict[str, datetime]]:
        """customer id -> the latest instant of each campaign response kind (one query)."""
        if not customer_ids or not repo.any_responses(conn):
            return {}  # skips minting a marketing pseudonym per customer
        keys = self._projector.response_keys(customer_ids)
        if not keys:
            return {}
        return {keys[p]: kinds for p, kinds in repo.latest_responses(conn, list(keys)).items()}

    def _notes(self, conn: Connection, rows: Sequence[repo.SourceRow]) -> dict[str, NoteOutcome]:
        """Reuses masked notes where possible; opens and masks only the changed ones."""
        done = {row.customer_id: reusable(row, self._masker) for row in rows}
        stale = [row for row in rows if done[row.customer_id] is None]
        if stale and self._masker is not None:
            texts = self._store.values_many(conn, [r.customer_id for r in stale], NOTE)
            for row in stale:
                opened = texts.get(row.customer_id) or {}
                names = [n for n in (opened.get("full_name"),) if n]
                done[row.customer_id] = masked_now(
                    row, opened.get("service_note"), self._masker, names
                )
        return {cid: outcome for cid, outcome in done.items() if outcome is not None}

    def rebuild(
        self,
        engine: Engine,
        *,
        batch_size: int = 2000,
        on_progress: Callable[[int, int], None] | None = None,
        audit: AuditRecorder | None = None,
    ) -> RefreshStats:
        """Recomputes every row, batch by batch; audited at the start and at the end."""
        with transaction(engine) as conn:
            total = repo.count_profiles(conn)
            if audit is not None:
                audit.record(
                    conn,
                    AuditTag.MASKED_REBUILD,
                    Decision.ALLOW,
                    reason="started",
                    record_count=total,
                )
        stats, after = RefreshStats(), ""
        while True:
            with transaction(engine) as conn:
                ids = repo.page_after(conn, after, batch_size)
                if not ids:
                    if audit is not None:
                        audit.record(
                            conn,
                            AuditTag.MASKED_REBUILD,
                            Decision.ALLOW,
                            reason="completed",
                            record_count=stats.written,
                        )
                    return stats
                # rows a concurrent writer holds are refreshed by that writer, in its transaction
                locked = repo.lock_customers(conn, ids, skip_locked=True)
                with collector_paused():
                    stats.add(self._refresh(conn, sorted(locked)))
            after = ids[-1]
            if on_progress:
                on_progress(stats.written + stats.removed, total)
