"""Micro-timing of `decide` against plain pycasbin with 10,000 policy lines (reported, not gated).

Run with `pytest -s -m slow tests/unit/test_governance_speed.py` to see the numbers; the bench
harness owns the gated `policy_decide_us` and `policy_speedup_vs_casbin` figures.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from governance.catalogue import FieldCatalogue, FieldClass, FieldSpec, FieldType
from governance.decision import Action
from governance.engine import PolicyEngine
from governance.sources import PolicyTexts
from tests.unit.test_governance_support import CATALOGUE, SHIPPED, as_role, engine, roles_yaml

LINES = 10_000
ACTIONS = [action.value for action in Action]
PURPOSES = [f"P{number:02d}" for number in range(1, 16)]


def forty_fields() -> FieldCatalogue:
    """Pads the shipped catalogue to 40 fields with plain C1/C2 extras."""
    extra = tuple(
        FieldSpec(
            f"extra_{i:02d}",
            "附加",
            FieldClass.C2 if i % 2 else FieldClass.C1,
            False,
            False,
            "none",
            FieldType.STRING,
            "short_text",
            64,
        )
        for i in range(40 - len(CATALOGUE.fields))
    )
    return FieldCatalogue(1, CATALOGUE.fields + extra)


def padded_policy(catalogue: FieldCatalogue) -> PolicyTexts:
    """Adds filler roles (50 distinct allow lines each) until the policy has 10,000 p lines."""
    shipped = [line for line in SHIPPED.policy_csv.splitlines() if line.startswith("p,")]
    combos = list(itertools.product(catalogue.names, ACTIONS, PURPOSES))
    lines: list[str] = []
    documented: list[tuple[str, list[str]]] = []
    for number in itertools.count():
        room = LINES - len(shipped) - len(lines)
        if room <= 0:
            break
        start = number * 50 % len(combos)
        chunk = combos[start : start + min(50, room)]
        role = f"filler_{number:03d}"
        lines += [f"p, {role}, profile.{f}, {a}, {p}, allow" for f, a, p in chunk]
        documented.append((role, sorted({p for _, _, p in chunk})))
    filler_roles = roles_yaml(*documented).split("roles:\n", 1)[1]
    return replace(
        SHIPPED,
        policy_csv=SHIPPED.policy_csv + "\n".join(lines) + "\n",
        roles_yaml=SHIPPED.roles_yaml + filler_roles,
    )


def per_call_us(call: Callable[[], object], repeat: int) -> float:
    """Times `repeat` calls of a zero-argument callable, in microseconds per call."""
    start = time.perf_counter()
    for _ in range(repeat):
        call()
    return (time.perf_counter() - start) / repeat * 1e6


@pytest.mark.slow
def test_when_10000_lines_are_loaded_then_decide_is_timed_against_plain_casbin() -> None:
    catalogue = forty_fields()
    texts = padded_policy(catalogue)
    assert sum(line.startswith("p,") for line in texts.policy_csv.splitlines()) == LINES
    started = time.perf_counter()
    big = engine(texts, catalogue)
    load_s = time.perf_counter() - started
    clerk, fields = as_role("customer_service"), list(catalogue.names)
    started = time.perf_counter()
    decided = big.decide(clerk, "P01", fields)
    cold_ms = (time.perf_counter() - started) * 1e3
    decide_us = per_call_us(lambda: big.decide(clerk, "P01", fields), 20_000)
    paths = [spec.path for spec in catalogue]
    casbin_us = per_call_us(
        lambda: [big.casbin_allows("customer_service", p, "read", "P01") for p in paths], 1
    )
    print(
        f"\nload {load_s:.2f} s, first decide {cold_ms:.1f} ms, warm decide(40) {decide_us:.1f} us,"
        f" casbin 40x enforce {casbin_us / 1e3:.0f} ms ({casbin_us / 40 / LINES:.2f} us/line),"
        f" speedup {casbin_us / decide_us:,.0f}x"
    )
    small: PolicyEngine = engine(catalogue=catalogue)
    assert decided.fields == small.decide(clerk, "P01", fields).fields
