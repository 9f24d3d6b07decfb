"""Micro-timing of sealing and verification (reported, not gated).

Run with `pytest -s -m slow tests/unit/test_audit_speed.py` to see the numbers; the bench harness
owns the gated `audit_append_per_s` and `audit_verify_per_s` figures, measured with a database.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from audit.canonical import encode
from audit.chain import genesis, link
from audit.decoding import columns_of
from audit.events import AuditEvent
from audit.pii import refuse_pii
from audit.seal import seal
from audit.verify import verify_chain
from tests.unit.test_audit_support import KEY, event, sealed

COUNT = 20_000


def best_us(run: Callable[[], object], per: int, rounds: int = 5) -> float:
    """Returns the best of a few rounds, in microseconds per item."""
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return best / per * 1e6


def guard_all(events: list[AuditEvent]) -> None:
    """Runs the PII guard over every event."""
    for e in events:
        refuse_pii(e)


@pytest.mark.slow
def test_when_20000_events_are_sealed_and_verified_then_the_costs_are_reported() -> None:
    events = [event(n) for n in range(COUNT)]
    bodies = [encode(e) for e in events]
    links = sealed(COUNT)
    head = genesis(0)
    timings = {
        "pii guard": best_us(lambda: guard_all(events), COUNT),
        "encode (guard included)": best_us(lambda: [encode(e) for e in events], COUNT),
        "link (HMAC)": best_us(lambda: [link(head, b, KEY) for b in bodies], COUNT),
        "seal = encode + link": best_us(lambda: seal(events, head, KEY), COUNT),
        "verify": best_us(lambda: verify_chain(links, KEY, head), COUNT),
        "columns_of (optional check)": best_us(lambda: [columns_of(b) for b in bodies], COUNT),
    }
    assert verify_chain(links, KEY, head).checked == COUNT
    print(f"\naudit micro-timings, {len(bodies[0])}-byte bodies, µs per event:")
    for name, micros in timings.items():
        print(f"  {name:<28} {micros:6.2f}  ({1e6 / micros:,.0f}/s)")
