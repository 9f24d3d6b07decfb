"""cdp.client against a real `cdp serve` process, on SQLite and PostgreSQL.

The server (one per backend, module scope) is shared, so tests touch disjoint state: each one
writes to its own customer, event ids or client names.
"""

from __future__ import annotations

import asyncio
import csv
import io
import time
import uuid

import httpx
import pytest

from cdp.client import (
    CdpClient,
    ConsentRequired,
    Forbidden,
    InvalidRequest,
    NotFound,
    Unauthorized,
)
from tests.api.conftest import (
    ADULT_ID,
    ADULT_MOBILE,
    ADULT_NAME,
    BRANCH,
    OTHER_ID,
    grant,
    record,
)
from tests.e2e.conftest import Server

pytestmark = pytest.mark.slow


class Counting(httpx.HTTPTransport):
    """A real transport that remembers the paths it sent."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return super().handle_request(request)


def test_health_and_ready(server: Server) -> None:
    with server.client("cs") as cdp:
        assert cdp.health().ok
        ready = cdp.ready()
    assert ready.ok
    assert ready.checks == {"database": True, "keys": True, "policy": True}


def test_api_key_read_clear_masked_denied(server: Server) -> None:
    with server.client("cs", purpose="P01") as cdp:
        found = cdp.read_customer(
            server.adult, fields=["open_branch", "mobile", "full_name", "birth_date"]
        )
    assert found.customer_id == server.adult
    assert found.purpose == "P01"
    assert found.policy_version
    assert found.fields["open_branch"].access == "clear"
    assert found.value("open_branch") == BRANCH
    assert found.names("masked") == ["mobile", "full_name"]
    assert found.value("mobile") not in (None, ADULT_MOBILE)
    assert found.value("full_name") not in (None, ADULT_NAME)
    denied = found.fields["birth_date"]
    assert denied.access == "denied"
    assert denied.value is None
    assert denied.reason


def test_oauth_token_cached_and_refreshed_once_on_401(server: Server) -> None:
    transport = Counting()
    with server.oauth("rm", purpose="P01", transport=transport) as cdp:
        first = cdp.read_customer(server.adult, fields=["mobile"])
        second = cdp.read_customer(server.adult, fields=["mobile"])
        assert transport.paths.count("/v1/oauth/token") == 1  # cached
        cdp._core.tokens._token = "not-a-token"  # as if revoked or expired server-side
        third = cdp.read_customer(server.adult, fields=["mobile"])
    for found in (first, second, third):
        assert found.fields["mobile"].access == "clear"
        assert found.value("mobile") == ADULT_MOBILE
    assert transport.paths.count("/v1/oauth/token") == 2  # refreshed once after the 401


def test_oauth_async(server: Server) -> None:
    async def run() -> tuple[str | None, list[str], int]:
        async with server.async_oauth("cs", purpose="P01") as cdp:
            found, ids = await asyncio.gather(
                cdp.read_customer(server.adult, fields=["open_branch"]),
                cdp.search("mobile", ADULT_MOBILE),
            )
        async with server.async_oauth("compliance") as auditor:
            count = 0
            async for _event in auditor.iter_audit_events(limit=3, decision="allow"):
                count += 1
                if count >= 7:
                    break
        return found.value("open_branch"), ids, count

    branch, ids, count = asyncio.run(run())
    assert branch == BRANCH
    assert ids == [server.adult]
    assert count == 7  # crossed at least two page boundaries


def test_bad_credentials_are_unauthorized(server: Server) -> None:
    wrong_key = "cdpk_" + "x" * 40
    wrong = CdpClient(server.base_url, api_key=wrong_key, purpose="P01")
    with wrong as cdp, pytest.raises(Unauthorized) as refused:
        cdp.read_customer(server.adult)
    assert refused.value.status == 401
    assert wrong_key not in str(refused.value)
    secret = server.keys["cs"] + "tampered"
    tampered = CdpClient(
        server.base_url, client_id=server.client_ids["cs"], client_secret=secret, purpose="P01"
    )
    with tampered as cdp, pytest.raises(Unauthorized) as bad:
        cdp.read_customer(server.adult)
    assert bad.value.code == "invalid_client"
    assert secret not in str(bad.value)
    with server.client("disabled", purpose="P01") as cdp, pytest.raises(Unauthorized):
        cdp.read_customer(server.adult)


def test_consent_required_without_a_grant(server: Server) -> None:
    with server.client("rm", purpose="P05") as cdp:
        granted = cdp.read_customer(server.adult, fields=["aum"])
        assert granted.fields["aum"].access == "clear"
        with pytest.raises(ConsentRequired) as refused:
            cdp.read_customer(server.fresh, fields=["aum"])
    error = refused.value
    assert isinstance(error, Forbidden)
    assert error.status == 403
    assert error.code == "consent_required"
    assert error.request_id


def test_policy_refusal_is_forbidden_not_consent(server: Server) -> None:
    with server.client("compliance", purpose="P01") as cdp, pytest.raises(Forbidden) as refused:
        cdp.read_customer(server.adult, fields=["mobile"])
    assert not isinstance(refused.value, ConsentRequired)
    assert refused.value.status == 403


def test_request_errors(server: Server) -> None:
    with server.client("cs") as cdp:
        with pytest.raises(ValueError, match="purpose"):
            cdp.read_customer(server.adult)  # no purpose: refused before any request
        with pytest.raises(InvalidRequest) as unknown:
            cdp.read_customer(server.adult, purpose="P99")
        assert unknown.value.code == "unknown_purpose"
        with pytest.raises(NotFound) as missing:
            cdp.read_customer(str(uuid.uuid4()), purpose="P01")
        assert missing.value.code == "customer_not_found"
        with pytest.raises(InvalidRequest) as invalid:
            cdp.read_customer(server.adult, purpose="P01", fields=["../etc"])
        assert invalid.value.status == 422


def test_search(server: Server) -> None:
    with server.client("cs", purpose="P01") as cdp:
        assert cdp.search("mobile", ADULT_MOBILE) == [server.adult]
        assert cdp.search("id_number", OTHER_ID) == [server.other]
        assert cdp.search("mobile", "13011112222") == []
        with pytest.raises(Forbidden) as refused:
            cdp.search("email", "someone@example.com")  # not a search cs may do
    assert refused.value.code == "search_denied"
    assert refused.value.fields == ("email",)
    assert "someone@example.com" not in str(refused.value)


def test_update(server: Server) -> None:
    with server.client("cs", purpose="P01") as cdp:
        result = cdp.update_customer(server.fresh, {"preferred_channel": "sms"})
        assert result.customer_id == server.fresh
        assert result.written == ["preferred_channel"]
        after = cdp.read_customer(server.fresh, fields=["preferred_channel"])
        assert after.value("preferred_channel") == "sms"
        with pytest.raises(Forbidden) as refused:
            cdp.update_customer(server.fresh, {"full_name": "李四"})
    assert refused.value.code == "field_write_denied"
    assert refused.value.fields == ("full_name",)
    assert "李四" not in str(refused.value)


def test_ingest_per_record_results(server: Server) -> None:
    records = [
        record("E2E-1", id_number="110105199205154569", mobile="13700002222"),
        record("E2E-2", mobile="not-a-mobile"),
    ]
    with server.client("engineer", purpose="P01") as cdp:
        result = cdp.ingest("core_banking", records)
        with pytest.raises(NotFound) as unknown:
            cdp.ingest("no_such_source", records[:1])
    assert [r.status for r in result.results] == ["accepted", "rejected"]
    assert [r.position for r in result.rejected] == [2]
    assert [e.field for e in result.rejected[0].errors] == ["mobile"]
    assert "not-a-mobile" not in result.model_dump_json()
    assert unknown.value.code == "unknown_source"


def test_consent_events_idempotent_replay(server: Server) -> None:
    event = grant(f"e2e-{server.backend}-1", OTHER_ID, "P07")
    bad = {**grant(f"e2e-{server.backend}-2", OTHER_ID, "P07"), "consent_type": "sideways"}
    with server.client("channel") as channel:
        first = channel.record_consent_events([event, bad])
        replay = channel.record_consent_events([event])
    assert [r.status for r in first.results] == ["recorded", "rejected"]
    assert first.results[1].field == "consent_type"
    assert replay.results[0].status == "duplicate"
    assert replay.results[0].event_id == event["event_id"]
    with server.client("cs", purpose="P01") as cs:
        assert cs.consents(server.other).status("P07") == "granted"


def test_consents_and_proof(server: Server) -> None:
    with server.client("rm", purpose="P05") as cdp:
        consents = cdp.consents(server.adult)
        proof = cdp.consent_proof(server.adult, "P05")
        with pytest.raises(NotFound):
            cdp.consents(str(uuid.uuid4()))
    assert consents.customer_id == server.adult
    assert consents.status("P05") == "granted"
    assert consents.status("P07") == "granted"
    assert proof.purpose == "P05"
    assert [e.get("event_id") for e in proof.events] == ["seed-1"]
    assert "P05-v1" in proof.notices


def test_audit_paging_with_cursor_and_csv(server: Server) -> None:
    actor = f"client:{server.client_ids['cs']}"
    with server.client("cs", purpose="P01") as cs:
        cs.read_customer(server.adult, fields=["open_branch"])
        cs.read_customer(server.adult, fields=["mobile"])
        cs.search("mobile", ADULT_MOBILE)
    with server.client("compliance") as auditor:
        whole = auditor.audit_events(actor=actor, limit=1000)
        paged = list(auditor.iter_audit_events(actor=actor, limit=2))
        first = auditor.audit_events(actor=actor, limit=2)
        sheet = auditor.audit_events_csv(actor=actor, limit=2)
        rest = auditor.audit_events_csv(actor=actor, limit=1000, cursor=sheet.next_cursor or "")
    assert len(whole.events) >= 3
    assert whole.next_cursor is None
    assert [e.id for e in paged] == [e.id for e in whole.events]
    assert {e.actor for e in paged} == {actor}
    assert first.next_cursor is not None
    rows = list(csv.DictReader(io.StringIO(sheet.text)))
    more = list(csv.DictReader(io.StringIO(rest.text)))
    assert sheet.next_cursor is not None
    assert len(rows) == 2
    assert len(rows) + len(more) == len(whole.events)
    assert ADULT_MOBILE not in sheet.text + rest.text


def test_access_report(server: Server) -> None:
    with server.client("kyc", purpose="P02") as kyc:
        kyc.read_customer(server.adult, fields=["id_number"])
    with server.client("compliance") as auditor:
        report = auditor.access_report(server.adult)
    assert report.customer_id == server.adult
    assert report.rows
    assert f"client:{server.client_ids['kyc']}" in {row.get("actor") for row in report.rows}
    assert ADULT_ID not in report.model_dump_json()


def test_verify(server: Server) -> None:
    with server.client("compliance") as auditor:
        result = auditor.verify_audit()
    assert result.intact
    with server.client("cs") as cs, pytest.raises(Forbidden):
        cs.verify_audit()


def test_admin_clients_policy_and_keys(server: Server) -> None:
    name = f"e2e-{uuid.uuid4().hex[:8]}"
    with server.client("admin") as admin:
        assert admin.reload_policy().policy_version
        keys = admin.key_status()
        created = admin.add_client(name, ["customer_service"])
        listed = admin.list_clients()
        assert created.api_key.startswith("cdpk_")
        assert created.name == name
        assert created.client_id in {c.client_id for c in listed.clients}
        assert created.api_key not in listed.model_dump_json()
        by_key = CdpClient(server.base_url, api_key=created.api_key, purpose="P01")
        by_token = CdpClient(
            server.base_url,
            client_id=created.client_id,
            client_secret=created.api_key,
            purpose="P01",
        )
        with by_key, by_token:
            for fresh in (by_key, by_token):
                assert fresh.read_customer(server.adult, fields=["open_branch"]).value(
                    "open_branch"
                )
            disabled = admin.disable_client(created.client_id)
            assert disabled.disabled
            refused = {"key": _refused_within(by_key, server.adult, seconds=8.0)}
            refused["token"] = _refused_within(by_token, server.adult, seconds=8.0)
        with pytest.raises(NotFound):
            admin.disable_client("no-such-client")
    # the client cache's TTL is 5 s: both the key and a token issued before must stop working
    assert refused == {"key": True, "token": True}
    assert keys.keks
    assert all(k.data_keys >= 0 for k in keys.keks)


def _refused_within(client: CdpClient, customer_id: str, *, seconds: float) -> bool:
    """Polls a read until it is Unauthorized (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            client.read_customer(customer_id, fields=["open_branch"])
        except Unauthorized:
            return True
        time.sleep(0.5)
    return False


def test_request_id_echoed_and_audited(server: Server) -> None:
    request_id = f"e2e-{uuid.uuid4().hex[:12]}"
    with server.client("cs", purpose="P01") as cs:
        found = cs.read_customer(server.adult, fields=["open_branch"], request_id=request_id)
        with pytest.raises(InvalidRequest) as refused:
            cs.read_customer(server.adult, purpose="P99", request_id=request_id + "-x")
    assert found.request_id == request_id
    assert refused.value.request_id == request_id + "-x"
    actor = f"client:{server.client_ids['cs']}"
    with server.client("compliance") as auditor:
        events = [e for e in auditor.iter_audit_events(actor=actor) if e.request_id == request_id]
    assert len(events) == 1
    assert events[0].customer_ids == [server.adult]
    assert events[0].decision == "allow"
