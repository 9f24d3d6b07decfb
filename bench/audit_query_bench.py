"""Audit query figures: who accessed one customer, and the denied report, over a large trail.

The trail is written through the real `SqlAuditTrail` (sealed, MAC-chained, subjects indexed) in
batches of 10,000 events; the timed reports verify and decode every row they select.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from audit.events import AuditEvent
from audit.tags import AuditTag, Decision
from cdp.auditing.reports import denied_by_actor, who_accessed
from cdp.bootstrap import Platform, audit_key, build_platform, init_store
from cdp.settings import Settings

FULL, QUICK = 1_000_000, 100_000
EVENTS_PER_CUSTOMER = 10
BATCH = 10_000
ACTIONS = (AuditTag.PROFILE_READ, AuditTag.PROFILE_FIELD_READ, AuditTag.PROFILE_SEARCH)
ROLES = (("teller",), ("kyc_officer",), ("customer_service",), ("kyc_officer", "teller"))
FIELDS = ("mobile", "full_name", "id_number", "birth_date", "email", "home_address")
START = datetime(2026, 1, 1, tzinfo=UTC)


def metric(value: float, unit: str, events: int, **extra: Any) -> dict[str, Any]:
    """Shapes one result entry."""
    return {"value": round(value, 2), "unit": unit, "events": events, **extra}


def synthetic_event(rng: random.Random, i: int, customers: list[str]) -> AuditEvent:
    """One plausible governed-read event: 3 % denied, ids only."""
    denied = rng.random() < 0.03
    fields = tuple(rng.sample(FIELDS, 3))
    return AuditEvent(
        event_id=str(uuid.UUID(int=rng.getrandbits(128))),
        occurred_at=START + timedelta(seconds=i * 3),
        actor=f"u{rng.randrange(2000)}",
        action=rng.choice(ACTIONS),
        decision=Decision.DENY if denied else Decision.ALLOW,
        roles=rng.choice(ROLES),
        purpose=f"P0{rng.randrange(1, 6)}",
        customer_ids=(rng.choice(customers),),
        fields_clear=() if denied else fields[:2],
        fields_masked=() if denied else fields[2:],
        fields_denied=fields if denied else (),
        reason="purpose_not_allowed" if denied else None,
        request_id=str(uuid.UUID(int=rng.getrandbits(128))),
    )


def fill(platform: Platform, n: int, customers: list[str]) -> None:
    """Appends n events in sealed batches, each batch on one chain."""
    rng = random.Random(7)
    for start in range(0, n, BATCH):
        batch = [synthetic_event(rng, i, customers) for i in range(start, min(n, start + BATCH))]
        with platform.engine.begin() as conn:
            platform.audit.append(conn, batch, routing=str(start))


def timed_ms(run: Any, repeats: int) -> float:
    """Returns the median wall time of `run()` in milliseconds."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run(quick: bool) -> dict[str, Any]:
    """Fills a temporary SQLite trail and times the two reports on it."""
    n = QUICK if quick else FULL
    rng = random.Random(11)
    customers = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(n // EVENTS_PER_CUSTOMER)]
    with tempfile.TemporaryDirectory(prefix="cdp-audit-bench-") as tmp:
        root = Path(tmp)
        settings = Settings(
            database_url=f"sqlite:///{root / 'cdp.db'}",
            var_dir=root,
            key_dir=root / "keys",
            log_file=root / "cdp.log",
        )
        init_store(settings)
        platform = build_platform(settings)
        try:
            fill(platform, n, customers)
            key = audit_key(settings, create=False)
            with platform.engine.connect() as conn:
                sample = iter(rng.sample(customers, 25))
                customer_ms = timed_ms(lambda: who_accessed(conn, key, next(sample)), 25)
                denied_ms = timed_ms(lambda: denied_by_actor(conn, key), 3)
        finally:
            platform.close()
    return {
        "audit_query_customer_ms": metric(customer_ms, "ms", n),
        "audit_query_denied_ms": metric(denied_ms, "ms", n, denied_share="3 %"),
    }


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
