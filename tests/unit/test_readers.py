"""CSV/JSONL readers: one result per record, bad bytes confined to their row."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdp.profiles.readers import MAX_RECORD_CHARS, IngestFileError, read_records


def rows(path: Path) -> list[tuple[int, dict[str, str] | None, str | None]]:
    """Reads a file into plain tuples."""
    return [(r.row, r.values, r.error) for r in read_records(path)]


def test_when_a_csv_has_a_bom_then_the_header_is_clean(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeffsource_key,mobile\nK1,13812345678\n".encode())
    assert rows(path) == [(1, {"source_key": "K1", "mobile": "13812345678"}, None)]


def test_when_a_csv_row_has_extra_cells_then_only_it_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("source_key,mobile\nK1,1,extra\nK2,2\n", encoding="utf-8")
    assert rows(path) == [
        (1, None, "more cells than header columns"),
        (2, {"source_key": "K2", "mobile": "2"}, None),
    ]


def test_when_a_jsonl_line_is_broken_then_later_lines_still_read(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"a": 1}\n{broken\n\n[1]\n{"b": {"nested": 1}}\n{"c": "x", "d": null}\n')
    got = rows(path)
    assert got[0] == (1, {"a": "1"}, None)
    assert got[1][2] == got[2][2] == "not a JSON object"
    assert "flat" in (got[3][2] or "")
    assert got[4] == (5, {"c": "x"}, None)


def test_when_a_record_is_oversize_then_it_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"a": "' + "x" * (MAX_RECORD_CHARS + 1) + '"}\n{"a": "y"}\n')
    got = rows(path)
    assert "longer" in (got[0][2] or "")
    assert got[1] == (2, {"a": "y"}, None)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"", "empty"),  # zero bytes
        ("a.parquet", b"PAR1", "unknown file format"),  # unsupported format
        ("a.csv", b"\xff\xfe,mobile\n1,2\n", "header"),  # header is not UTF-8
    ],
)
def test_when_the_file_itself_is_unusable_then_a_file_error_is_raised(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestFileError, match=message):
        rows(path)
