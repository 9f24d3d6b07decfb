"""`cdp ingest` and `cdp search` through the real CLI: bad input, exit codes, no values echoed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdp.bootstrap import init_store
from cdp.cli.main import app
from cdp.settings import Settings
from tests.conftest import cli_env
from tests.integration.helpers import SEARCH_AS

GOOD_ID, GOOD_MOBILE = "11010519491231002X", "13812345678"
BAD_ID = "110105194912310021"  # check character should be X
HEADER = "source_key,observed_at,full_name,id_number,mobile,birth_date,card_no,email\n"


@pytest.fixture
def cdp(settings: Settings):
    """Runs the CLI against an initialised test store."""
    init_store(settings)
    runner = CliRunner()
    env = cli_env(settings)

    def run(*args: str):
        return runner.invoke(app, list(args), env=env)

    return run


def write(path: Path, text: str | bytes) -> Path:
    """Writes a test input file."""
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


BAD_ROWS = [
    # wrong ID check character
    (f"K2,2025-01-01T00:00:00+08:00,李四,{BAD_ID},,,,\n", "id_number", "check digit"),
    # impossible calendar date
    ("K2,2025-01-01T00:00:00+08:00,李四,,13912345678,2023-02-30,,\n", "birth_date", "date"),
    # mobile prefix that does not exist
    ("K2,2025-01-01T00:00:00+08:00,李四,,15412345678,,,\n", "mobile", "prefix"),
    # card number failing Luhn
    ("K2,2025-01-01T00:00:00+08:00,李四,,13912345678,,6222021234567890123,\n", "card_no", "Luhn"),
    # oversize value
    (f"K2,2025-01-01T00:00:00+08:00,{'张' * 70},,13912345678,,,\n", "full_name", "longer"),
    # timestamp that is not ISO 8601
    ("K2,yesterday,李四,,13912345678,,,\n", "observed_at", "ISO 8601"),
    # observation from the future
    ("K2,2999-01-01T00:00:00+08:00,李四,,13912345678,,,\n", "observed_at", "future"),
    # a duplicate source key in the same file
    ("K1,2025-01-01T00:00:00+08:00,李四,,13912345678,,,\n", "source_key", "duplicate"),
]


@pytest.mark.parametrize(("bad_row", "field", "reason"), BAD_ROWS)
def test_when_a_row_is_invalid_then_it_is_reported_and_the_rest_is_kept(
    cdp, tmp_path: Path, bad_row: str, field: str, reason: str
) -> None:
    good = f"K1,2025-01-01T00:00:00+08:00,张伟,{GOOD_ID},{GOOD_MOBILE},,,\n"
    tail = "K3,2025-01-01T00:00:00+08:00,王芳,,13712345678,,,zw@example.cn\n"
    path = write(tmp_path / "in.csv", HEADER + good + bad_row + tail)
    result = cdp("ingest", str(path), "--source", "core_banking", "--json")
    assert result.exit_code == 1
    counts = json.loads(result.stdout)
    assert counts["read"] == 3
    assert counts["rejected"] == 1
    assert counts["created"] == 2
    assert f"row 2: {field}:" in result.stderr
    assert reason in result.stderr
    for value in (BAD_ID, "15412345678", "6222021234567890123", "李四", "张" * 70):
        assert value not in result.stderr + result.stdout


def test_when_every_row_is_valid_then_exit_code_is_zero(cdp, tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", HEADER + f"K1,2025-01-01T00:00:00+08:00,张伟,{GOOD_ID},,,,\n")
    assert cdp("ingest", str(path), "--source", "core_banking").exit_code == 0


def test_when_the_source_is_unknown_then_nothing_is_read_and_exit_code_is_2(
    cdp, tmp_path: Path
) -> None:
    path = write(tmp_path / "in.csv", HEADER + f"K1,2025-01-01T00:00:00+08:00,张伟,{GOOD_ID},,,,\n")
    result = cdp("ingest", str(path), "--source", "mainframe")
    assert result.exit_code == 2
    assert "unknown source system" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "", "empty"),  # zero bytes
        ("data.xml", "<x/>", "unknown file format"),  # neither CSV nor JSONL
    ],
)
def test_when_the_file_is_unusable_then_exit_code_is_2(
    cdp, tmp_path: Path, name: str, content: str, message: str
) -> None:
    result = cdp("ingest", str(write(tmp_path / name, content)), "--source", "core_banking")
    assert result.exit_code == 2
    assert message in result.stderr


def test_when_a_row_is_not_utf8_then_only_that_row_is_rejected(cdp, tmp_path: Path) -> None:
    good = f"K1,2025-01-01T00:00:00+08:00,张伟,{GOOD_ID},,,,\n".encode()
    bad = "K2,2025-01-01T00:00:00+08:00,李四,,13912345678,,,\n".encode("gb18030")
    path = write(tmp_path / "in.csv", HEADER.encode() + good + bad)
    result = cdp("ingest", str(path), "--source", "core_banking", "--json")
    assert result.exit_code == 1
    assert "row 2: not valid UTF-8" in result.stderr
    assert json.loads(result.stdout)["created"] == 1


def test_when_jsonl_has_unknown_and_c3_fields_then_those_rows_are_refused(
    cdp, tmp_path: Path
) -> None:
    rows = [
        {"source_key": "A1", "observed_at": "2025-01-01T00:00:00Z", "mobile": GOOD_MOBILE},
        {
            "source_key": "A2",
            "observed_at": "2025-01-01T00:00:00Z",
            "mobile": "13912345678",
            "cvv": "123",
        },
        {"source_key": "A3", "observed_at": "2025-01-01T00:00:00Z", "nickname": "小张"},
        {"source_key": "A4", "observed_at": "2025-01-01T00:00:00Z", "13712345678": "x"},
        "not an object",
    ]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    result = cdp(
        "ingest",
        str(write(tmp_path / "in.jsonl", text)),
        "--source",
        "mobile_app",
        "--json",
        "--errors",
        str(tmp_path / "errors.jsonl"),
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout) | {} == {
        "read": 5,
        "created": 1,
        "merged": 0,
        "updated": 0,
        "unchanged": 0,
        "rejected": 4,
        "c3_refused": 1,
    }
    assert "row 2: cvv: C3 data refused" in result.stderr
    assert "row 3: nickname: unknown field" in result.stderr
    assert "row 4: <unnamed field>: unknown field" in result.stderr
    assert "13712345678" not in result.stderr
    assert "123" not in result.stderr.replace("row", "")
    errors = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert [e["row"] for e in errors] == [2, 3, 4, 5]


def test_when_searching_then_ids_come_back_for_any_spelling(cdp, tmp_path: Path) -> None:
    path = write(
        tmp_path / "in.csv",
        HEADER + f"K1,2025-01-01T00:00:00+08:00,张伟,{GOOD_ID},{GOOD_MOBILE},,,\n",
    )
    cdp("ingest", str(path), "--source", "core_banking")
    by_id = cdp("search", "--id-number", GOOD_ID.lower(), "--json", *SEARCH_AS)
    by_mobile = cdp("search", "--mobile", "+86 138 1234 5678", *SEARCH_AS)
    assert by_id.exit_code == 0
    assert len(json.loads(by_id.stdout)) == 1
    assert by_mobile.stdout.strip() == json.loads(by_id.stdout)[0]
    assert cdp("search", "--mobile", "13900000000", *SEARCH_AS).exit_code == 1
    assert cdp("search", "--email", "nobody@example.cn", *SEARCH_AS).exit_code == 3  # not its field
    assert cdp("search", "--mobile", "13900000000").exit_code == 2  # no principal, no search


def test_when_search_input_is_invalid_then_exit_2_without_echoing_it(cdp) -> None:
    result = cdp("search", "--id-number", "11010519491231002", *SEARCH_AS)
    assert result.exit_code == 2
    assert "11010519491231002" not in result.stderr + result.stdout


def test_when_free_text_carries_c3_then_the_record_is_refused_and_counted(
    cdp, tmp_path: Path
) -> None:
    rows = [
        {"source_key": "N1", "observed_at": "2025-01-01T00:00:00Z", "mobile": GOOD_MOBILE,
         "service_note": "客户来电咨询理财，已回访"},
        {"source_key": "N2", "observed_at": "2025-01-01T00:00:00Z", "mobile": "13912345678",
         "service_note": "客户报卡背面安全码是987，已提醒勿外泄"},
        {"source_key": "N3", "observed_at": "2025-01-01T00:00:00Z", "mobile": "13712345678",
         "occupation": "短信验证码 604213"},
    ]  # fmt: skip
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    path = write(tmp_path / "in.jsonl", text)
    result = cdp("ingest", str(path), "--source", "call_center", "--json")
    assert result.exit_code == 1
    counts = json.loads(result.stdout)
    assert (counts["created"], counts["rejected"], counts["c3_refused"]) == (1, 2, 2)
    assert "row 2: service_note: C3 data refused: card verification code" in result.stderr
    assert "row 3: occupation: C3 data refused: one-time code" in result.stderr
    assert "987" not in result.stderr
    assert "604213" not in result.stderr
    assert "13912345678" not in result.stdout + result.stderr
    assert cdp("search", *SEARCH_AS, "--mobile", GOOD_MOBILE).exit_code == 0
    assert cdp("search", *SEARCH_AS, "--mobile", "13912345678").exit_code == 1  # never stored
