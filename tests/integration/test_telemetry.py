"""Telemetry against a real store: statement spans carry no values; the hooks count outcomes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import create_engine, text

from cdp import telemetry
from cdp.bootstrap import Platform
from cdp.governed.errors import AccessDenied
from cdp.settings import Settings
from tests.integration.test_governed import BRANCH, ID_A, RECORD, customer, grant, who
from tests.unit.test_telemetry import everything, points

__all__ = ["customer"]  # the fixture, imported for these tests
MOBILE = RECORD["mobile"]


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def metrics() -> InMemoryMetricReader:
    return InMemoryMetricReader()


@pytest.fixture
def tel(
    spans: InMemorySpanExporter, metrics: InMemoryMetricReader
) -> Iterator[telemetry.Telemetry]:
    built = telemetry.setup_telemetry(
        Settings(otel_sampling_ratio=1.0), span_exporter=spans, metric_reader=metrics
    )
    previous = telemetry.install(built)
    yield built
    telemetry.install(previous)
    built.shutdown()


def test_when_a_query_binds_a_mobile_then_its_span_names_only_system_and_operation(
    tel: telemetry.Telemetry, spans: InMemorySpanExporter, tmp_path: Path
) -> None:
    engine = telemetry.instrument_engine(create_engine(f"sqlite:///{tmp_path / 't.db'}"))
    telemetry.instrument_engine(engine)  # idempotent: still one span per statement
    with engine.begin() as conn:
        conn.execute(text("create table t (mobile text)"))
        conn.execute(text("select count(*) from t"))  # outside any span: no statement span
        with tel.span("request"):
            conn.execute(text("insert into t values (:m)"), {"m": MOBILE})
            conn.execute(text("select * from t where mobile = :m"), {"m": MOBILE})
            with pytest.raises(Exception):  # noqa: B017, PT011 - any driver error
                conn.execute(text("select nope from t where mobile = :m"), {"m": MOBILE})
    engine.dispose()
    exported = spans.get_finished_spans()
    db = [s for s in exported if s.name != "request"]
    assert [(s.name, dict(s.attributes or {})) for s in db] == [
        ("INSERT", {"db.system": "sqlite", "db.operation": "INSERT"}),
        ("SELECT", {"db.system": "sqlite", "db.operation": "SELECT"}),
        ("SELECT", {"db.system": "sqlite", "db.operation": "SELECT",
                    "error.type": "OperationalError"}),
    ]  # fmt: skip
    assert all(MOBILE not in everything(s) for s in exported)


def test_when_the_platform_ingests_and_reads_in_a_span_then_no_value_reaches_a_span(
    platform: Platform, tel: telemetry.Telemetry, spans: InMemorySpanExporter
) -> None:
    telemetry.instrument_engine(platform.engine)
    with tel.span("ingest", **{"cdp.source": "core_banking"}):
        platform.ingestor().ingest_records("core_banking", [RECORD])
    with tel.span("search"), platform.engine.begin() as conn:
        platform.searcher.search(conn, who("customer_service"), "P01", "mobile", MOBILE)
    exported = spans.get_finished_spans()
    assert {"ingest", "search"} <= {s.name for s in exported}
    for seeded in (MOBILE, ID_A, RECORD["full_name"], RECORD["email"]):
        assert all(seeded not in everything(s) for s in exported), seeded


def test_when_a_platform_works_then_the_hooks_count_rows_decisions_and_audit_writes(
    platform: Platform, customer: str, tel: telemetry.Telemetry, metrics: InMemoryMetricReader
) -> None:
    manager = who("relationship_manager", branches=BRANCH)
    with platform.engine.begin() as conn:
        platform.reader.read(conn, manager, "P05", customer, ["aum"])
    with platform.engine.begin() as conn:
        withdraw = grant("P05", "", "w-p05", action="withdraw")
        withdraw["occurred_at"] = "2026-02-01T09:00:00+08:00"
        platform.consents.record(conn, [withdraw])
    with platform.engine.begin() as conn, pytest.raises(AccessDenied):
        platform.reader.read(conn, manager, "P05", customer)
    platform.ingestor().ingest_records("core_banking", [RECORD, {"source_key": "bad"}])

    decisions = {p["cdp.outcome"]: n for p, n in points(metrics, "cdp.decisions")}
    assert decisions == {"allow": 1, "deny": 1}
    assert points(metrics, "cdp.consent.denials") == [
        ({"cdp.purpose": "P05", "cdp.reason": "consent_withdrawn"}, 1)
    ]
    rows = {p["cdp.outcome"]: n for p, n in points(metrics, "cdp.ingest.rows")}
    assert rows == {"unchanged": 1, "invalid": 1}
    writes = {
        (p["cdp.action"], p["cdp.decision"]): n for p, n in points(metrics, "cdp.audit.writes")
    }
    assert writes[("profile:field:read", "allow")] == 1
    assert writes[("profile:read", "deny")] == 1
    assert writes[("profile:ingest", "allow")] == 1
