"""The telemetry leak test: spans, metrics and logs of a busy run carry no seeded PII value."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from cdp import telemetry
from cdp.api import create_app
from cdp.bootstrap import build_platform, init_store
from cdp.logs import JsonLineFormatter
from tests.api.conftest import (
    ADULT_ID,
    ADULT_MOBILE,
    ADULT_NAME,
    OTHER_ID,
    grant,
    record,
    register,
    seed,
)
from tests.conftest import make_settings

NOTE = "客户王晓梅说新手机号是13600001111，邮箱wxm@example.com"
SECRETS = {ADULT_ID, ADULT_MOBILE, ADULT_NAME, OTHER_ID, "13600001111", "wxm@example.com", "王晓梅"}


@pytest.fixture
def run(db_url: str, tmp_path: Path) -> tuple[str, Path]:
    """Drives every kind of call with sampling 1.0; yields everything exported, as text."""
    settings = make_settings(db_url, tmp_path, otel_sampling_ratio=1.0)
    init_store(settings)
    platform = build_platform(settings)
    spans, metrics = InMemorySpanExporter(), InMemoryMetricReader()
    tel = telemetry.setup_telemetry(settings, span_exporter=spans, metric_reader=metrics)
    log_file = tmp_path / "capture.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(telemetry.TraceContextFilter())
    root, level = logging.getLogger(), logging.getLogger().level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # the test's own HTTP client logs the URLs it calls; a real CRM client is another process
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        adult, _ = seed(platform)
        keys, _ = register(platform)
        with TestClient(create_app(settings, telemetry=tel)) as http:
            _drive(http, keys, adult)
            tel.force_flush()
            exported = _spans_text(spans) + json.dumps(metrics.get_metrics_data().to_json())
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()
        platform.close()
    return exported, log_file


def _drive(http: TestClient, keys: dict[str, str], adult: str) -> None:
    def h(who: str, purpose: str | None = "P01") -> dict[str, str]:
        return {"Authorization": f"Bearer {keys[who]}"} | (
            {"X-Purpose": purpose} if purpose else {}
        )

    http.get(f"/v1/customers/{adult}", headers=h("cs"))
    http.get(f"/v1/customers/{adult}", headers=h("rm", "P05"))
    http.get(f"/v1/customers/{adult}", headers=h("marketing", "P06"))
    http.post(
        "/v1/customers:search", json={"field": "mobile", "value": ADULT_MOBILE}, headers=h("cs")
    )
    http.post(
        "/v1/customers:search", json={"field": "id_number", "value": ADULT_ID}, headers=h("cs")
    )
    http.patch(f"/v1/customers/{adult}", json={"fields": {"service_note": NOTE}}, headers=h("cs"))
    http.patch(
        f"/v1/customers/{adult}", json={"fields": {"mobile": "13600001111"}}, headers=h("cs")
    )
    http.post(
        "/v1/sources/core_banking/records",
        json={
            "records": [
                record("L1", id_number=ADULT_ID, full_name="王晓梅"),
                record("L2", mobile="1360000"),
            ]
        },
        headers=h("engineer"),
    )
    http.post(
        "/v1/consent-events",
        json={"events": [grant("l-1", ADULT_ID, "P06"), grant("l-2", OTHER_ID, "P99")]},
        headers=h("channel", None),
    )
    http.get(f"/v1/customers/{adult}/consents", headers=h("cs"))
    http.get("/v1/audit/events", headers=h("compliance", None))
    http.get(f"/v1/customers/{ADULT_ID}", headers=h("cs"))  # an id number where an id belongs
    http.get(f"/v1/customers/{adult}", params={"fields": ADULT_MOBILE}, headers=h("cs"))


def _spans_text(spans: InMemorySpanExporter) -> str:
    found = spans.get_finished_spans()
    assert any(s.attributes and s.attributes.get("http.route") for s in found)
    names = {s.name for s in found}
    assert {"governed.read", "governed.search", "governed.write"} <= names, names
    assert any(s.name.startswith(("SELECT", "INSERT", "UPDATE")) for s in found) or found
    return "\n".join(s.to_json() for s in found)


def test_when_spans_metrics_and_logs_are_exported_then_no_seeded_value_appears(
    run: tuple[str, Path],
) -> None:
    exported, log_file = run
    logs = log_file.read_text("utf-8")
    assert '"trace_id"' in logs  # something was logged inside a request's trace
    assert "/v1/customers/{customer_id}" in exported  # routes by template, never the raw path
    found = sorted(value for value in SECRETS if value in exported or value in logs)
    assert found == []
