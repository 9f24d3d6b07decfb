"""Issue 5 figures: audit appends in their operations' transactions, verification, governed reads.

Runs in the read-side process against the store the ingest and consent benchmarks filled.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.sweep import verify_store
from audit.tags import AuditTag, Decision
from cdp.auditing.store import SqlAuditStore
from cdp.bootstrap import Platform, audit_key
from cdp.db.models import Customer, Profile
from governance.decision import Principal

READ_FIELDS = tuple(f"field_{i}" for i in range(10))


def metric(value: float, unit: str, target: str, **extra: Any) -> dict[str, Any]:
    """Shapes one result entry."""
    return {"value": round(value, 2), "unit": unit, "target": target, "issue": 5, **extra}


def _ids(platform: Platform, n: int) -> list[str]:
    with platform.engine.connect() as conn:
        return list(conn.execute(select(Customer.customer_id).limit(n)).scalars())


def append_rate(platform: Platform, ids: list[str], n: int) -> tuple[float, float]:
    """Events/s with one event per committed transaction, and the append alone (p50, µs).

    The first figure is the strict one (each event pays a whole SQLite transaction); the second
    is what the audit adds inside an operation's open transaction (head lock, seal, insert).
    """
    record, begin = platform.recorder.record, platform.engine.begin
    version = platform.policy.version
    inside = []
    started = time.perf_counter()
    for i in range(n):
        with begin() as conn:
            began = time.perf_counter()
            record(
                conn,
                AuditTag.PROFILE_FIELD_READ,
                Decision.ALLOW,
                actor="bench-client",
                roles=("kyc_officer",),
                purpose="P02",
                customer_ids=(ids[i % len(ids)],),
                fields_clear=READ_FIELDS,
                rules=("policy.csv:70",),
                policy_version=version,
            )
            inside.append(time.perf_counter() - began)
    return n / (time.perf_counter() - started), statistics.median(inside) * 1e6


def fill(platform: Platform, ids: list[str], n: int) -> None:
    """Adds `n` events quickly (1,000 per transaction) so verification walks a long log."""
    version = platform.policy.version
    for start in range(0, n, 1000):
        events = [
            platform.recorder.event(
                AuditTag.PROFILE_READ,
                Decision.ALLOW,
                actor="bench-filler",
                roles=("customer_service",),
                purpose="P01",
                customer_ids=(ids[i % len(ids)],),
                fields_masked=READ_FIELDS,
                policy_version=version,
            )
            for i in range(start, min(start + 1000, n))
        ]
        with platform.engine.begin() as conn:
            platform.audit.append(conn, events, routing=str(start))


def verify_rate(platform: Platform) -> tuple[float, int]:
    """Links/s of a full verification from genesis (every chain, every link's MAC)."""
    key = audit_key(platform.settings, create=False)
    with platform.engine.connect() as conn:
        started = time.perf_counter()
        report = verify_store(SqlAuditStore(conn), key, platform.settings.audit_chains)
        elapsed = time.perf_counter() - started
    if not report.intact:
        raise RuntimeError("the benchmark's audit log does not verify")
    return report.checked / elapsed, report.checked


def _governed_us(platform: Platform, principal: Principal, purpose: str, ids: list[str]) -> float:
    """p50 of a full governed read, committed with its audit record."""
    samples = []
    for cid in ids:
        with platform.engine.begin() as conn:  # warm this customer's key
            platform.reader.read(conn, principal, purpose, cid)
        started = time.perf_counter()
        with platform.engine.begin() as conn:
            platform.reader.read(conn, principal, purpose, cid)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


def _orm_us(platform: Platform, ids: list[str]) -> float:
    """p50 of a plain ORM select of the same customer's profile row (a fresh session each)."""
    samples = []
    for cid in ids:
        started = time.perf_counter()
        with Session(platform.engine) as session:
            session.execute(select(Profile).where(Profile.customer_id == cid)).scalar_one()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


def _granted(platform: Platform, purpose: str, n: int) -> list[str]:
    with platform.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT customer_id FROM consent_state WHERE purpose = ? AND status = 'granted' "
            "LIMIT ?",
            (purpose, n),
        ).all()
    return [cid for (cid,) in rows]


def ratio_figures(platform: Platform, quick: bool) -> dict[str, dict[str, Any]]:
    """The full governed read against a plain ORM select, with and without a consent verdict."""
    n = 300 if quick else 2000
    everyone = _ids(platform, n)
    granted = _granted(platform, "P07", n)
    orm_us = _orm_us(platform, everyone)
    full_us = _governed_us(
        platform, Principal("bench", frozenset({"kyc_officer"})), "P02", everyone
    )
    figures = {
        "governed_read_vs_raw_ratio": metric(
            full_us / orm_us,
            "x",
            "<= 3.0",
            governed_read_us=round(full_us, 1),
            orm_select_us=round(orm_us, 1),
            read="kyc_officer, P02, whole profile; policy, consent, decrypt, mask, audit, commit",
        ),
    }
    if granted:
        orm_granted = _orm_us(platform, granted)
        campaign = Principal("bench", frozenset({"campaign_delivery"}))
        consent_us = _governed_us(platform, campaign, "P07", granted)
        figures["governed_read_consent_vs_raw_ratio"] = metric(
            consent_us / orm_granted,
            "x",
            "<= 3.0",
            governed_read_us=round(consent_us, 1),
            orm_select_us=round(orm_granted, 1),
            read="campaign_delivery, P07 (a consent verdict from the ledger), committed",
        )
    return figures


def run(platform: Platform, *, quick: bool) -> dict[str, dict[str, Any]]:
    """Runs the issue 5 benchmarks."""
    ids = _ids(platform, 5000)
    figures = ratio_figures(platform, quick)
    appended = 3_000 if quick else 20_000
    rate, inside_us = append_rate(platform, ids, appended)
    figures["audit_append_per_s"] = metric(
        rate, "events/s", ">= 20000", events=appended, note="one event per committed transaction"
    )
    figures["audit_append_in_txn_us"] = metric(
        inside_us, "us (p50)", "reported", note="the append inside an open transaction"
    )
    fill(platform, ids, 20_000 if quick else 250_000)
    verified, links = verify_rate(platform)
    figures["audit_verify_per_s"] = metric(verified, "events/s", ">= 200000", events=links)
    return figures
