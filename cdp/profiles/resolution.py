"""Identity resolution and survivorship for one batch of validated rows, written set-wise.

A row joins the customer its (source, source_key) is already linked to; otherwise the first
match key in the configured order that points at exactly one compatible customer; otherwise a new
customer. Mobile or e-mail never merge two people whose ID numbers differ.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import Connection

from cdp.profiles import repository as repo
from cdp.profiles.ids import new_customer_id
from cdp.profiles.records import ValidRow
from cdp.profiles.sources import SourceRegistry
from cdp.profiles.survivorship import Survivorship, pack_provenance
from cdp.profiles.vault import FieldSealer, ProfileVault, StoredKey, ct_column
from governance.catalogue import FieldCatalogue, FieldType


class Outcome(StrEnum):
    """What one valid row did to the store."""

    CREATED = "created"
    MERGED = "merged"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"  # the customer was erased
    ID_CONFLICT = "id_conflict"  # the ID number contradicts the linked customer's
    ID_AMBIGUOUS = "id_ambiguous"  # the ID number already names several customers


ERASED_REASON = "customer has been erased (data key destroyed)"
REJECTION_REASONS = {
    Outcome.REJECTED: ERASED_REASON,
    Outcome.ID_CONFLICT: "id_number differs from the one this source key is linked to",
    Outcome.ID_AMBIGUOUS: "id_number matches several customers; resolve them first",
}


@dataclass(slots=True)
class Working:
    """A customer's profile row as the batch changes it; sealed only at flush."""

    customer_id: str
    is_new: bool
    row: dict[str, Any]
    key: StoredKey | None
    sealer: FieldSealer | None = None
    pending: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class BatchState:
    """What the batch knows about existing customers, extended as rows are applied."""

    links: dict[str, tuple[str, datetime | None]]
    known: dict[tuple[str, bytes], set[str]]
    id_digests: dict[str, set[bytes]]
    profiles: dict[str, dict[str, Any]]
    keys: dict[str, StoredKey]
    working: dict[str, Working] = field(default_factory=dict)
    new_links: list[dict[str, Any]] = field(default_factory=list)
    touched_links: list[dict[str, Any]] = field(default_factory=list)
    digest_rows: list[tuple[str, bytes, str]] = field(default_factory=list)


def utcnow() -> datetime:
    """Returns the current aware UTC instant."""
    return datetime.now(UTC)


class Applied(NamedTuple):
    """A batch's outcomes (one per row) and the customers its accepted rows resolved to."""

    outcomes: list[Outcome]
    customer_ids: tuple[str, ...]


