"""Every governed operation leaves one audit event in its own transaction, and fails without it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from audit.decoding import decode
from audit.events import AuditEvent
from audit.sweep import verify_store
from audit.tags import AuditTag, Decision
from cdp import keyadmin
from cdp.auditing.context import call_context
from cdp.auditing.store import SqlAuditStore
from cdp.bootstrap import Platform, audit_key, build_platform
from cdp.db.models import AuditLink, AuditSubject, Customer, Profile
from cdp.governed.errors import AccessDenied, FieldsInvalid
from cdp.profiles.lookup import InvalidLookup
from governance.decision import Principal
from governance.sources import PolicyInvalid
from tests.integration.audit_faults import audit_store_down
from tests.integration.test_governed import BRANCH, RECORD, customer, grant, who

__all__ = ["customer"]  # the fixture, imported for these tests
SERVICE = Principal("agent-7", frozenset({"customer_service"}))


def events(platform: Platform) -> list[AuditEvent]:
    """Every stored event, decoded from its signed body, in chain order."""
    with platform.engine.connect() as conn:
        rows = conn.execute(select(AuditLink.body).order_by(AuditLink.chain, AuditLink.seq))
        return sorted((decode(body) for (body,) in rows), key=lambda e: e.occurred_at)


def last(platform: Platform, action: str) -> AuditEvent:
    """The newest event of one action."""
    return [e for e in events(platform) if e.action == action][-1]


def count(platform: Platform, model: Any) -> int:
    with platform.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_when_a_consent_purpose_is_read_then_the_event_names_the_consent_evidence(
    platform: Platform, customer: str
) -> None:
    principal = who("relationship_manager", branches=BRANCH)
    context = call_context(request_id="req-1", trace_id="trace-1", channel="api", source="10.0.0.8")
    with context, platform.engine.begin() as conn:
        platform.reader.read(conn, principal, "P05", customer, ["aum"])
    event = last(platform, "profile:field:read")
    assert event.consent is not None
    assert (event.consent.status, event.consent.notice_version) == ("granted", "P05-v1")
    assert event.consent.event_id == "g-p05"
    assert (event.request_id, event.trace_id, event.channel, event.source) == (
        "req-1",
        "trace-1",
        "api",
        "10.0.0.8",
    )
    assert event.fields_clear == ("aum",)
    assert event.rules


def test_when_consent_refuses_a_read_then_the_denial_records_the_state_it_used(
    platform: Platform, customer: str
) -> None:
    with platform.engine.begin() as conn:
        withdraw = grant("P05", "", "w-p05", action="withdraw")
        withdraw["occurred_at"] = "2026-02-01T09:00:00+08:00"
        platform.consents.record(conn, [withdraw])
    principal = who("relationship_manager", branches=BRANCH)
    # the caller commits the denial's record
    with platform.engine.begin() as conn, pytest.raises(AccessDenied):
        platform.reader.read(conn, principal, "P05", customer)
    event = last(platform, "profile:read")
    assert (event.decision, event.reason) == ("deny", "consent_withdrawn")
    assert event.consent is not None
    assert event.consent.status == "withdrawn"
    assert event.consent.event_id == "w-p05"
    assert event.fields_clear == ()
    assert event.fields_masked == ()


def test_when_searching_then_ids_found_and_refusals_are_audited_never_the_value(
    platform: Platform, customer: str
) -> None:
    with platform.engine.begin() as conn:
        assert platform.searcher.search(conn, SERVICE, "P01", "mobile", "13812345678") == [customer]
        with pytest.raises(AccessDenied):
            platform.searcher.search(conn, SERVICE, "P01", "email", "oyn@example.cn")
        with pytest.raises(InvalidLookup):
            platform.searcher.search(conn, SERVICE, "P01", "mobile", "12")
    found, refused, invalid = [e for e in events(platform) if e.action == "profile:search"]
    assert (found.decision, found.customer_ids, found.fields_clear) == (
        "allow",
        (customer,),
        ("mobile",),
    )
    assert (refused.decision, refused.reason, refused.fields_denied) == (
        "deny",
        "search_denied",
        ("email",),
    )
    assert (invalid.decision, invalid.reason) == ("error", "invalid_value")
    with platform.engine.connect() as conn:
        bodies = b"".join(conn.execute(select(AuditLink.body)).scalars())
    assert b"13812345678" not in bodies
    assert b"oyn@example.cn" not in bodies


def test_when_writing_then_allowed_refused_and_invalid_writes_are_audited(
    platform: Platform, customer: str
) -> None:
    writer = Principal("agent-7", frozenset({"data_engineer"}))
    with platform.engine.begin() as conn:
        platform.writer.write(conn, writer, "P01", customer, {"email": "new@example.cn"})
        with pytest.raises(FieldsInvalid):
            platform.writer.write(conn, writer, "P01", customer, {"email": "not-an-email"})
        with pytest.raises(AccessDenied):
            platform.writer.write(conn, SERVICE, "P01", customer, {"aum": "1.00"})
    done, invalid, refused = [e for e in events(platform) if e.action == "profile:write"]
    assert (done.decision, done.fields_clear, done.customer_ids) == (
        "allow",
        ("email",),
        (customer,),
    )
    assert (invalid.decision, invalid.reason) == ("error", "fields_invalid:email")
    assert (refused.decision, refused.fields_denied) == ("deny", ("aum",))


def test_when_a_batch_is_ingested_then_one_event_names_every_customer(
    platform: Platform,
) -> None:
    records = [
        dict(
            RECORD, source_key=f"K{i}", id_number="", mobile=f"1391234{i:04d}", card_no="", email=""
        )
        for i in range(30)
    ]
    summary = platform.ingestor().ingest_records("core_banking", records)
    assert summary.created == 30
    (event,) = events(platform)
    assert (event.action, event.record_count, len(event.customer_ids)) == ("profile:ingest", 30, 30)
    assert event.source == "source:core_banking"
    assert count(platform, AuditSubject) == 30


def test_when_the_audit_store_is_down_then_no_operation_happens(
    platform: Platform, customer: str
) -> None:
    before = count(platform, AuditLink), count(platform, Customer)
    with audit_store_down(platform.engine):
        with pytest.raises(DBAPIError):
            platform.ingestor().ingest_records("core_banking", [dict(RECORD, source_key="X9")])
        with pytest.raises(DBAPIError), platform.engine.begin() as conn:
            platform.searcher.search(conn, SERVICE, "P01", "mobile", "13812345678")
        engineer = Principal("etl-1", frozenset({"data_engineer"}))
        with pytest.raises(DBAPIError), platform.engine.begin() as conn:
            platform.writer.write(conn, engineer, "P01", customer, {"email": "x@example.cn"})
        with pytest.raises(DBAPIError), platform.engine.begin() as conn:
            platform.consents.record(conn, [grant("P06", "separate", "g-p06")])
        with pytest.raises(DBAPIError):
            keyadmin.shred(platform.engine, platform.keyring, customer, audit=platform.recorder)
        version = platform.policy.version
        with pytest.raises(DBAPIError):
            platform.reload_policy()
        assert platform.policy.version == version
    assert (count(platform, AuditLink), count(platform, Customer)) == before
    with platform.engine.connect() as conn:
        email = conn.execute(select(Profile.email_ct)).scalar_one()
        consents = conn.exec_driver_sql("select count(*) from consent_event").scalar_one()
    assert email is not None
    assert consents == 2


def test_when_consent_events_arrive_then_one_event_per_batch_names_the_customers(
    platform: Platform, customer: str
) -> None:
    with platform.engine.begin() as conn:
        platform.consents.record(
            conn, [grant("P06", "separate", "g-p06"), dict(grant("P06", "x", "bad"), purpose="P99")]
        )
    event = last(platform, "consent:event")
    assert (event.customer_ids, event.record_count, event.purpose) == ((customer,), 1, "P06")
    assert (event.reason, event.channel) == ("not_recorded:1", "app")


def test_when_keys_and_policy_are_administered_then_each_action_is_audited(
    platform: Platform, customer: str
) -> None:
    keyadmin.rotate(platform.engine, platform.kek, platform.keyring, audit=platform.recorder)
    with pytest.raises(keyadmin.KeyAdminError):
        keyadmin.retire(platform.engine, platform.kek, 99, audit=platform.recorder)
    keyadmin.retire(platform.engine, platform.kek, 1, audit=platform.recorder)
    keyadmin.shred(platform.engine, platform.keyring, customer, audit=platform.recorder)
    platform.reload_policy()
    tags = [(e.action, e.decision, e.reason) for e in events(platform) if ":" in e.action]
    admin = [t for t in tags if t[0].split(":")[0] in {"key", "policy"}]
    assert admin == [
        ("key:rotate", "allow", "started:kek_v2"),
        ("key:retire", "deny", "unknown_version"),
        ("key:retire", "allow", "kek_v1"),
        ("key:shred", "allow", None),
        ("policy:reload", "allow", None),
    ]
    assert last(platform, "key:shred").customer_ids == (customer,)
    assert last(platform, "policy:reload").policy_version == platform.policy.version


def test_when_the_policy_files_are_invalid_then_the_failed_reload_is_audited(
    platform: Platform, tmp_path: Any
) -> None:
    from cdp.resources import shipped_policy_dir

    broken = tmp_path / "policies"
    broken.mkdir()
    for path in shipped_policy_dir().iterdir():
        if path.is_file():
            (broken / path.name).write_bytes(path.read_bytes())
    (broken / "policy.csv").write_text("p, nobody, profile.nothing, read, P99, allow\n", "utf-8")
    object.__setattr__(
        platform, "settings", platform.settings.model_copy(update={"policy_dir": broken})
    )
    with pytest.raises(PolicyInvalid):
        platform.reload_policy()
    event = last(platform, "policy:reload")
    assert event.decision == "error"
    assert (event.reason or "").startswith("policy_invalid:")


def test_when_writers_append_concurrently_then_every_chain_verifies(platform: Platform) -> None:
    workers = [build_platform(platform.settings) for _ in range(6)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(workers))

    def append(worker: Platform, n: int) -> None:
        try:
            start.wait()
            for i in range(60):
                with worker.engine.begin() as conn:
                    worker.recorder.record(
                        conn,
                        AuditTag.PROFILE_READ,
                        Decision.ALLOW,
                        actor=f"worker-{n}",
                        customer_ids=(f"c-{n}-{i % 3}",),
                    )
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=append, args=(w, n)) for n, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        worker.close()
    assert errors == []
    with platform.engine.connect() as conn:
        report = verify_store(SqlAuditStore(conn), audit_key(platform.settings, create=False), 4)
        per_chain = conn.execute(
            select(AuditLink.chain, func.count(), func.max(AuditLink.seq)).group_by(AuditLink.chain)
        ).all()
    assert report.intact, report
    assert report.checked == 360
    assert all(n == top for _, n, top in per_chain)  # no gaps, no doubled seq
    assert len(per_chain) > 1
