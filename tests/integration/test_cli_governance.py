"""`cdp read` and `cdp policy` through the CLI: JSON shape, exit codes, refusing bad policy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdp.bootstrap import build_platform, init_store
from cdp.cli.main import app
from cdp.resources import shipped_policy_dir
from cdp.settings import Settings
from tests.conftest import cli_env
from tests.integration.helpers import SEARCH_AS

RECORD = {
    "source_key": "C1",
    "observed_at": "2025-01-01T09:00:00+08:00",
    "full_name": "张伟",
    "id_number": "11010519491231002X",
    "mobile": "13812345678",
    "open_branch": "北京海淀支行",
}


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    """An initialised store holding one customer."""
    init_store(settings)
    platform = build_platform(settings)
    platform.ingestor().ingest_records("core_banking", [RECORD])
    platform.close()
    return cli_env(settings)


def run(env: dict[str, str], *args: str):
    """Invokes the CLI in-process."""
    return CliRunner().invoke(app, list(args), env=env)


def customer_id(env: dict[str, str]) -> str:
    """Finds the stored customer through the CLI."""
    return json.loads(run(env, "search", "--mobile", "13812345678", "--json", *SEARCH_AS).stdout)[0]


def test_when_a_read_is_allowed_then_json_carries_access_per_field(env: dict[str, str]) -> None:
    result = run(
        env,
        "read",
        customer_id(env),
        "--role",
        "customer_service",
        "--purpose",
        "P01",
        "--fields",
        "mobile,id_number,birth_date",
        "--json",
    )
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert body["purpose"] == "P01"
    assert body["fields"]["mobile"] == {"access": "masked", "value": "138****5678"}
    assert body["fields"]["id_number"] == {"access": "masked", "value": "1****************X"}
    assert body["fields"]["birth_date"] == {"access": "denied"}


def test_when_a_read_is_denied_as_a_whole_then_exit_3_and_a_reason(env: dict[str, str]) -> None:
    result = run(
        env, "read", customer_id(env), "--role", "compliance_officer", "--purpose", "P01", "--json"
    )
    assert result.exit_code == 3
    assert json.loads(result.stdout) == {"denied": True, "reason": "purpose_not_permitted"}


def test_when_the_book_matches_then_the_relationship_manager_reads(env: dict[str, str]) -> None:
    cid = customer_id(env)
    mine = run(
        env,
        "read",
        cid,
        "--role",
        "relationship_manager",
        "--purpose",
        "P01",
        "--branches",
        "北京海淀支行",
        "--fields",
        "mobile",
        "--json",
    )
    other = run(
        env,
        "read",
        cid,
        "--role",
        "relationship_manager",
        "--purpose",
        "P01",
        "--branches",
        "上海浦东支行",
        "--fields",
        "mobile",
        "--json",
    )
    assert json.loads(mine.stdout)["fields"]["mobile"]["value"] == "13812345678"
    assert other.exit_code == 3


def test_when_the_shipped_policy_is_checked_then_it_is_clean(env: dict[str, str]) -> None:
    result = run(env, "policy", "check")
    assert result.exit_code == 0
    assert "policy OK" in result.stdout


def broken_policy(tmp_path: Path, line: str) -> Path:
    """Copies the shipped policy directory and appends one bad line to policy.csv."""
    target = tmp_path / "policies"
    shutil.copytree(shipped_policy_dir(), target, ignore=shutil.ignore_patterns("__*"))
    with (target / "policy.csv").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return target


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("p, customer_service, profile.shoe_size, read, P01, allow", "shoe_size"),  # unknown field
        ("p, nobody, profile.mobile, read, P01, allow", "nobody"),  # unknown role
        ("p, customer_service, profile.mobile, read, P42, allow", "P42"),  # unknown purpose
        ("p, customer_service, profile.mobile, peek, P01, allow", "peek"),  # unknown action
        ("p, customer_service, profile.mobile", "got 2"),  # malformed line
    ],
)
def test_when_the_policy_is_broken_then_check_names_file_and_line_and_startup_refuses(
    env: dict[str, str], tmp_path: Path, line: str, message: str
) -> None:
    directory = broken_policy(tmp_path, line)
    last = len((directory / "policy.csv").read_text(encoding="utf-8").splitlines())
    checked = run(env, "policy", "check", "--dir", str(directory))
    assert checked.exit_code == 1
    assert f"policy.csv:{last}:" in checked.stdout
    assert message in checked.stdout
    refused = run(
        {**env, "CDP_POLICY_DIR": str(directory)},
        "read",
        "x",
        "--role",
        "customer_service",
        "--purpose",
        "P01",
    )
    assert refused.exit_code == 2
    assert "refusing to start" in refused.stderr


def test_when_explaining_then_the_deciding_rule_is_named(env: dict[str, str]) -> None:
    result = run(
        env,
        "policy",
        "explain",
        "--role",
        "customer_service",
        "--purpose",
        "P01",
        "--field",
        "mobile",
    )
    assert result.exit_code == 0
    assert "masked" in result.stdout
    assert "policy.csv:" in result.stdout


def test_when_the_matrix_is_asked_as_json_then_every_role_and_field_is_there(
    env: dict[str, str],
) -> None:
    result = run(env, "policy", "matrix", "--purpose", "P01", "--json")
    grid = json.loads(result.stdout)
    assert grid["customer_service"]["mobile"] == "masked"
    assert grid["compliance_officer"]["mobile"] == "denied"


def test_when_the_policy_is_reloaded_then_new_files_apply_and_bad_ones_change_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    from cdp.governed.errors import AccessDenied
    from governance.decision import Principal
    from governance.sources import PolicyInvalid

    directory = broken_policy(tmp_path, "")
    policy_file = directory / "policy.csv"
    shipped = policy_file.read_text(encoding="utf-8")
    local = settings.model_copy(update={"policy_dir": directory})
    init_store(local)
    platform = build_platform(local)
    platform.ingestor().ingest_records("core_banking", [RECORD])
    clerk = Principal("t", frozenset({"customer_service"}))
    with platform.engine.connect() as conn:
        cid = conn.exec_driver_sql("select customer_id from customer").scalar_one()

    def read_mobile() -> object:
        with platform.engine.begin() as conn:  # each read commits its audit record
            return platform.reader.read(conn, clerk, "P01", cid, ["mobile"]).fields["mobile"].value

    assert read_mobile()
    deny = "p, customer_service, class:C2, read_masked, P01, deny\n"
    policy_file.write_text(shipped + deny, encoding="utf-8")
    version = platform.reload_policy()
    with pytest.raises(AccessDenied):
        read_mobile()
    policy_file.write_text(
        shipped + "p, nobody, profile.mobile, read, P01, allow\n", encoding="utf-8"
    )
    with pytest.raises(PolicyInvalid):
        platform.reload_policy()
    assert platform.policy.version == version
    with pytest.raises(AccessDenied):
        read_mobile()
    platform.close()
