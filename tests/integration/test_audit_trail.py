"""Governed reads leave a keyed, verifiable audit trail in their own transaction (fail closed)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from cdp.bootstrap import Platform
from cdp.cli.main import app
from cdp.db.models import AuditLink
from cdp.governed.errors import AccessDenied
from governance.decision import Principal
from tests.conftest import cli_env
from tests.integration.audit_faults import audit_store_down

ID_A, MOBILE = "11010519491231002X", "13812345678"


@pytest.fixture
def customer(platform: Platform) -> str:
    """One stored customer."""
    platform.ingestor().ingest_records(
        "core_banking",
        [
            {
                "source_key": "C1",
                "observed_at": "2025-01-01T09:00:00+08:00",
                "id_number": ID_A,
                "mobile": MOBILE,
                "full_name": "张伟",
            }
        ],
    )
    with platform.engine.connect() as conn:
        return conn.exec_driver_sql("select customer_id from customer").scalar_one()


def read(platform: Platform, role: str, purpose: str, cid: str) -> object:
    """One governed read in its own transaction; denials are returned, not raised."""
    with platform.engine.begin() as conn:
        try:
            return platform.reader.read(conn, Principal("u1", frozenset({role})), purpose, cid)
        except AccessDenied as denied:
            return denied


def links(platform: Platform) -> list[AuditLink]:
    """All stored audit links."""
    with platform.engine.connect() as conn:
        return list(conn.execute(select(AuditLink).order_by(AuditLink.chain, AuditLink.seq)))


def test_when_reads_happen_then_each_attempt_is_recorded_and_the_chain_verifies(
    platform: Platform, customer: str
) -> None:
    read(platform, "kyc_officer", "P02", customer)
    assert isinstance(read(platform, "compliance_officer", "P01", customer), AccessDenied)
    stored = links(platform)
    assert [(row.action, row.decision, row.purpose) for row in stored] == [
        ("profile:ingest", "allow", None),
        ("profile:read", "allow", "P02"),
        ("profile:read", "deny", "P01"),
    ]
    bodies = b"".join(row.body for row in stored)
    assert customer.encode() in bodies
    for secret in (ID_A, MOBILE, "张伟"):
        assert secret.encode() not in bodies
    result = CliRunner().invoke(app, ["audit", "verify", "--json"], env=cli_env(platform.settings))
    assert result.exit_code == 0, result.stdout


def test_when_a_stored_record_is_altered_then_verify_names_it(
    platform: Platform, customer: str
) -> None:
    read(platform, "kyc_officer", "P02", customer)
    read(platform, "kyc_officer", "P02", customer)
    first = links(platform)[0]
    forged = first.body.replace(b'"allow"', b'"deny"')
    with platform.engine.begin() as conn:
        conn.execute(
            update(AuditLink)
            .where(AuditLink.chain == first.chain, AuditLink.seq == first.seq)
            .values(body=forged)
        )
    result = CliRunner().invoke(app, ["audit", "verify", "--json"], env=cli_env(platform.settings))
    assert result.exit_code == 1
    assert "modified" in json.dumps(json.loads(result.stdout))


def test_when_the_audit_write_fails_then_the_read_fails_and_nothing_leaves(
    platform: Platform, customer: str
) -> None:
    before = links(platform)
    returned: list[object] = []
    principal = Principal("u1", frozenset({"kyc_officer"}))
    with (
        audit_store_down(platform.engine),
        pytest.raises(DBAPIError),
        platform.engine.begin() as conn,
    ):
        returned.append(platform.reader.read(conn, principal, "P02", customer))
    assert returned == []
    assert links(platform) == before
