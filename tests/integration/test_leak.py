"""No seeded PII in plaintext: SQLite file, WAL, logs, CLI output, PostgreSQL rows."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from cdp.db.engine import make_engine
from cdp.settings import Settings
from cdp.synth.consents import consent_events, write_consent_files
from cdp.synth.files import generate_demo_files
from cdp.synth.people import generate_people
from tests.conftest import cli_env
from tests.integration.helpers import SEARCH_AS, find_leaks, run_cdp, seeded_values

SOURCES = ("core_banking", "credit_card", "mobile_app")
pytestmark = pytest.mark.slow


def ingest_everything(
    settings: Settings, tmp_path: Path
) -> tuple[set[str], str, sqlite3.Connection | None]:
    """Ingests generated customers through the CLI; returns seeded values, output, WAL keeper."""
    files, _ = generate_demo_files(tmp_path / "in", 800, seed=11, error_rate=0.01)
    env = cli_env(settings)
    outputs = [run_cdp(env, "init", check=True)]
    keeper = _hold_wal_open(settings)
    for source in SOURCES:
        outputs.append(run_cdp(env, "ingest", str(files[source]), "--source", source))
    consent_files = write_consent_files(
        consent_events(generate_people(800, 11), 11)[0], tmp_path / "consent"
    )
    for path in consent_files.values():
        imported = run_cdp(env, "consent", "import", str(path), "--json")
        assert json.loads(imported.stdout)["recorded"] > 100, imported.stderr[-500:]
        outputs.append(imported)
    sample = next(v for v in seeded_values([files["core_banking"]]) if v.isdigit() and len(v) == 11)
    outputs.append(run_cdp(env, "search", "--mobile", sample, *SEARCH_AS))
    outputs.append(run_cdp(env, "keys", "rotate"))
    outputs.append(run_cdp(env, "keys", "status"))
    outputs.append(run_cdp(env, "masked", "rebuild"))  # the masked view is scanned with the rest
    assert "masked view rebuilt" in outputs[-1].stdout, outputs[-1].stderr[-500:]
    outputs += _segment_and_campaign(env, tmp_path)  # audiences and exports are scanned too
    assert all(o.returncode in (0, 1) for o in outputs), [o.stderr for o in outputs]
    printed = "".join(o.stdout + o.stderr for o in outputs)
    return seeded_values(list(files.values())), printed, keeper


def _segment_and_campaign(env: dict[str, str], tmp_path: Path) -> list[Any]:
    """Runs a P07 segment with its audience file and a campaign export; returns the outputs."""
    rule = json.dumps({"attr": "age_band", "op": "ge", "value": "18–24"}, ensure_ascii=False)
    outputs = [
        run_cdp(env, "segment", "create", "adults", "--rule", rule, check=True),
        run_cdp(env, "segment", "publish", "adults", "--pia-id", "PIA-1", check=True),
    ]
    audience, exported = tmp_path / "audience.txt", tmp_path / "export.txt"
    ran = run_cdp(env, "segment", "run", "adults", "--purpose", "P07", "--out", str(audience))
    created = run_cdp(env, "segment", "run", "adults", "--purpose", "P07", "--json", check=True)
    run_id = json.loads(created.stdout)["run_id"]
    campaign = run_cdp(env, "campaign", "create", run_id, "--channel", "sms", "--content", "c1")
    campaign_id = re.search(r"campaign ([0-9a-f]{32})", campaign.stdout)
    assert campaign_id, campaign.stderr[-500:]
    export = run_cdp(env, "campaign", "export", campaign_id[1], "--out", str(exported))
    outputs += [ran, created, campaign, export]
    files = [audience.read_text("utf-8"), exported.read_text("utf-8")]
    assert all(len(text.splitlines()) >= 50 for text in files)  # something was exported
    outputs.append(subprocess.CompletedProcess([], 0, "".join(files), ""))
    return outputs


def _hold_wal_open(settings: Settings) -> sqlite3.Connection | None:
    """Keeps a reader open so the WAL file survives the CLI processes and can be scanned."""
    if not settings.is_sqlite:
        return None
    conn = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"))
    conn.execute("select count(*) from customer").fetchone()
    return conn


def test_when_customers_are_ingested_then_no_seeded_pii_is_stored_logged_or_printed(
    settings: Settings, tmp_path: Path
) -> None:
    values, printed, keeper = ingest_everything(settings, tmp_path)
    assert len(values) > 2000  # names, IDs, mobiles, e-mails, cards, addresses
    assert find_leaks(printed.encode(), values) == []
    log = settings.effective_log_file.read_bytes()
    assert log
    assert find_leaks(log, values) == []
    if settings.is_sqlite:
        database = Path(settings.database_url.removeprefix("sqlite:///"))
        files = [p for p in database.parent.glob(database.name + "*") if p.is_file()]
        assert {p.name for p in files} >= {database.name, database.name + "-wal"}
        for path in files:
            assert find_leaks(path.read_bytes(), values) == [], path.name
        assert keeper is not None
        keeper.close()
    else:
        assert find_leaks(_dump_postgres(settings.database_url), values) == []


def _dump_postgres(url: str) -> bytes:
    """Reads every row of every table as bytes, as a dump would hold them."""
    engine = make_engine(url)
    chunks: list[bytes] = []
    with engine.connect() as conn:
        for name in inspect(engine).get_table_names():
            for row in conn.execute(select(text("*")).select_from(text(f'"{name}"'))):
                for value in row:
                    chunks.append(value if isinstance(value, bytes) else str(value).encode())
    engine.dispose()
    return b"\x00".join(chunks)


def test_when_the_leak_scanner_sees_a_value_then_it_reports_it() -> None:
    assert find_leaks("客户张伟的手机13812345678".encode(), {"13812345678", "李四"}) == [
        "13812345678"
    ]