class BatchApplier:
    """Resolves, merges and writes one batch inside the caller's transaction."""

    def __init__(
        self,
        *,
        catalogue: FieldCatalogue,
        sources: SourceRegistry,
        vault: ProfileVault,
        clock: Callable[[], datetime] = utcnow,
        on_written: Callable[[Connection, Sequence[str]], object] | None = None,
    ):
        self._catalogue = catalogue
        self._sources = sources
        self._vault = vault
        self._clock = clock
        self._on_written = on_written  # the masked view's refresh, in this same transaction
        self._survivorship = Survivorship(sources, catalogue.names)
        self._bi_fields = tuple(f.name for f in catalogue.blind_indexed)
        self._match = sources.match_order
        self._columns = [c.name for c in repo.profile_t.columns if c.name != "customer_id"]

    def apply(self, conn: Connection, source: str, rows: Sequence[ValidRow]) -> list[Outcome]:
        """Applies the rows in order and writes everything they changed."""
        return self.apply_batch(conn, source, rows).outcomes

    def apply_batch(self, conn: Connection, source: str, rows: Sequence[ValidRow]) -> Applied:
        """Applies the rows and also names every customer they resolved to (for the audit)."""
        self._vault.use_active_kek(repo.active_kek(conn))
        digests = [self._digests(row) for row in rows]
        state = self._load_state(conn, source, rows, digests)
        outcomes = [
            self._apply_row(state, source, row, dig) for row, dig in zip(rows, digests, strict=True)
        ]
        self._flush(conn, source, state)
        return Applied(outcomes, tuple(state.working))

    def apply_to(self, conn: Connection, source: str, customer_id: str, row: ValidRow) -> Outcome:
        """Applies one row to a known customer (a governed write), bypassing identity resolution."""
        digests = [self._digests(row)]
        state = self._load_state(conn, source, [row], digests, extra=[customer_id])
        if customer_id not in state.profiles:
            raise LookupError("no such customer")
        state.links[row.source_key] = (customer_id, None)
        outcome = self._apply_row(state, source, row, digests[0])
        self._flush(conn, source, state)
        return outcome

    def _digests(self, row: ValidRow) -> dict[str, bytes]:
        digest = self._vault.digest
        return {f: digest(f, row.values[f]) for f in self._bi_fields if f in row.values}

    def _load_state(
        self,
        conn: Connection,
        source: str,
        rows: Sequence[ValidRow],
        digests: list[dict[str, bytes]],
        extra: Sequence[str] = (),
    ) -> BatchState:
        links = repo.find_links_with_time(conn, source, [r.source_key for r in rows])
        wanted = {f: [d[f] for d in digests if f in d] for f in self._match}
        known = repo.find_digests(conn, wanted)
        candidates = list(
            {cid for cid, _ in links.values()} | {c for s in known.values() for c in s} | set(extra)
        )
        return BatchState(
            links=links,
            known=known,
            id_digests=repo.digests_of(conn, "id_number", candidates),
            profiles=repo.load_profiles(conn, candidates),
            keys=repo.load_keys(conn, candidates),
        )

    def _apply_row(
        self, state: BatchState, source: str, row: ValidRow, dig: dict[str, bytes]
    ) -> Outcome:
        linked = state.links.get(row.source_key)
        own_id = dig.get("id_number")
        if linked is not None:
            customer_id, outcome = linked[0], None
            theirs = state.id_digests.get(customer_id)
            if own_id is not None and theirs and own_id not in theirs:
                return Outcome.ID_CONFLICT
        else:
            if own_id is not None and len(state.known.get(("id_number", own_id), ())) > 1:
                return Outcome.ID_AMBIGUOUS
            matched = self._resolve(state, dig)
            customer_id = matched or new_customer_id()
            outcome = Outcome.MERGED if matched else Outcome.CREATED
        work = self._working(state, customer_id)
        if work is None:
            return Outcome.REJECTED
        if linked is None:
            self._link(state, row, customer_id)
        else:
            self._touch_link(state, row, linked[1])
        changed = self._survive(work, source, row)
        self._remember(state, customer_id, dig)
        if outcome is not None:
            return outcome
        return Outcome.UPDATED if changed else Outcome.UNCHANGED

    def _resolve(self, state: BatchState, dig: dict[str, bytes]) -> str | None:
        own_id = dig.get("id_number")
        for field_name in self._match:
            digest = dig.get(field_name)
            candidates = state.known.get((field_name, digest)) if digest else None
            if not candidates:
                continue
            fitting = [c for c in candidates if self._compatible(state, field_name, own_id, c)]
            if len(fitting) == 1:
                return fitting[0]
        return None

    @staticmethod
    def _compatible(state: BatchState, field_name: str, own_id: bytes | None, cid: str) -> bool:
        if field_name == "id_number" or own_id is None:
            return True
        theirs = state.id_digests.get(cid)
        return not theirs or own_id in theirs

    def _working(self, state: BatchState, customer_id: str) -> Working | None:
        work = state.working.get(customer_id)
        if work is not None:
            return work
        if customer_id in state.profiles:
            key = state.keys.get(customer_id)
            if key is None:
                return None
            work = Working(customer_id, False, dict(state.profiles[customer_id]), key)
        else:
            key, sealer = self._vault.new_key(customer_id)
            row: dict[str, Any] = dict.fromkeys(self._columns)
            row.update(customer_id=customer_id, provenance={})
            work = Working(customer_id, True, row, key, sealer)
        state.working[customer_id] = work
        return work

    def _link(self, state: BatchState, row: ValidRow, customer_id: str) -> None:
        state.links[row.source_key] = (customer_id, row.observed_at)
        state.new_links.append(
            {"source_key": row.source_key, "customer_id": customer_id, "at": row.observed_at}
        )

    @staticmethod
    def _touch_link(state: BatchState, row: ValidRow, last: datetime | None) -> None:
        if last is None or row.observed_at > last:
            state.touched_links.append({"key": row.source_key, "at": row.observed_at})

    def _survive(self, work: Working, source: str, row: ValidRow) -> bool:
        provenance, pending = work.row["provenance"], work.pending
        candidate = (source, row.observed_text)
        if not provenance:  # nothing held yet: every value survives
            entry = list(candidate)
            provenance.update(dict.fromkeys(row.values, entry))
            pending.update(row.values)
            return bool(row.values)
        wins = self._survivorship.wins
        changed = False
        for field_name, value in row.values.items():
            current = provenance.get(field_name)
            if wins(field_name, candidate, (current[0], current[1]) if current else None):
                provenance[field_name] = list(candidate)
                pending[field_name] = value
                changed = True
        return changed

    def _remember(self, state: BatchState, customer_id: str, dig: dict[str, bytes]) -> None:
        rows = state.digest_rows
        for field_name, digest in dig.items():
            rows.append((field_name, digest, customer_id))
            if field_name in self._match:
                state.known.setdefault((field_name, digest), set()).add(customer_id)
            if field_name == "id_number":
                state.id_digests.setdefault(customer_id, set()).add(digest)

    def _flush(self, conn: Connection, source: str, state: BatchState) -> None:
        now = self._clock()
        inserts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        updates: list[dict[str, Any]] = []
        for work in state.working.values():
            if not work.pending:
                continue
            self._seal_pending(work)
            work.row["provenance"] = pack_provenance(work.row["provenance"])
            work.row["updated_at"] = now
            if work.is_new:
                self._queue_new(inserts, work, now)
            else:
                updates.append(work.row)
                inserts["touch"].append({"updated_at": now, "customer_id": work.customer_id})
        repo.insert_rows(conn, repo.customer_t, inserts["customer"])
        if inserts["key"]:
            repo.hold_keks(conn, {row["kek_version"] for row in inserts["key"]})
        repo.insert_rows(conn, repo.key_t, inserts["key"])
        repo.insert_rows(conn, repo.profile_t, inserts["profile"])
        repo.update_profiles(conn, updates)
        repo.touch_customers(conn, inserts["touch"])
        repo.insert_digests(conn, list(dict.fromkeys(state.digest_rows)))
        repo.insert_rows(conn, repo.link_t, self._link_rows(source, state.new_links, now))
        repo.touch_links(conn, source, state.touched_links)
        if self._on_written is not None:
            self._on_written(conn, [r["customer_id"] for r in (*inserts["profile"], *updates)])

    def _seal_pending(self, work: Working) -> None:
        sealer = work.sealer
        for field_name, value in work.pending.items():
            spec = self._catalogue.get(field_name)
            if spec.encrypted:
                if sealer is None:
                    sealer = work.sealer = self._vault.sealer(work.customer_id, _key(work))
                work.row[ct_column(field_name)] = sealer.seal(field_name, value)
            elif spec.type is FieldType.DATE:
                work.row[field_name] = date.fromisoformat(value)
            elif spec.type is FieldType.COUNT:
                work.row[field_name] = int(value)
            else:
                work.row[field_name] = value
        work.pending.clear()

    @staticmethod
    def _queue_new(inserts: dict[str, list[dict[str, Any]]], work: Working, now: datetime) -> None:
        key = _key(work)
        cid = work.customer_id
        inserts["customer"].append(
            {"customer_id": cid, "created_at": now, "updated_at": now, "shredded_at": None}
        )
        inserts["key"].append(
            {
                "customer_id": cid,
                "kek_version": key.kek_version,
                "dek_version": key.dek_version,
                "wrapped_key": key.wrapped,
                "created_at": now,
                "rotated_at": None,
            }
        )
        inserts["profile"].append(work.row)

    @staticmethod
    def _link_rows(source: str, links: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
        return [
            {
                "source": source,
                "source_key": link["source_key"],
                "customer_id": link["customer_id"],
                "first_seen_at": now,
                "last_observed_at": link["at"],
            }
            for link in links
        ]


def _key(work: Working) -> StoredKey:
    if work.key is None:
        raise RuntimeError("a working profile without a data key reached the writer")
    return work.key
