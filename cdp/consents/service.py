"""The consent ledger service: record channel events, keep the projection, answer verdicts.

A batch is handled in the caller's transaction: every event succeeds or fails on its own with a
reason; the ledger is appended, the touched (customer, purpose) pairs are re-folded from the
ledger, the projection is upserted and each state change queues a `consent.changed` outbox row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from audit.tags import AuditTag, Decision
from cdp.auditing.recorder import AuditRecorder
from cdp.consents import repository as repo
from cdp.consents.stored import (
    canonical,
    fingerprint,
    from_stored,
    state_from_json,
    state_to_json,
    to_stored,
)
from cdp.profiles.lookup import InvalidLookup
from cdp.profiles.repository import find_digests
from cdp.profiles.resolution import utcnow
from cdp.profiles.store import ProfileStore
from cdp.profiles.validators import FieldInvalid, is_resident_id, validate_field
from cdp.profiles.vault import ProfileVault
from consent.errors import EventInvalid
from consent.events import ConsentEvent, CustomerRef, RefKind
from consent.fold import ConsentState, ConsentStatus, fold
from consent.notices import NoticeCatalogue
from consent.parsing import parse_event
from consent.purposes import PurposeCatalogue
from consent.verdict import Verdict, may_prompt, verdict_from_state
from governance.catalogue import FieldCatalogue

TOPIC = "consent.changed"


@dataclass(frozen=True, slots=True)
class EventResult:
    """What happened to one event of a batch: recorded, duplicate, or rejected with a reason."""

    position: int
    event_id: str | None
    status: str
    field: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class _Accepted:
    position: int
    event: ConsentEvent
    customer_id: str
    stored: str
    fingerprint: str


class ConsentLedger:
    """Records consent events and answers `check(customer, purpose, at)`."""

    def __init__(
        self,
        *,
        catalogue: FieldCatalogue,
        purposes: PurposeCatalogue,
        notices: NoticeCatalogue,
        vault: ProfileVault,
        store: ProfileStore,
        clock: Callable[[], datetime] = utcnow,
        audit: AuditRecorder | None = None,
        on_changed: Callable[[Connection, Sequence[str]], object] | None = None,
    ):
        self._audit = audit
        self._on_changed = on_changed  # the masked view's consent flags, in this transaction
        self._catalogue = catalogue
        self.purposes = purposes
        self.notices = notices
        self._vault = vault
        self._store = store
        self._clock = clock

    def record(self, conn: Connection, raws: Sequence[Mapping[str, Any]]) -> list[EventResult]:
        """Validates, resolves and records a batch; one result per input, in order."""
        now = self._clock()
        results: dict[int, EventResult] = {}
        parsed = self._parse(raws, now, results)
        resolved = self._resolve(conn, parsed, results)
        accepted = self._deduplicate(conn, resolved, results)
        if accepted:
            accepted = self._append(conn, accepted, now, results)
        self._record_audit(conn, accepted, len(raws))
        return [results[i] for i in range(len(raws))]

    def _record_audit(self, conn: Connection, accepted: list[_Accepted], given: int) -> None:
        """One audit event for the batch (ids, purposes, channels), in its transaction."""
        if self._audit is None:
            return
        purposes = sorted({item.event.purpose for item in accepted})
        channels = sorted({item.event.channel.value for item in accepted})
        rejected = given - len(accepted)
        self._audit.record(
            conn,
            AuditTag.CONSENT_EVENT,
            Decision.ALLOW,
            customer_ids=tuple(dict.fromkeys(item.customer_id for item in accepted)),
            record_count=len(accepted),
            purpose=purposes[0] if len(purposes) == 1 else None,
            reason=f"not_recorded:{rejected}" if rejected else None,
            **({"channel": channels[0]} if len(channels) == 1 else {}),
        )

    def _parse(
        self, raws: Sequence[Mapping[str, Any]], now: datetime, results: dict[int, EventResult]
    ) -> list[tuple[int, ConsentEvent]]:
        parsed = []
        for position, raw in enumerate(raws):
            try:
                event = parse_event(raw, purposes=self.purposes, notices=self.notices, now=now)
            except EventInvalid as exc:
                event_id = raw.get("event_id") if isinstance(raw, Mapping) else None
                safe_id = event_id if isinstance(event_id, str) and len(event_id) <= 128 else None
                results[position] = EventResult(
                    position, safe_id, "rejected", exc.field, str(exc.reason)
                )
                continue
            parsed.append((position, event))
        return parsed

    def _resolve(
        self,
        conn: Connection,
        parsed: list[tuple[int, ConsentEvent]],
        results: dict[int, EventResult],
    ) -> list[tuple[int, ConsentEvent, str, str | None]]:
        digests = {pos: self._digest(e.customer) for pos, e in parsed}
        wanted: dict[str, list[bytes]] = {"id_number": [], "mobile": []}
        for ref, digest in ((e.customer, digests[p]) for p, e in parsed):
            if ref.kind is not RefKind.CUSTOMER_ID and digest is not None:
                wanted[ref.kind.value].append(digest)
        found = find_digests(conn, {k: v for k, v in wanted.items() if v})
        direct = repo.existing_customers(
            conn, [e.customer.value for _, e in parsed if e.customer.kind is RefKind.CUSTOMER_ID]
        )
        out = []
        for position, event in parsed:
            matches = self._matches(event.customer, digests[position], found, direct)
            if len(matches) != 1:
                reason = "matches no customer" if not matches else "matches several customers"
                results[position] = EventResult(
                    position, event.event_id, "rejected", "customer", reason
                )
                continue
            out.append((position, event, matches[0], self._guardian_digest(event)))
        return out

    def _digest(self, ref: CustomerRef) -> bytes | None:
        if ref.kind is RefKind.CUSTOMER_ID:
            return None
        try:
            canonical = validate_field(self._catalogue.get(ref.kind.value), ref.value)
        except FieldInvalid:
            return None
        return self._vault.digest(ref.kind.value, canonical)

    @staticmethod
    def _matches(
        ref: CustomerRef,
        digest: bytes | None,
        found: Mapping[tuple[str, bytes], set[str]],
        direct: set[str],
    ) -> list[str]:
        if ref.kind is RefKind.CUSTOMER_ID:
            return [ref.value] if ref.value in direct else []
        return sorted(found.get((ref.kind.value, digest), ())) if digest else []

    def _guardian_digest(self, event: ConsentEvent) -> str | None:
        guardian = event.actor.guardian
        if guardian is None or guardian.kind is RefKind.CUSTOMER_ID:
            return guardian.value if guardian else None
        digest = self._digest(guardian)
        return digest.hex() if digest else None

    def _deduplicate(
        self,
        conn: Connection,
        resolved: list[tuple[int, ConsentEvent, str, str | None]],
        results: dict[int, EventResult],
    ) -> list[_Accepted]:
        candidates = []
        for position, event, cid, guardian in resolved:
            stored = canonical(to_stored(event, cid, guardian))
            candidates.append(_Accepted(position, event, cid, stored, fingerprint(stored)))
        known = repo.known_events(conn, [c.event.event_id for c in candidates])
        accepted: list[_Accepted] = []
        for item in candidates:
            seen = known.get(item.event.event_id)
            if seen is None:
                known[item.event.event_id] = item.fingerprint
                accepted.append(item)
                results[item.position] = EventResult(item.position, item.event.event_id, "recorded")
            elif seen == item.fingerprint:
                results[item.position] = EventResult(
                    item.position, item.event.event_id, "duplicate"
                )
            else:
                results[item.position] = _conflict(item)
        return accepted

    def _append(
        self,
        conn: Connection,
        accepted: list[_Accepted],
        now: datetime,
        results: dict[int, EventResult],
    ) -> list[_Accepted]:
        """Appends the events, re-folds their pairs and returns those this batch stored."""
        pairs = {(a.customer_id, a.event.purpose) for a in accepted}
        repo.lock_pairs(conn, pairs)
        repo.insert_events(conn, [self._row(a, now) for a in accepted])
        accepted = self._keep_ours(conn, accepted, results)
        customers = sorted({cid for cid, _ in pairs})
        before = repo.states_of(conn, customers, pairs)
        # a pair without a projection row has no earlier events: this batch holds its history
        known = set(before)
        ledger = repo.events_of(conn, sorted({c for c, _ in known}), known) if known else {}
        fresh: dict[tuple[str, str], list[ConsentEvent]] = {}
        for item in accepted:
            fresh.setdefault((item.customer_id, item.event.purpose), []).append(item.event)
        upserts, outbox = [], []
        for customer_id, purpose in sorted(pairs):
            if (customer_id, purpose) in known:
                events = [from_stored(doc) for doc in ledger.get((customer_id, purpose), [])]
            else:
                events = fresh[(customer_id, purpose)]
            at = max([now, *(e.occurred_at for e in events)])
            state = fold(events, purposes=self.purposes, notices=self.notices, at=at).get(purpose)
            if state is None:
                continue
            doc = state_to_json(state)
            upserts.append((customer_id, purpose, state.status.value, doc, now))
            old = before.get((customer_id, purpose))
            if old != doc:
                outbox.append(self._change(customer_id, purpose, old, doc, now))
        repo.upsert_states(conn, upserts)
        repo.insert_outbox(conn, outbox)
        if self._on_changed is not None:
            self._on_changed(conn, customers)
        return accepted

    @staticmethod
    def _keep_ours(
        conn: Connection, accepted: list[_Accepted], results: dict[int, EventResult]
    ) -> list[_Accepted]:
        """Drops events a concurrent writer stored first under the same id (insert skipped)."""
        stored = repo.known_events(conn, [a.event.event_id for a in accepted])
        ours = []
        for item in accepted:
            if stored.get(item.event.event_id) == item.fingerprint:
                ours.append(item)
                continue
            results[item.position] = _conflict(item)
        return ours

    @staticmethod
    def _row(item: _Accepted, now: datetime) -> dict[str, Any]:
        event = item.event
        return {
            "event_id": event.event_id,
            "customer_id": item.customer_id,
            "purpose": event.purpose,
            "action": event.action.value,
            "channel": event.channel.value,
            "occurred_at": event.occurred_at,
            "received_at": now,
            "payload": item.stored,
            "payload_sha256": item.fingerprint,
        }

    @staticmethod
    def _change(
        customer_id: str,
        purpose: str,
        old: dict[str, Any] | None,
        new: dict[str, Any],
        now: datetime,
    ) -> dict[str, Any]:
        payload = {
            "customer_id": customer_id,
            "purpose": purpose,
            "from": old["status"] if old else "none",
            "to": new["status"],
            "event_id": new.get("event_id"),
            "notice_version": new.get("notice_version"),
            "at": now.isoformat(),
        }
        return {
            "topic": TOPIC,
            "customer_id": customer_id,
            "payload": payload,
            "created_at": now,
            "delivered_at": None,
        }

    def state(
        self, conn: Connection, customer_id: str, purpose: str, at: datetime | None = None
    ) -> ConsentState | None:
        """Current state from the projection, or the ledger folded as of a past instant."""
        if at is None:
            doc = repo.state_of(conn, customer_id, purpose)
            return state_from_json(doc) if doc else None
        ledger = repo.events_of(conn, [customer_id]).get((customer_id, purpose), [])
        states = fold(
            [from_stored(d) for d in ledger], purposes=self.purposes, notices=self.notices, at=at
        )
        return states.get(purpose)

    def check(
        self, conn: Connection, customer_id: str, purpose: str, at: datetime | None = None
    ) -> Verdict:
        """Says whether processing for `purpose` is covered at `at` (default now), and why."""
        spec = self.purposes.get(purpose)
        if spec is None:
            raise InvalidLookup(f"unknown purpose {purpose!r}")
        moment = at or self._clock()
        state = self.state(conn, customer_id, purpose, at) if spec.needs_consent else None
        # age only matters for a live grant: every other state is refused whatever the age
        live = state is not None and state.status is ConsentStatus.GRANTED
        birth = self._birth_date(conn, customer_id) if live else None
        return verdict_from_state(state, spec, self.notices, birth, moment)

    def may_prompt(
        self, conn: Connection, customer_id: str, purpose: str, at: datetime | None = None
    ) -> bool:
        """Tells a channel whether it may ask for consent now (not within a refusal cooldown)."""
        spec = self.purposes.get(purpose)
        if spec is None:
            return False
        return may_prompt(self.state(conn, customer_id, purpose, at), spec, at or self._clock())

    def _birth_date(self, conn: Connection, customer_id: str) -> date | None:
        """The stored birth date, else the one a resident ID encodes: age must not be guessed."""
        values = self._store.values(conn, customer_id, ("birth_date", "id_number"))
        if values["birth_date"]:
            return date.fromisoformat(values["birth_date"])
        number = values["id_number"]
        if number and is_resident_id(number):
            return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        return None


def _conflict(item: _Accepted) -> EventResult:
    """The result for an event id already stored with other content."""
    return EventResult(
        item.position,
        item.event.event_id,
        "rejected",
        "event_id",
        "conflict: same event id, different content",
    )
