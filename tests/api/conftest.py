"""A seeded store behind the API (in-process through TestClient), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cdp.api import create_app
from cdp.apiclients import ClientRegistry
from cdp.bootstrap import Platform, build_platform, init_store
from cdp.settings import Settings

# synthetic, checksum-valid identifiers (never a real person's)
ADULT_ID, OTHER_ID = "11010519491231002X", "320102198505051233"
ADULT_MOBILE, OTHER_MOBILE = "13812345678", "13987654321"
ADULT_NAME = "张伟明"
BRANCH, OTHER_BRANCH = "110105", "310101"

ROLES: dict[str, tuple[list[str], dict[str, str]]] = {
    "cs": (["customer_service"], {}),
    "rm": (["relationship_manager"], {"branches": BRANCH}),
    "kyc": (["kyc_officer"], {}),
    "marketing": (["marketing_analyst"], {}),
    "delivery": (["campaign_delivery"], {}),
    "compliance": (["compliance_officer"], {}),
    "dpo": (["dpo"], {}),
    "engineer": (["data_engineer"], {}),
    "channel": (["consent_intake"], {}),
    "admin": (["admin"], {}),
    "disabled": (["customer_service"], {}),
}


def record(key: str, **fields: str) -> dict[str, str]:
    """A core-banking record."""
    return {"source_key": key, "observed_at": "2025-01-01T09:00:00+08:00", **fields}


def grant(event_id: str, id_number: str, purpose: str, **more: Any) -> dict[str, Any]:
    """A valid grant in the documented wire shape."""
    notice = f"{purpose}-v1"
    return {
        "event_id": event_id,
        "customer": {"id_number": id_number},
        "purpose": purpose,
        "action": "grant",
        "consent_type": "separate",
        "notice_version": notice,
        "channel": "app",
        "actor": {"kind": "subject"},
        "occurred_at": "2026-01-01T09:00:00+08:00",
        **more,
    }


@dataclass
class Api:
    """The running app, its store and the seeded facts tests refer to."""

    http: TestClient
    platform: Platform
    settings: Settings
    keys: dict[str, str]
    client_ids: dict[str, str]
    adult: str
    other: str
    seeded: set[str] = field(default_factory=set)

    def headers(self, who: str, purpose: str | None = "P01", **more: str) -> dict[str, str]:
        """Bearer key of a seeded client and, unless None, an X-Purpose header."""
        found = {"Authorization": f"Bearer {self.keys[who]}", **more}
        if purpose is not None:
            found["X-Purpose"] = purpose
        return found

    def audit_rows(self) -> list[dict[str, Any]]:
        """Every audit event, decoded (for assertions that something was recorded)."""
        from cdp.auditing.query import AuditFilter, Hit, find_events

        with self.platform.engine.connect() as conn:
            hits = find_events(conn, self.platform.audit.key, AuditFilter())
            return [
                {
                    "action": h.event.action,
                    "decision": h.event.decision,
                    "reason": h.event.reason,
                    "actor": h.event.actor,
                    "customer_ids": h.event.customer_ids,
                    "request_id": h.event.request_id,
                }
                for h in hits
                if isinstance(h, Hit)
            ]


def seed(platform: Platform) -> tuple[str, str]:
    """Two adults: one at BRANCH with P05 and P07 grants, one at OTHER_BRANCH without."""
    summary = platform.ingestor().ingest_records(
        "core_banking",
        [
            record(
                "A",
                id_number=ADULT_ID,
                mobile=ADULT_MOBILE,
                full_name=ADULT_NAME,
                open_branch=BRANCH,
                aum="523000.00",
                service_note=f"客户{ADULT_NAME}来电，手机{ADULT_MOBILE}，要求改地址",
            ),
            record("B", id_number=OTHER_ID, mobile=OTHER_MOBILE, open_branch=OTHER_BRANCH),
        ],
    )
    assert not summary.errors, summary.errors
    with platform.engine.begin() as conn:
        results = platform.consents.record(
            conn, [grant("seed-1", ADULT_ID, "P05"), grant("seed-2", ADULT_ID, "P07")]
        )
        assert all(r.status == "recorded" for r in results), results
        rows = conn.exec_driver_sql("select source_key, customer_id from source_link").all()
    ids = dict(rows)
    return ids["A"], ids["B"]


def register(platform: Platform) -> tuple[dict[str, str], dict[str, str]]:
    """One client per role (and one disabled); returns their keys and ids."""
    registry = ClientRegistry(audit=platform.recorder)
    known = [role.name for role in platform.policy.roles]
    keys: dict[str, str] = {}
    ids: dict[str, str] = {}
    with platform.engine.begin() as conn:
        for name, (roles, attributes) in ROLES.items():
            client, key = registry.add(
                conn, name, roles=roles, attributes=attributes, known_roles=known
            )
            keys[name], ids[name] = key, client.client_id
        registry.disable(conn, "disabled")
    return keys, ids


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    """A seeded store and the app serving it (lifespan run), per backend."""
    init_store(settings)
    platform = build_platform(settings)
    try:
        adult, other = seed(platform)
        keys, ids = register(platform)
        app = create_app(settings)
        with TestClient(app, raise_server_exceptions=False) as http:
            yield Api(
                http,
                platform,
                settings,
                keys,
                ids,
                adult,
                other,
                {ADULT_ID, OTHER_ID, ADULT_MOBILE, OTHER_MOBILE, ADULT_NAME},
            )
    finally:
        platform.close()
