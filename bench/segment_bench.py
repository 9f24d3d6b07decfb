"""Segment run figures: a three-condition segment with run-time consent filtering over N masked
profiles (1,000,000 in full mode, 50,000 quick), count plus audience materialisation.

Rows are synthetic and inserted with Core executemany (customer, masked_profile, and the
consent_state projection in the shape the ledger stores); the timed part is one
`SegmentService.run` in its own transaction: rule + consent + minors in one SQL statement,
breakdowns, marketing pseudonyms, the audience snapshot and the audit event, then commit.
SQLite always; PostgreSQL too, in a throw-away schema of CDP_BENCH_PG_URL (default: the local
server's `postgres` database), reported as not measured when it is unreachable.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from cdp.bootstrap import Platform, build_platform, init_store
from cdp.consents.stored import state_to_json
from cdp.db.engine import make_engine
from cdp.db.models import ConsentState, Customer, MaskedProfile, table_of
from cdp.segments.service import build_service
from cdp.settings import Settings
from consent.fold import ConsentState as State
from consent.fold import ConsentStatus
from consent.purposes import ConsentType
from governance.decision import Principal

FULL, QUICK = 1_000_000, 50_000
BATCH = 50_000
NOW = datetime.now(UTC)
RULE = {
    "all": [
        {"attr": "aum_tier", "op": "ge", "value": "贵宾"},
        {"attr": "lifecycle_stage", "op": "in", "values": ["growth", "maturity"]},
        {"attr": "age_band", "op": "between", "low": "25–29", "high": "50–59"},
    ]
}
TIERS = ("大众",) * 6 + ("贵宾",) * 3 + ("财富", "私行")
STAGES = ("acquisition", "growth", "growth", "maturity", "decline", "win_back", None)
AGES = ("<18", "18–24", "25–29", "30–39", "40–49", "50–59", "60–69", "≥70")
CITIES = ("上海市", "北京市", "深圳市", "杭州市", "苏州市", "无锡市", "南京市", "广州市")
ANALYST = Principal("bench:analyst", frozenset({"marketing_analyst"}))


def seed(platform: Platform, n: int) -> None:
    """Customers, masked rows and P06 projection rows (80 % granted, the rest withdrawn/expired)."""
    rng = random.Random(5)
    customers, masked, states = (
        table_of(Customer),
        table_of(MaskedProfile),
        table_of(ConsentState),
    )
    granted = State(
        "P06",
        ConsentStatus.GRANTED,
        NOW + timedelta(days=300),
        "P06-v1",
        ConsentType.SEPARATE,
        None,
        "e",
        None,
        NOW - timedelta(days=65),
    )
    lapsed = State(
        "P06",
        ConsentStatus.GRANTED,
        NOW - timedelta(days=1),
        "P06-v1",
        ConsentType.SEPARATE,
        None,
        "e",
        None,
        NOW - timedelta(days=366),
    )
    withdrawn = State("P06", ConsentStatus.WITHDRAWN, None, "P06-v1", None, None, "e", NOW, NOW)
    docs = [(s.status.value, state_to_json(s)) for s in (granted, lapsed, withdrawn)]
    for start in range(0, n, BATCH):
        ids = [
            str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(start, min(n, start + BATCH))
        ]
        rows: list[dict[str, Any]] = []
        consent_rows: list[dict[str, Any]] = []
        for cid in ids:
            age = rng.choice(AGES)
            rows.append(
                {
                    "customer_id": cid,
                    "pseudonym": uuid.UUID(cid).hex,
                    "age_band": age,
                    "is_minor_u14": False,
                    "is_minor_u18": age == "<18",
                    "gender": rng.choice("MF"),
                    "city": rng.choice(CITIES),
                    "aum_tier": rng.choice(TIERS),
                    "risk_level": rng.choice(("C1", "C2", "C3", "C4", "C5")),
                    "preferred_channel": "app",
                    "consents": {},
                    "tags": [],
                    "lifecycle_stage": rng.choice(STAGES),
                    "profile_updated_at": NOW,
                    "refreshed_at": NOW,
                }
            )
            roll = rng.random()
            if roll < 0.9:
                status, doc = docs[0] if roll < 0.8 else docs[1] if roll < 0.85 else docs[2]
                consent_rows.append(
                    {
                        "customer_id": cid,
                        "purpose": "P06",
                        "status": status,
                        "state": doc,
                        "updated_at": NOW,
                    }
                )
        with platform.engine.begin() as conn:
            conn.execute(
                insert(customers),
                [{"customer_id": c, "created_at": NOW, "updated_at": NOW} for c in ids],
            )
            conn.execute(insert(masked), rows)
            conn.execute(insert(states), consent_rows)


def timed_run(platform: Platform, n: int) -> tuple[float, int]:
    """Seeds, defines and publishes the segment, then times one run (with commit)."""
    seed(platform, n)
    service = build_service(platform)
    with platform.engine.begin() as conn:
        service.create(conn, ANALYST, "bench", RULE)
        service.publish(conn, ANALYST, "bench", "PIA-BENCH-1")
    if platform.engine.dialect.name == "postgresql":
        with platform.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    started = time.perf_counter()
    with platform.engine.begin() as conn:
        result = service.run(conn, ANALYST, "bench", "P06")
    elapsed = time.perf_counter() - started
    return elapsed, len(result.audience)


def _measure(settings: Settings, n: int) -> tuple[float, int]:
    init_store(settings)
    platform = build_platform(settings)
    try:
        return timed_run(platform, n)
    finally:
        platform.close()


PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres(settings: Settings, n: int) -> dict[str, Any]:
    """The same run on PostgreSQL, in a throw-away schema (CDP_BENCH_PG_URL, else the local one)."""
    base = os.environ.get("CDP_BENCH_PG_URL", PG_DEFAULT)
    figure: dict[str, Any] = {"unit": "s", "profiles": n, "conditions": 3, "backend": "postgresql"}
    schema = f"cdp_bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = make_engine(base, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError:
        return figure | {"value": None, "note": "PostgreSQL unreachable: not measured"}
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        pg = settings.model_copy(update={"database_url": url.render_as_string(hide_password=False)})
        seconds, audience = _measure(pg, n)
        return figure | {"value": round(seconds, 3), "audience": audience}
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def run(quick: bool) -> dict[str, Any]:
    """Times the run on SQLite (and PostgreSQL when CDP_BENCH_PG_URL is set)."""
    n = QUICK if quick else FULL
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="cdp-segment-bench-") as tmp:
        root = Path(tmp)
        settings = Settings(
            database_url=f"sqlite:///{root / 'cdp.db'}",
            var_dir=root,
            key_dir=root / "keys",
            log_file=root / "cdp.log",
        )
        seconds, audience = _measure(settings, n)
        figures["segment_run_1m_s"] = {
            "value": round(seconds, 3),
            "unit": "s",
            "target": "<= 2.0" if not quick else "<= 2.0 at 1,000,000 (quick: scaled)",
            "profiles": n,
            "audience": audience,
            "conditions": 3,
            "backend": "sqlite",
        }
        figures["segment_run_1m_pg_s"] = _postgres(settings, n)
    return figures


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2, ensure_ascii=False))
