"""Ciphertext at rest: tampering, swapping, rotation, retirement and crypto-shredding."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from cdp import keyadmin
from cdp.bootstrap import Platform, build_platform
from cdp.crypto import CiphertextInvalid
from cdp.db.models import CustomerKey, Profile, SourceLink
from cdp.profiles.store import CustomerErased
from cdp.settings import Settings

ID_A, ID_B = "11010519491231002X", "360426199101010071"
T0 = "2025-01-01T09:00:00+08:00"


def load(platform: Platform) -> tuple[str, str]:
    """Stores two customers and returns their ids."""
    records = [
        {
            "source_key": "C1",
            "observed_at": T0,
            "id_number": ID_A,
            "mobile": "13812345678",
            "full_name": "张伟",
            "aum": "1234.50",
        },
        {
            "source_key": "C2",
            "observed_at": T0,
            "id_number": ID_B,
            "mobile": "13912345678",
            "full_name": "李秀英",
            "aum": "99.00",
        },
    ]
    summary = platform.ingestor().ingest_records("core_banking", records)
    assert summary.created == 2
    with platform.engine.connect() as conn:
        links = dict(conn.execute(select(SourceLink.source_key, SourceLink.customer_id)).all())
    return links["C1"], links["C2"]


def read(platform: Platform, cid: str, *fields: str) -> dict[str, str | None]:
    """Opens fields through a fresh platform so no cached key hides a problem."""
    fresh = build_platform(platform.settings)
    try:
        with fresh.engine.connect() as conn:
            return fresh.store.read(conn, cid, fields or None).values
    finally:
        fresh.close()


def column(platform: Platform, cid: str, name: str) -> bytes:
    """Reads one raw ciphertext column."""
    with platform.engine.connect() as conn:
        return bytes(
            conn.execute(
                select(Profile.__table__.c[name]).where(Profile.customer_id == cid)
            ).scalar_one()
        )


def write(platform: Platform, cid: str, name: str, value: bytes) -> None:
    """Overwrites one raw column, as an attacker with database access could."""
    with platform.engine.begin() as conn:
        conn.execute(update(Profile).where(Profile.customer_id == cid).values({name: value}))


def test_when_nothing_is_tampered_then_every_field_round_trips(platform: Platform) -> None:
    first, _ = load(platform)
    got = read(platform, first, "full_name", "id_number", "mobile", "aum", "email")
    assert got == {
        "full_name": "张伟",
        "id_number": ID_A,
        "mobile": "13812345678",
        "aum": "1234.50",
        "email": None,
    }


@pytest.mark.parametrize("position", [0, 3, 5, 20, -1])  # header, key version, nonce, body, tag
def test_when_one_stored_byte_flips_then_the_read_is_refused(
    platform: Platform, position: int
) -> None:
    first, _ = load(platform)
    blob = bytearray(column(platform, first, "mobile_ct"))
    blob[position] ^= 0x01
    write(platform, first, "mobile_ct", bytes(blob))
    with pytest.raises(CiphertextInvalid) as caught:
        read(platform, first, "mobile")
    assert "13812345678" not in str(caught.value)


def test_when_a_ciphertext_is_copied_from_another_row_then_it_does_not_open(
    platform: Platform,
) -> None:
    first, second = load(platform)
    write(platform, first, "mobile_ct", column(platform, second, "mobile_ct"))
    with pytest.raises(CiphertextInvalid):
        read(platform, first, "mobile")


def test_when_a_ciphertext_is_moved_to_another_column_then_it_does_not_open(
    platform: Platform,
) -> None:
    first, _ = load(platform)
    write(platform, first, "email_ct", column(platform, first, "mobile_ct"))
    with pytest.raises(CiphertextInvalid):
        read(platform, first, "email")


def test_when_a_customer_is_shredded_then_only_they_become_unreadable(platform: Platform) -> None:
    first, second = load(platform)
    keyadmin.shred(platform.engine, platform.keyring, first)
    with pytest.raises(CustomerErased):
        read(platform, first, "mobile")
    assert read(platform, second, "mobile") == {"mobile": "13912345678"}
    digest = platform.vault.digest("id_number", ID_A)
    from cdp.profiles.repository import customers_by_digest

    with platform.engine.connect() as conn:
        assert customers_by_digest(conn, "id_number", digest) == []


def test_when_keys_rotate_then_every_record_stays_readable_and_old_kek_retires(
    platform: Platform,
) -> None:
    first, second = load(platform)
    report = keyadmin.rotate(platform.engine, platform.kek, platform.keyring, batch_size=1)
    assert report.started_new_version
    assert report.rewrapped == 2
    assert report.target_version == 2
    with platform.engine.connect() as conn:
        assert {k for (k,) in conn.execute(select(CustomerKey.kek_version))} == {2}
    assert read(platform, first, "id_number") == {"id_number": ID_A}
    keyadmin.retire(platform.engine, platform.kek, 1)
    assert platform.kek.versions() == [2]
    assert read(platform, second, "id_number") == {"id_number": ID_B}


def test_when_an_old_kek_still_wraps_keys_then_retire_refuses(platform: Platform) -> None:
    load(platform)
    with pytest.raises(keyadmin.KeyAdminError, match="active"):
        keyadmin.retire(platform.engine, platform.kek, 1)
    keyadmin.rotate(platform.engine, platform.kek, platform.keyring, batch_size=1)
    with platform.engine.connect() as conn:
        by_version = {s.version: (s.status, s.data_keys) for s in keyadmin.status(conn)}
    assert by_version == {1: ("previous", 0), 2: ("active", 2)}


def test_when_rotation_stopped_half_way_then_records_read_and_rerun_resumes(
    platform: Platform, settings: Settings
) -> None:
    first, second = load(platform)
    keyadmin.rotate(platform.engine, platform.kek, platform.keyring, batch_size=1)
    # put one key back on v1, as if the rotation had died before its second batch
    with platform.engine.begin() as conn:
        key = conn.execute(select(CustomerKey).where(CustomerKey.customer_id == second)).one()
        wrapped = platform.keyring.rewrap(second, bytes(key.wrapped_key), 2, key.dek_version, 1)
        conn.execute(
            update(CustomerKey)
            .where(CustomerKey.customer_id == second)
            .values(kek_version=1, wrapped_key=wrapped)
        )
    assert read(platform, first, "mobile") == {"mobile": "13812345678"}
    assert read(platform, second, "mobile") == {"mobile": "13912345678"}
    with pytest.raises(keyadmin.KeyAdminError, match="still wraps 1"):
        keyadmin.retire(platform.engine, platform.kek, 1)
    resumed = keyadmin.rotate(platform.engine, platform.kek, platform.keyring)
    assert not resumed.started_new_version
    assert resumed.rewrapped == 1
    keyadmin.retire(platform.engine, platform.kek, 1)
    assert read(platform, second, "mobile") == {"mobile": "13912345678"}


def test_when_a_customer_is_shredded_then_the_key_bytes_are_gone_from_the_files(
    platform: Platform,
) -> None:
    if not platform.settings.is_sqlite:
        pytest.skip("file-level check; PostgreSQL is vacuumed instead")
    first, _ = load(platform)
    with platform.engine.connect() as conn:
        wrapped = bytes(
            conn.execute(
                select(CustomerKey.wrapped_key).where(CustomerKey.customer_id == first)
            ).scalar_one()
        )
    keyadmin.shred(platform.engine, platform.keyring, first)
    database = Path(platform.settings.database_url.removeprefix("sqlite:///"))
    for path in database.parent.glob(database.name + "*"):
        assert wrapped not in path.read_bytes(), path.name
