"""Regression tests for defects found in review: shredding, identity conflicts, stale keyrings."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from cdp import keyadmin
from cdp.bootstrap import Platform, build_platform
from cdp.db.hot import HotQuery
from cdp.db.models import CustomerKey
from cdp.profiles.readers import read_records
from cdp.profiles.sources import UnknownSource
from cdp.profiles.store import CustomerErased

ID_A, ID_B = "11010519491231002X", "360426199101010071"
T0, T1 = "2025-01-01T09:00:00+08:00", "2025-06-01T09:00:00+08:00"


def rec(key: str, at: str = T0, **fields: str) -> dict[str, str]:
    """A flat source record."""
    return {"source_key": key, "observed_at": at, **fields}


def only_customer(platform: Platform) -> str:
    """Returns the id of the single stored customer."""
    with platform.engine.connect() as conn:
        return conn.exec_driver_sql("select customer_id from customer").scalar_one()


def test_when_a_customer_is_shredded_then_even_plain_columns_are_gone(platform: Platform) -> None:
    platform.ingestor().ingest_records(
        "core_banking", [rec("C1", id_number=ID_A, occupation="教师", open_branch="北京海淀支行")]
    )
    cid = only_customer(platform)
    keyadmin.shred(platform.engine, platform.keyring, cid)
    with platform.engine.connect() as conn:
        with pytest.raises(CustomerErased):
            platform.store.read(conn, cid, ["occupation", "open_branch"])
        query = HotQuery("select occupation, open_branch from profile where customer_id = ?")
        (row,) = query.all(conn, (cid,))
    assert tuple(row) == (None, None)


def test_when_a_reader_holds_the_database_then_shredding_says_it_is_not_finished(
    platform: Platform,
) -> None:
    if not platform.settings.is_sqlite:
        pytest.skip("WAL checkpoints are SQLite's")
    platform.ingestor().ingest_records("core_banking", [rec("C1", id_number=ID_A)])
    cid = only_customer(platform)
    reader = sqlite3.connect(platform.settings.database_url.removeprefix("sqlite:///"))
    reader.execute("begin")
    reader.execute("select count(*) from customer").fetchone()
    try:
        with pytest.raises(keyadmin.KeyAdminError, match="run `cdp keys shred` again"):
            keyadmin.shred(platform.engine, platform.keyring, cid)
    finally:
        reader.rollback()
        reader.close()
    keyadmin.shred(platform.engine, platform.keyring, cid)  # idempotent: finishes now


def test_when_a_linked_source_key_brings_another_id_number_then_the_row_is_refused(
    platform: Platform,
) -> None:
    platform.ingestor().ingest_records("core_banking", [rec("K1", id_number=ID_A)])
    summary = platform.ingestor().ingest_records("core_banking", [rec("K1", T1, id_number=ID_B)])
    assert summary.rejected == 1
    assert summary.errors[0].field == "id_number"
    with platform.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from customer").scalar_one() == 1


def test_when_the_manual_source_is_bulk_ingested_then_it_is_refused(platform: Platform) -> None:
    with pytest.raises(UnknownSource, match="governed write path"):
        platform.ingestor().ingest_records("manual", [rec("M1", id_number=ID_A)])


def test_when_a_json_key_is_data_then_the_error_does_not_echo_it(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({ID_A: {"nested": 1}}) + "\n", encoding="utf-8")
    (record,) = read_records(path)
    assert record.error is not None
    assert ID_A not in record.error


def test_when_another_process_rotated_and_retired_then_a_stale_one_still_wraps_safely(
    platform: Platform,
) -> None:
    stale = build_platform(platform.settings)  # built while v1 is active
    platform.ingestor().ingest_records("core_banking", [rec("C1", id_number=ID_A)])
    keyadmin.rotate(platform.engine, platform.kek, platform.keyring)
    keyadmin.retire(platform.engine, platform.kek, 1)
    stale.ingestor().ingest_records("core_banking", [rec("C2", id_number=ID_B)])
    with platform.engine.connect() as conn:
        versions = {v for (v,) in conn.execute(select(CustomerKey.kek_version))}
    assert versions == {2}
    fresh = build_platform(platform.settings)
    with fresh.engine.connect() as conn:
        for (cid,) in conn.exec_driver_sql("select customer_id from customer").all():
            assert fresh.store.read(conn, cid, ["id_number"]).values["id_number"] in {ID_A, ID_B}
    fresh.close()
    stale.close()
