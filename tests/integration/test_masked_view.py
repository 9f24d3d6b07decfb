"""The masked view follows ingest, governed writes, consents and shredding, on both backends."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cdp import keyadmin
from cdp.bootstrap import Platform
from cdp.db.models import MaskedProfile, table_of
from cdp.masked import repository as masked_repo
from cdp.masked.read import show
from cdp.masked.service import MaskedView
from cdp.synth.files import generate_demo_files
from governance.decision import Principal
from tests.conftest import cli_env
from tests.integration.helpers import find_leaks, run_cdp, seeded_values

masked_t = table_of(MaskedProfile)
ADULT_ID = "11010519491231002X"
WRITER = Principal("tester", frozenset({"data_engineer"}), {})
VOLATILE = {"refreshed_at"}


def ingest(platform: Platform, *records: dict[str, str]) -> None:
    """Ingests core-banking records in one batch."""
    summary = platform.ingestor().ingest_records("core_banking", records)
    assert not summary.errors, summary.errors


def rows(platform: Platform) -> dict[str, dict[str, Any]]:
    """Reads the whole masked view by customer id, without the refresh instant."""
    with platform.engine.connect() as conn:
        found = conn.execute(select(masked_t)).mappings().all()
    return {r["customer_id"]: {k: v for k, v in r.items() if k not in VOLATILE} for r in found}


def only_row(platform: Platform) -> dict[str, Any]:
    """Returns the single masked row."""
    (row,) = rows(platform).values()
    return row


def grant(platform: Platform, event_id: str, action: str = "grant") -> None:
    """Records a P06 grant (or withdrawal) for the adult."""
    event = {
        "event_id": event_id,
        "customer": {"id_number": ADULT_ID},
        "purpose": "P06",
        "action": action,
        "channel": "app",
        "actor": {"kind": "subject"},
        "occurred_at": "2026-01-01T09:00:00+08:00"
        if action == "grant"
        else "2026-02-01T09:00:00+08:00",
    }
    if action == "grant":
        event |= {"consent_type": "separate", "notice_version": "P06-v1"}
    with platform.engine.begin() as conn:
        (result,) = platform.consents.record(conn, [event])
    assert result.status == "recorded", result


@pytest.fixture
def adult(platform: Platform) -> str:
    """One adult customer in 北京, 贵宾 tier; returns the customer id."""
    ingest(
        platform,
        {
            "source_key": "A1",
            "observed_at": "2025-01-01T09:00:00+08:00",
            "full_name": "张伟",
            "id_number": ADULT_ID,
            "birth_date": "1949-12-31",
            "home_address": "北京市海淀区中关村大街1号3单元502室",
            "aum": "123456.78",
            "gender": "F",
            "risk_tolerance": "C3",
            "service_note": "客户张伟来电，手机13812345678",
        },
    )
    (customer_id,) = rows(platform)
    return customer_id


def test_when_a_profile_is_ingested_then_its_masked_row_holds_only_generalised_values(
    platform: Platform, adult: str
) -> None:
    row = only_row(platform)
    assert row["pseudonym"] == platform.pseudonyms.pseudonym("analytics", adult)
    assert (row["age_band"], row["is_minor_u14"], row["is_minor_u18"]) == ("≥70", False, False)
    assert (row["city"], row["aum_tier"], row["gender"], row["risk_level"]) == (
        "北京市",
        "贵宾",
        "F",
        "C3",
    )
    assert row["masked_note"] == "客户张*来电，手机138****5678"  # the platform's detector
    assert row["note_detector"] == platform.note_masker.version
    assert row["consents"]["P06"] is False
    assert row["tags"] == ["T_SENIOR", "T_VIP"]  # policies/tags.yaml, computed on refresh
    assert adult not in row["pseudonym"]


def test_when_a_governed_write_changes_the_address_then_the_city_follows(
    platform: Platform, adult: str
) -> None:
    with platform.engine.begin() as conn:
        platform.writer.write(
            conn, WRITER, "P01", adult, {"home_address": "广东省深圳市南山区科技园路1号"}
        )
    assert only_row(platform)["city"] == "深圳市"


def test_when_consent_is_granted_then_withdrawn_then_the_flag_follows(
    platform: Platform, adult: str
) -> None:
    grant(platform, "g1")
    assert only_row(platform)["consents"]["P06"] is True
    grant(platform, "w1", action="withdraw")
    assert only_row(platform)["consents"]["P06"] is False


def test_when_consent_changes_then_only_the_flags_move_and_a_missing_row_is_built(
    platform: Platform, adult: str
) -> None:
    before = only_row(platform)
    grant(platform, "g-flags")
    after = only_row(platform)
    assert after["consents"]["P06"] is True
    moved = {"consents", "consent_updated_at", "refreshed_at"}
    assert {k: v for k, v in after.items() if k not in moved} == {
        k: v for k, v in before.items() if k not in moved
    }
    with platform.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM masked_profile")
    grant(platform, "g-flags-2", action="withdraw")
    rebuilt = only_row(platform)  # no row held: the consent refresh builds the whole row
    assert rebuilt["consents"]["P06"] is False
    assert rebuilt["masked_note"] == before["masked_note"]


def test_when_a_customer_is_shredded_then_the_masked_row_is_gone(
    platform: Platform, adult: str
) -> None:
    keyadmin.shred(platform.engine, platform.keyring, adult, audit=platform.recorder)
    assert rows(platform) == {}
    stats = platform.masked.rebuild(platform.engine)  # a rebuild does not bring it back
    assert (stats.written, rows(platform)) == (0, {})


def test_when_rebuilt_then_the_view_equals_the_incremental_one(
    platform: Platform, adult: str
) -> None:
    grant(platform, "g1")
    ingest(
        platform,
        {
            "source_key": "B1",
            "observed_at": "2025-01-01T09:00:00+08:00",
            "id_number": "320102198505051233",
            "home_address": "新疆维吾尔自治区乌鲁木齐市天山区解放路1号",
        },
    )
    incremental = rows(platform)
    with platform.engine.begin() as conn:
        conn.execute(masked_t.delete())
    stats = platform.masked.rebuild(platform.engine, batch_size=1, audit=platform.recorder)
    assert stats.written == 2
    assert _without_versions(rows(platform)) == _without_versions(incremental)


def test_when_a_rebuild_fails_mid_way_then_the_view_stays_consistent_and_a_rerun_repairs_it(
    platform: Platform, adult: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(4):
        ingest(
            platform,
            {
                "source_key": f"K{n}",
                "observed_at": "2025-01-01T09:00:00+08:00",
                "birth_date": f"199{n}-05-05",
                "aum": f"{n}000000",
            },
        )
    expected = rows(platform)
    with platform.engine.begin() as conn:
        conn.execute(masked_t.update().values(city="stale", aum_tier="stale"))
    real, calls = masked_repo.upsert, []

    def failing(conn: Any, batch: Any) -> None:
        calls.append(len(batch))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real(conn, batch)

    monkeypatch.setattr(masked_repo, "upsert", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        platform.masked.rebuild(platform.engine, batch_size=2)
    half = rows(platform)
    assert set(half) == set(expected)  # no row lost or half-written
    fresh = [cid for cid, row in half.items() if row["city"] != "stale"]
    assert len(fresh) == 4  # the two committed batches
    monkeypatch.setattr(masked_repo, "upsert", real)
    platform.masked.rebuild(platform.engine, batch_size=2)
    assert _without_versions(rows(platform)) == _without_versions(expected)


class FakeMasker:
    """Stands in for the PII detector: counts its calls, hides every character."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.calls = 0
        self.held: list[list[str]] = []

    def anonymize(self, text: str, *, held_names: Iterable[str] = ()) -> str:
        self.calls += 1
        self.held.append(list(held_names))
        return "<NOTE>" + "*" * len(text)


