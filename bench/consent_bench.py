"""Issue 4 figures: consent batch ingest (validation + ledger + projection + outbox) and checks."""

from __future__ import annotations

import statistics
import time
from typing import Any

from cdp.bootstrap import Platform
from cdp.synth.consents import consent_events
from cdp.synth.people import generate_people


def metric(value: float, unit: str, target: str, **extra: Any) -> dict[str, Any]:
    """Shapes one result entry."""
    return {"value": round(value, 2), "unit": unit, "target": target, "issue": 4, **extra}


def run(platform: Platform, customers: int, seed: int, quick: bool) -> dict[str, dict[str, Any]]:
    """Records synthetic consent events for the ingested customers, then times checks."""
    events, _ = consent_events(generate_people(customers, seed), seed)
    recorded, started = 0, time.perf_counter()
    for start in range(0, len(events), 2000):
        with platform.engine.begin() as conn:
            results = platform.consents.record(conn, events[start : start + 2000])
        recorded += sum(r.status == "recorded" for r in results)
    rate = len(events) / (time.perf_counter() - started)
    with platform.engine.connect() as conn:
        pairs = conn.exec_driver_sql(
            "SELECT customer_id, purpose FROM consent_state LIMIT ?", (500 if quick else 3000,)
        ).all()
        samples = []
        for customer_id, purpose in pairs:
            platform.consents.check(conn, customer_id, purpose)  # warm the customer's key
            began = time.perf_counter()
            platform.consents.check(conn, customer_id, purpose)
            samples.append(time.perf_counter() - began)
    return {
        "consent_ingest_events_per_s": metric(
            rate, "events/s", ">= 10000", events=len(events), recorded=recorded
        ),
        "consent_check_us": metric(statistics.median(samples) * 1e6, "us (p50)", "<= 30"),
    }
