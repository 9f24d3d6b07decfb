"""`cdp consent` through the CLI: file import with per-row results, check, proof, outbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdp.bootstrap import build_platform, init_store
from cdp.cli.main import app
from cdp.settings import Settings
from tests.conftest import cli_env
from tests.integration.helpers import SEARCH_AS

ID_A = "11010519491231002X"


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    """An initialised store with one customer."""
    init_store(settings)
    platform = build_platform(settings)
    platform.ingestor().ingest_records(
        "core_banking",
        [
            {
                "source_key": "C1",
                "observed_at": "2025-01-01T09:00:00+08:00",
                "id_number": ID_A,
                "mobile": "13812345678",
            }
        ],
    )
    platform.close()
    return cli_env(settings)


def run(env: dict[str, str], *args: str):
    """Invokes the CLI in-process."""
    return CliRunner().invoke(app, list(args), env=env)


def grant(event_id: str, **changes: str) -> dict[str, object]:
    """A valid P06 grant."""
    event: dict[str, object] = {
        "event_id": event_id,
        "customer": {"id_number": ID_A},
        "purpose": "P06",
        "action": "grant",
        "consent_type": "separate",
        "notice_version": "P06-v1",
        "channel": "app",
        "actor": {"kind": "subject"},
        "occurred_at": "2026-01-01T09:00:00+08:00",
    }
    event.update(changes)
    return event


def test_when_a_jsonl_file_is_imported_then_each_row_is_reported(
    env: dict[str, str], tmp_path: Path
) -> None:
    rows = [grant("a1"), grant("a2", channel="fax"), "not json", grant("a1")]
    text = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n"
    path = tmp_path / "events.jsonl"
    path.write_text(text, encoding="utf-8")
    result = run(env, "consent", "import", str(path), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"recorded": 1, "duplicate": 1, "rejected": 2}
    assert "row 2: channel:" in result.stderr
    assert "row 3: not a JSON object" in result.stderr
    assert ID_A not in result.stderr + result.stdout


def test_when_a_paper_form_csv_is_imported_then_dotted_columns_work(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "paper.csv"
    path.write_text(
        "event_id,customer.mobile,purpose,action,consent_type,notice_version,channel,"
        "actor.kind,actor.staff_id,occurred_at,evidence.signature_sha256\n"
        f"p1,13812345678,P06,grant,separate,P06-v1,paper,staff,S123,2026-01-01T09:00:00+08:00,"
        f"{'a' * 64}\n",
        encoding="utf-8",
    )
    result = run(env, "consent", "import", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["recorded"] == 1


def test_when_checking_and_proving_then_the_cli_answers_with_codes_and_hashes(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(grant("g1")) + "\n", encoding="utf-8")
    run(env, "consent", "import", str(path))
    customer = json.loads(
        run(env, "search", "--mobile", "13812345678", "--json", *SEARCH_AS).stdout
    )[0]
    assert run(env, "consent", "check", customer, "P06").exit_code == 0
    assert run(env, "consent", "check", customer, "P05").exit_code == 1
    before = run(env, "consent", "check", customer, "P06", "--at", "2025-06-01T00:00:00")
    assert before.exit_code == 1
    proof = json.loads(run(env, "consent", "proof", customer, "P06", "--json").stdout)
    assert proof["verdict"]["valid"] is True
    assert proof["events"][0]["channel"] == "app"
    assert len(proof["notices"]["P06-v1"]["sha256"]) == 64
    outbox = tmp_path / "out.jsonl"
    assert run(env, "consent", "outbox", "--out", str(outbox)).exit_code == 0
    changes = [json.loads(line) for line in outbox.read_text().splitlines()]
    assert [(c["purpose"], c["to"]) for c in changes] == [("P06", "granted")]


def test_when_a_customer_refused_then_channels_may_not_ask_again_within_the_cooldown(
    env: dict[str, str], tmp_path: Path
) -> None:
    refusal = grant("r1", action="refuse")
    for key in ("consent_type", "notice_version"):
        refusal.pop(key)
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(refusal) + "\n", encoding="utf-8")
    run(env, "consent", "import", str(path))
    customer = json.loads(
        run(env, "search", "--mobile", "13812345678", "--json", *SEARCH_AS).stdout
    )[0]
    soon = run(env, "consent", "check", customer, "P06", "--at", "2026-02-01T00:00:00+08:00")
    later = run(env, "consent", "check", customer, "P06", "--at", "2026-08-01T00:00:00+08:00")
    assert "may not ask again yet" in soon.stdout
    assert "may ask again now" in later.stdout