def test_when_a_detector_is_injected_then_notes_are_masked_once_and_reused_until_it_changes(
    platform: Platform, adult: str
) -> None:
    first = FakeMasker("fake-1")
    view = MaskedView(projector=platform.masked._projector, store=platform.store, masker=first)
    assert view.rebuild(platform.engine).notes["masked"] == 1
    assert view.rebuild(platform.engine).notes["reused"] == 1
    assert first.calls == 1
    assert first.held == [["张伟"]]  # the customer's own name is always masked in their note
    assert only_row(platform)["masked_note"].startswith("<NOTE>")
    second = FakeMasker("fake-2")
    view = MaskedView(projector=platform.masked._projector, store=platform.store, masker=second)
    assert view.rebuild(platform.engine).notes["masked"] == 1
    assert only_row(platform)["note_detector"] == "fake-2"


def test_when_an_analyst_looks_up_a_pseudonym_then_no_customer_id_is_returned(
    platform: Platform, adult: str
) -> None:
    pseudonym = platform.pseudonyms.pseudonym("analytics", adult)
    with platform.engine.connect() as conn:
        found = show(conn, pseudonym)
        missing = show(conn, "0" * 32)
    assert found is not None
    assert missing is None
    assert adult not in repr(found)
    assert found.city == "北京市"


