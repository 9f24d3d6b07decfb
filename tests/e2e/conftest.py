"""One real `cdp serve` process per backend (module scope), seeded before it starts.

The store is seeded in-process with `tests.api.conftest.seed/register`, plus one customer in the
relationship manager's branch who never consented to anything (for consent refusals). The server
then runs as a subprocess on a free loopback port until the module's tests are done.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from cdp.bootstrap import build_platform, init_store
from cdp.client import AsyncCdpClient, CdpClient
from cdp.db.engine import make_engine
from cdp.db.migrate import upgrade
from cdp.settings import Settings
from tests.api.conftest import BRANCH, record, register, seed
from tests.conftest import PgSchemas, cli_env, make_settings

CDP = str(Path(sys.executable).with_name("cdp"))
START_TIMEOUT = 60.0
# a customer in the relationship manager's branch with no consent at all (synthetic, valid)
FRESH_ID, FRESH_MOBILE = "110105199003071239", "13700001111"


@dataclass
class Server:
    """A running server, its seeded store and the facts tests refer to."""

    base_url: str
    backend: str
    settings: Settings
    keys: dict[str, str]
    client_ids: dict[str, str]
    adult: str
    other: str
    fresh: str

    def client(self, who: str, **options: Any) -> CdpClient:
        """A sync client authenticating with a seeded role's API key."""
        return CdpClient(self.base_url, api_key=self.keys[who], **options)

    def oauth(self, who: str, **options: Any) -> CdpClient:
        """A sync client using OAuth2 client credentials of a seeded role."""
        return CdpClient(
            self.base_url,
            client_id=self.client_ids[who],
            client_secret=self.keys[who],
            **options,
        )

    def async_oauth(self, who: str, **options: Any) -> AsyncCdpClient:
        """An async client using OAuth2 client credentials of a seeded role."""
        return AsyncCdpClient(
            self.base_url,
            client_id=self.client_ids[who],
            client_secret=self.keys[who],
            **options,
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _store_url(backend: str, request: pytest.FixtureRequest, root: Path) -> str:
    """A migrated, empty store of its own (a fresh PostgreSQL schema, or an SQLite copy)."""
    if backend == "sqlite":
        target = root / "cdp.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    schemas: PgSchemas = request.getfixturevalue("pg_schemas")
    url = schemas.create()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _seed(settings: Settings) -> tuple[str, str, str, dict[str, str], dict[str, str]]:
    init_store(settings)
    platform = build_platform(settings)
    try:
        adult, other = seed(platform)
        summary = platform.ingestor().ingest_records(
            "core_banking",
            [record("F", id_number=FRESH_ID, mobile=FRESH_MOBILE, open_branch=BRANCH)],
        )
        assert not summary.errors, summary.errors
        with platform.engine.connect() as conn:
            fresh = conn.exec_driver_sql(
                "select customer_id from source_link where source_key = 'F'"
            ).scalar_one()
        keys, ids = register(platform)
    finally:
        platform.close()
    return adult, other, str(fresh), keys, ids


def _wait_ready(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            pytest.fail(f"cdp serve exited {process.returncode}:\n{tail}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/readyz", timeout=2.0).status_code == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"cdp serve not ready in {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A seeded store served by a real `cdp serve` process, per backend."""
    backend: str = request.param
    root = tmp_path_factory.mktemp(f"e2e-{backend}")
    settings = make_settings(_store_url(backend, request, root), root)
    adult, other, fresh, keys, ids = _seed(settings)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = root / "serve.log"
    env = cli_env(settings)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [CDP, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=root,
            start_new_session=os.name == "posix",
        )
    try:
        _wait_ready(process, base_url, log)
        yield Server(base_url, backend, settings, keys, ids, adult, other, fresh)
    finally:
        _stop(process)
