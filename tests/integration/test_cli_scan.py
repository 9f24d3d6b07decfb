"""`cdp scan` through the real CLI: offsets and types out, values never, bad lines by number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdp.cli.main import app
from tests.conftest import cli_env, make_settings

MOBILE, RESIDENT_ID = "13812345678", "11010519491231002X"  # synthetic, checksum-valid
CARD = "6222021234567890128"  # synthetic, Luhn-valid UnionPay
LINES = [
    f"客户来电，手机{MOBILE}无法收到通知",
    "客户咨询理财产品，已回访",
    "客户报卡背面安全码是987",
    f"身份证号{RESIDENT_ID}，卡号{CARD}",
]


@pytest.fixture
def scan(tmp_path: Path):
    """Runs `cdp scan` with a private var dir (jieba's cache goes there); no store needed."""
    env = cli_env(make_settings(f"sqlite:///{tmp_path}/unused.db", tmp_path))
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None):
        return runner.invoke(app, ["scan", *args], env=env, input=stdin)

    return run


def write(path: Path, lines: list[str]) -> Path:
    """Writes one document per line."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_when_scanning_text_as_json_then_each_line_lists_types_and_offsets(
    scan, tmp_path: Path
) -> None:
    result = scan(str(write(tmp_path / "notes.txt", LINES)), "--json")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    first = records[0]["entities"]
    assert [(e["type"], e["start"], e["end"]) for e in first] == [("CN_MOBILE", 7, 18)]
    assert records[1]["entities"] == []
    assert {e["type"] for e in records[2]["entities"]} == {"C3_CVN"}
    assert {e["type"] for e in records[3]["entities"]} == {"CN_RESIDENT_ID", "CN_BANK_CARD"}
    for value in (MOBILE, RESIDENT_ID, CARD, "987"):
        assert value not in result.stdout + result.stderr


def test_when_anonymizing_then_no_original_value_survives(scan, tmp_path: Path) -> None:
    result = scan(str(write(tmp_path / "notes.txt", LINES)), "--anonymize")
    assert result.exit_code == 0, result.stderr
    masked = result.stdout.splitlines()
    assert len(masked) == len(LINES)
    assert masked[1] == LINES[1]  # nothing to mask
    assert "<C3_CVN>" in masked[2]
    for value in (MOBILE, RESIDENT_ID, CARD, "987"):
        assert value not in result.stdout


def test_when_tag_mode_is_asked_then_entities_become_type_tags(scan) -> None:
    result = scan("-", "--anonymize", "--mode", "tag", stdin=LINES[0] + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "客户来电，手机<CN_MOBILE>无法收到通知"


def test_when_a_jsonl_line_is_bad_then_it_is_reported_by_number_and_the_rest_scanned(
    scan, tmp_path: Path
) -> None:
    path = tmp_path / "notes.jsonl"
    rows = [json.dumps({"note": LINES[0]}, ensure_ascii=False), f"{{broken {MOBILE}", "[1]"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = scan(str(path), "--field", "note", "--json")
    assert result.exit_code == 1
    assert [json.loads(x)["line"] for x in result.stdout.splitlines()] == [1]
    assert "line 2: not a JSON object" in result.stderr
    assert "line 3: not a JSON object" in result.stderr
    assert MOBILE not in result.stdout + result.stderr


def test_when_scanning_a_csv_column_then_records_are_numbered(scan, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(f'id,note\n1,无\n2,"手机 {MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]}"\n')
    result = scan(str(path), "--column", "note", "--json")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert [(r["line"], [e["type"] for e in r["entities"]]) for r in records] == [
        (1, []),
        (2, ["CN_MOBILE"]),
    ]


def test_when_the_column_is_missing_then_usage_error(scan, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("id,note\n1,无\n", encoding="utf-8")
    result = scan(str(path), "--column", "remark")
    assert result.exit_code == 2
    assert "no such column" in result.stderr


def test_when_no_output_flag_is_given_then_only_counts_are_printed(scan, tmp_path: Path) -> None:
    result = scan(str(write(tmp_path / "notes.txt", LINES)))
    assert result.exit_code == 0, result.stderr
    assert "CN_MOBILE" in result.stdout
    assert "C3_CVN" in result.stdout
    assert "4 documents, 3 with findings" in result.stdout
    for value in (MOBILE, RESIDENT_ID, CARD):
        assert value not in result.stdout