@pytest.mark.slow
def test_when_generated_customers_are_ingested_then_the_masked_view_holds_no_seeded_pii(
    platform: Platform, tmp_path: Path
) -> None:
    files, _ = generate_demo_files(tmp_path / "in", 300, seed=5, error_rate=0.0)
    ingestor = platform.ingestor()
    for source in ("core_banking", "credit_card", "mobile_app"):
        ingestor.ingest_file(files[source], source)
    platform.masked.rebuild(platform.engine)
    view = rows(platform)
    assert len(view) >= 300
    blob = "\x00".join(str(v) for row in view.values() for v in row.values()).encode()
    assert find_leaks(blob, seeded_values(list(files.values()))) == []


def _without_versions(view: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Drops the source-version instants, which a rebuild reads back at storage precision."""
    drop = {"profile_updated_at", "consent_updated_at"}
    return {cid: {k: v for k, v in row.items() if k not in drop} for cid, row in view.items()}


def test_when_the_cli_rebuilds_and_shows_then_the_row_comes_back_without_the_customer_id(
    platform: Platform, adult: str
) -> None:
    env = cli_env(platform.settings)
    rebuilt = run_cdp(env, "masked", "rebuild", "--batch-size", "10", check=True)
    assert "1 rows written" in rebuilt.stdout
    pseudonym = platform.pseudonyms.pseudonym("analytics", adult)
    shown = run_cdp(env, "masked", "show", "--pseudonym", pseudonym, check=True)
    assert json.loads(shown.stdout)["city"] == "北京市"
    assert adult not in shown.stdout
    assert run_cdp(env, "masked", "show", "--pseudonym", "0" * 32).returncode == 2


ACTIVITY = {  # core banking's aggregates and the app's logins, as sources send them
    "open_date": "2015-03-02",
    "txns_30d": "12",
    "txns_90d": "30",
    "txn_amount_90d": "250,000.00",
    "aum_90d_ago": "140000.00",
    "products_held": "4",
    "logins_30d": "9",
    "logins_90d": "20",
}


def _activity_row(platform: Platform, **fields: str) -> dict[str, Any]:
    from consent.clock import local_date

    today = local_date(platform.masked._clock())
    login = (today - timedelta(days=3)).isoformat()
    ingest(
        platform,
        {
            "source_key": "ACT1",
            "observed_at": "2025-01-01T09:00:00+08:00",
            "id_number": "320102198505051233",
            "aum": "123456.78",
            "last_login_date": login,
            **ACTIVITY,
            **fields,
        },
    )
    return only_row(platform)


def test_when_activity_aggregates_are_ingested_then_the_view_holds_bands_flags_and_stage(
    platform: Platform,
) -> None:
    row = _activity_row(platform)
    assert row["aum_tier"] == "贵宾"  # the value tier
    assert row["tenure_years"] >= 11
    assert (row["aum_trend"], row["recency_band"], row["activity_level"]) == ("down", "7d", "high")
    assert (row["txn_amount_band"], row["products_held"]) == ("20万–50万", 4)
    assert row["contribution_band"] == "medium"  # 1,234.57 + 2,000 yuan a year
    assert (row["lifecycle_stage"], row["churn_risk"]) == ("decline", True)
    blob = "\x00".join(str(v) for v in row.values())
    for amount in ("123456.78", "250000.00", "140000.00", "250,000.00"):
        assert amount not in blob


def test_when_activity_changes_then_refresh_and_rebuild_agree(platform: Platform) -> None:
    _activity_row(platform, aum_90d_ago="100000.00", logins_30d="1", txns_30d="1")
    row = only_row(platform)
    assert (row["aum_trend"], row["activity_level"], row["lifecycle_stage"]) == (
        "up",
        "low",
        "decline",  # 2 events in 30 days against 50 in 90: activity falling
    )
    with platform.engine.begin() as conn:
        conn.execute(masked_t.delete())
    platform.masked.rebuild(platform.engine)
    assert _without_versions(rows(platform)) == _without_versions({row["customer_id"]: row})


def test_when_the_amounts_are_stored_then_only_ciphertext_is_kept(platform: Platform) -> None:
    _activity_row(platform)
    with platform.engine.connect() as conn:
        stored = conn.exec_driver_sql(
            "SELECT txn_amount_90d_ct, aum_90d_ago_ct, logins_30d, products_held FROM profile"
        ).one()
    assert b"250000" not in bytes(stored[0])
    assert b"140000" not in bytes(stored[1])
    assert (stored[2], stored[3]) == (9, 4)


def test_when_no_activity_is_known_then_the_columns_say_unknown_or_stay_empty(
    platform: Platform, adult: str
) -> None:
    row = only_row(platform)
    assert (row["aum_trend"], row["recency_band"], row["activity_level"]) == (
        "unknown",
        "unknown",
        None,
    )
    assert (row["txn_amount_band"], row["products_held"], row["tenure_years"]) == (None, None, None)
    assert row["contribution_band"] == "medium"  # from AUM alone
    assert (row["lifecycle_stage"], row["churn_risk"]) == (None, None)
