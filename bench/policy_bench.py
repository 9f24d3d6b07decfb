"""Issue 3 figures: compiled decisions vs plain pycasbin, and one governed read end to end."""

from __future__ import annotations

import statistics
import time
from dataclasses import replace
from itertools import product
from typing import Any

import yaml
from sqlalchemy import select

from cdp.bootstrap import Platform
from cdp.db.hot import HotQuery
from cdp.db.models import Customer
from cdp.governed.policy import read_policy_texts
from cdp.governed.read import GovernedReader
from cdp.resources import load_catalogue, shipped_policy_dir
from governance.catalogue import FieldCatalogue, FieldClass, FieldSpec, FieldType
from governance.decision import Action, Principal
from governance.engine import PolicyEngine

FIELDS = 40
POLICY_LINES = 10_000
ACTIONS = ("search", "export", "segment", "write")


def metric(value: float, unit: str, target: str, **extra: Any) -> dict[str, Any]:
    """Shapes one result entry."""
    return {"value": round(value, 2), "unit": unit, "target": target, "issue": 3, **extra}


def wide_catalogue() -> FieldCatalogue:
    """The shipped catalogue padded with synthetic C2 fields up to 40."""
    base = load_catalogue(shipped_policy_dir())
    extra = tuple(
        FieldSpec(
            f"extra_{i:02d}",
            "附加",
            FieldClass.C2,
            True,
            False,
            "M-GEN",
            FieldType.STRING,
            "short_text",
            64,
        )
        for i in range(FIELDS - len(base.fields))
    )
    return replace(base, fields=base.fields + extra)


def big_policy(catalogue: FieldCatalogue) -> tuple[str, str]:
    """The shipped policy plus generated allow lines for synthetic roles, 10,000 lines in all."""
    texts = read_policy_texts(shipped_policy_dir())
    purposes = [f"P{i:02d}" for i in range(1, 16)]
    shipped = texts.policy_csv.rstrip("\n")
    present = sum(1 for line in shipped.splitlines() if line.startswith("p,"))
    lines: list[str] = []
    roles: list[str] = []
    combos = product(catalogue.names, ACTIONS, purposes)
    while len(lines) + present < POLICY_LINES:
        role = f"bench_role_{len(roles):03d}"
        roles.append(role)
        for name, action, purpose in combos:
            lines.append(f"p, {role}, profile.{name}, {action}, {purpose}, allow")
            if len(lines) + present >= POLICY_LINES or len(lines) % 500 == 0:
                break
        combos = product(catalogue.names, ACTIONS, purposes)
    documented = "".join(
        f"  - name: {role}\n    name_zh: 压测\n    description: benchmark role\n"
        f"    purposes: [{', '.join(purposes)}]\n"
        for role in roles
    )
    return shipped + "\n" + "\n".join(lines) + "\n", texts.roles_yaml.rstrip(
        "\n"
    ) + "\n" + documented


def p50_us(samples: list[float]) -> float:
    """Median in microseconds."""
    return statistics.median(samples) * 1e6


def decide_figures(quick: bool) -> dict[str, dict[str, Any]]:
    """decide() for 40 fields, warm, against plain casbin enforce per field."""
    catalogue = wide_catalogue()
    policy_csv, roles_yaml = big_policy(catalogue)
    texts = replace(
        read_policy_texts(shipped_policy_dir()), policy_csv=policy_csv, roles_yaml=roles_yaml
    )
    engine = PolicyEngine(catalogue, texts, load_yaml=yaml.safe_load)
    principal = Principal("bench", frozenset({"customer_service"}))
    names = list(catalogue.names)
    engine.decide(principal, "P01", names, Action.READ)  # warm: compile once
    rounds = 2_000 if quick else 20_000
    decide = []
    for _ in range(rounds):
        started = time.perf_counter()
        engine.decide(principal, "P01", names, Action.READ)
        decide.append(time.perf_counter() - started)
    plain = []
    for _ in range(3 if quick else 10):
        started = time.perf_counter()
        for name in names:
            engine.casbin_allows("customer_service", f"profile.{name}", "read", "P01")
        plain.append(time.perf_counter() - started)
    decide_us, casbin_us = p50_us(decide), p50_us(plain)
    lines = sum(1 for line in texts.policy_csv.splitlines() if line.startswith("p,"))
    return {
        "policy_decide_us": metric(
            decide_us, "us (p50)", "<= 50", fields=FIELDS, policy_lines=lines
        ),
        "policy_speedup_vs_casbin": metric(
            casbin_us / decide_us, "ratio", ">= 100", casbin_enforce_40_fields_us=round(casbin_us)
        ),
    }


_ROW = HotQuery("SELECT * FROM profile WHERE customer_id = ?")


def _p50_reads(reader: GovernedReader, conn: Any, ids: list[str]) -> float:
    principal = Principal("bench", frozenset({"kyc_officer"}))
    samples = []
    for cid in ids:
        reader.read(conn, principal, "P02", cid)  # warm this customer's key
        started = time.perf_counter()
        reader.read(conn, principal, "P02", cid)
        samples.append(time.perf_counter() - started)
    return p50_us(samples)


def governed_read_figures(platform: Platform, decrypt_us: float, quick: bool) -> dict[str, Any]:
    """Issue 3's governed read (decide + decrypt + mask) against a bare row fetch; and audited."""
    bare = GovernedReader(
        policy=platform.policy,
        store=platform.store,
        catalogue=platform.catalogue,
        masks=platform.masks,
    )
    with platform.engine.connect() as conn:
        ids = list(
            conn.execute(select(Customer.customer_id).limit(500 if quick else 3000)).scalars()
        )
        read_us = _p50_reads(bare, conn, ids)
        audited_us = _p50_reads(platform.reader, conn, ids)
        fetches = []
        for cid in ids:
            started = time.perf_counter()
            _ROW.all(conn, (cid,))
            fetches.append(time.perf_counter() - started)
        conn.rollback()
    fetch_us = p50_us(fetches)
    budget = 2 * (decrypt_us + fetch_us)
    return {
        "governed_read_us": metric(
            read_us,
            "us (p50)",
            f"<= 2 x (decrypt + row fetch) = {budget:.0f}",
            row_fetch_us=round(fetch_us, 1),
            profile_decrypt_us=round(decrypt_us, 1),
        ),
        "governed_read_audited_us": metric(
            audited_us, "us (p50)", "reported", note="with consent check and audit record"
        ),
    }


def run(platform: Platform, decrypt_us: float, *, quick: bool) -> dict[str, dict[str, Any]]:
    """Runs the issue 3 benchmarks (the platform holds ingested demo customers)."""
    figures = decide_figures(quick)
    figures.update(governed_read_figures(platform, decrypt_us, quick))
    return figures
