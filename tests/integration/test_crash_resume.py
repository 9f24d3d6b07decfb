"""Kill `cdp ingest` mid-file, run it again, and end where one clean run ends."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cdp.bootstrap import Platform, build_platform, init_store
from cdp.db.models import BlindIndex, Customer, SourceLink
from cdp.settings import Settings
from cdp.synth.files import generate_demo_files
from tests.conftest import cli_env, make_settings
from tests.integration.helpers import CDP, run_cdp

pytestmark = pytest.mark.slow
SOURCE = "core_banking"


def linked(platform: Platform) -> int:
    """Counts source links, i.e. rows already committed."""
    with platform.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(SourceLink)).scalar_one())


def snapshot(platform: Platform) -> tuple[dict[str, int], dict[str, dict[str, str | None]]]:
    """Counts per table and every profile decrypted, keyed by source key (ids differ per run)."""
    with platform.engine.connect() as conn:
        counts = {
            model.__tablename__: int(
                conn.execute(select(func.count()).select_from(model)).scalar_one()
            )
            for model in (Customer, SourceLink, BlindIndex)
        }
        links = conn.execute(select(SourceLink.source_key, SourceLink.customer_id)).all()
        profiles = {key: platform.store.read(conn, cid).values for key, cid in links}
    return counts, profiles


def kill_mid_file(env: dict[str, str], path: Path, platform: Platform, total: int) -> int:
    """Starts an ingest, SIGKILLs it once some batches are committed, returns rows committed."""
    process = subprocess.Popen(
        [CDP, "ingest", str(path), "--source", SOURCE, "--batch-size", "40"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if linked(platform) >= 200:
                break
            time.sleep(0.01)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    committed = linked(platform)
    if not 0 < committed < total:
        pytest.fail(f"the kill did not land mid-file ({committed} of {total} rows committed)")
    return committed


def test_when_ingest_is_killed_mid_file_then_a_rerun_matches_one_clean_run(
    settings: Settings, tmp_path: Path
) -> None:
    files, summary = generate_demo_files(tmp_path / "in", 3000, seed=5)
    path, total = files[SOURCE], summary.rows[SOURCE]
    init_store(settings)
    crashed = build_platform(settings)
    kill_mid_file(cli_env(settings), path, crashed, total)
    rerun = run_cdp(cli_env(settings), "ingest", str(path), "--source", SOURCE, "--json")
    assert rerun.returncode == 0, rerun.stderr
    reference_settings = make_settings(f"sqlite:///{tmp_path / 'ref.db'}", tmp_path / "ref")
    init_store(reference_settings)
    reference = build_platform(reference_settings)
    reference.ingestor().ingest_file(path, SOURCE)
    try:
        got, want = snapshot(crashed), snapshot(reference)
        assert got[0] == want[0]
        assert got[0]["source_link"] == total
        assert got[1] == want[1]
    finally:
        crashed.close()
        reference.close()
