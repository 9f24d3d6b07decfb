"""Kill `cdp keys rotate` mid-way: every record stays readable, a rerun resumes, then retire."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cdp.bootstrap import Platform, build_platform, init_store
from cdp.db.models import CustomerKey, SourceLink
from cdp.settings import Settings
from cdp.synth.files import generate_demo_files
from tests.conftest import cli_env
from tests.integration.helpers import CDP, run_cdp

pytestmark = pytest.mark.slow


def keys_on(platform: Platform, version: int) -> int:
    """Counts data keys wrapped by one KEK version."""
    with platform.engine.connect() as conn:
        query = (
            select(func.count()).select_from(CustomerKey).where(CustomerKey.kek_version == version)
        )
        return int(conn.execute(query).scalar_one())


def read_everyone(settings: Settings) -> int:
    """Opens every encrypted field of every customer through a fresh platform."""
    platform = build_platform(settings)
    try:
        with platform.engine.connect() as conn:
            ids = {cid for (cid,) in conn.execute(select(SourceLink.customer_id))}
            for cid in ids:
                platform.store.read(conn, cid)
        return len(ids)
    finally:
        platform.close()


def test_when_rotation_is_killed_then_records_stay_readable_and_rerun_finishes(
    settings: Settings, tmp_path: Path
) -> None:
    files, _ = generate_demo_files(tmp_path / "in", 1500, seed=3)
    init_store(settings)
    platform = build_platform(settings)
    platform.ingestor().ingest_file(files["core_banking"], "core_banking")
    total = keys_on(platform, 1)
    env = cli_env(settings)
    process = subprocess.Popen(
        [CDP, "keys", "rotate", "--batch-size", "10"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and keys_on(platform, 2) < 100:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    moved = keys_on(platform, 2)
    if not 0 < moved < total:
        pytest.fail(f"the kill did not land mid-rotation ({moved} of {total} keys moved)")
    assert read_everyone(settings) == total
    refused = run_cdp(env, "keys", "retire", "1")
    assert refused.returncode == 2
    assert "still wraps" in refused.stderr
    resumed = run_cdp(env, "keys", "rotate", check=True)
    assert "resumed" in resumed.stdout
    assert keys_on(platform, 1) == 0
    assert keys_on(platform, 2) == total
    run_cdp(env, "keys", "retire", "1", check=True)
    assert not (settings.key_dir / "kek" / "v1.key").exists()
    assert read_everyone(settings) == total
    platform.close()
