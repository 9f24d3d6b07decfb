"""Helpers for tests that drive the real `cdp` process."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from cdp.profiles.validators import FieldInvalid, validate_field
from cdp.resources import load_catalogue, shipped_policy_dir

CDP = str(Path(sys.executable).with_name("cdp"))
PII_FIELDS = ("full_name", "id_number", "mobile", "landline", "email", "card_no", "home_address")
PLAIN_TEXT_FIELDS = ("occupation", "industry", "open_branch", "id_type", "gender")


def run_cdp(
    env: dict[str, str], *args: str, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """Runs the installed `cdp` command and captures its output."""
    result = subprocess.run(
        [CDP, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"cdp {args[0]} exited {result.returncode}: {result.stderr[-2000:]}")
    return result


def read_rows(path: Path) -> list[dict[str, str]]:
    """Reads a generated CSV or JSONL file into flat dicts."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def seeded_values(paths: list[Path]) -> set[str]:
    """Collects every PII value of the input files, raw and canonical.

    Names that occur inside a plain (unencrypted) column value are dropped, because finding
    `王海` inside a branch name would not be a leak of that person's name.
    """
    catalogue = load_catalogue(shipped_policy_dir())
    rows = [row for path in paths for row in read_rows(path)]
    plain = " ".join(str(row.get(f) or "") for row in rows for f in PLAIN_TEXT_FIELDS)
    values: set[str] = set()
    for row in rows:
        for name in PII_FIELDS:
            raw = str(row.get(name) or "").strip()
            if not raw:
                continue
            values.add(raw)
            with contextlib.suppress(FieldInvalid):
                values.add(validate_field(catalogue.get(name), raw))
    return {v for v in values if len(v) >= 2 and v not in plain}


def find_leaks(blob: bytes, values: set[str]) -> list[str]:
    """Returns the seeded values found in a byte string (UTF-8)."""
    return sorted(v for v in values if v.encode() in blob)


def env_without_cdp() -> dict[str, str]:
    """The current environment minus any CDP_* settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CDP_")}


SEARCH_AS = ("--role", "customer_service", "--purpose", "P01")  # a principal that may search
