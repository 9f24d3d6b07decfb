"""Corrupts a few export rows on purpose, so demos and tests can show every kind of refusal."""

from __future__ import annotations

import random
from collections.abc import Callable

from masking.formats import normalise_width

Rows = list[dict[str, str]]
IMPOSSIBLE_DATE = "2023-02-30"
UNKNOWN_FIELD = "favourite_colour"
C3_FIELD = "cvv"


def _id_check_digit(rng: random.Random, rows: Rows, index: int) -> bool:
    number = normalise_width(rows[index].get("id_number", "")).replace(" ", "").upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    wrong = rng.choice([c for c in "0123456789X" if c != number[17]])
    rows[index]["id_number"] = number[:17] + wrong
    return True


def _impossible_date(rng: random.Random, rows: Rows, index: int) -> bool:
    field = next((f for f in ("birth_date", "open_date") if f in rows[index]), None)
    if field is None:
        return False
    rows[index][field] = IMPOSSIBLE_DATE
    return True


def _bad_mobile_prefix(rng: random.Random, rows: Rows, index: int) -> bool:
    if "mobile" not in rows[index]:
        return False
    rows[index]["mobile"] = f"154{rng.randrange(10**8):08d}"  # 154 is not allocated
    return True


def _card_luhn(rng: random.Random, rows: Rows, index: int) -> bool:
    digits = normalise_width(rows[index].get("card_no", "")).replace(" ", "").replace("-", "")
    if not digits.isdigit():
        return False
    rows[index]["card_no"] = digits[:-1] + str((int(digits[-1]) + rng.randrange(1, 10)) % 10)
    return True


def _oversize_name(rng: random.Random, rows: Rows, index: int) -> bool:
    name = rows[index].get("full_name")
    if not name:
        return False
    rows[index]["full_name"] = name + "某" * (65 - len(name))
    return True


def _duplicate_source_key(rng: random.Random, rows: Rows, index: int) -> bool:
    if index == 0:
        return False
    rows[index]["source_key"] = rows[rng.randrange(index)]["source_key"]
    return True


def _unknown_field(rng: random.Random, rows: Rows, index: int) -> bool:
    rows[index][UNKNOWN_FIELD] = "蓝色"
    return True


def _c3_field(rng: random.Random, rows: Rows, index: int) -> bool:
    rows[index][C3_FIELD] = f"{rng.randrange(1000):03d}"
    return True


Corruptor = Callable[[random.Random, Rows, int], bool]
CORRUPTORS: dict[str, Corruptor] = {
    "id_check_digit": _id_check_digit,
    "impossible_date": _impossible_date,
    "bad_mobile_prefix": _bad_mobile_prefix,
    "card_luhn": _card_luhn,
    "oversize_name": _oversize_name,
    "duplicate_source_key": _duplicate_source_key,
}
JSONL_CORRUPTORS: dict[str, Corruptor] = {"unknown_field": _unknown_field, "c3_field": _c3_field}


def inject_errors(rows: Rows, rate: float, seed: int, jsonl: bool) -> list[tuple[int, str]]:
    """Corrupts about `rate` of the rows in place, one kind each in turn; returns (index, kind)."""
    if rate <= 0 or not rows:
        return []
    rng = random.Random(f"{seed}:errors")
    kinds = {**CORRUPTORS, **(JSONL_CORRUPTORS if jsonl else {})}
    names = list(kinds)
    count = min(len(rows), max(1, round(len(rows) * rate)))
    injected = []
    for turn, index in enumerate(sorted(rng.sample(range(len(rows)), count))):
        start = turn % len(names)
        for kind in names[start:] + names[:start]:
            if kinds[kind](rng, rows, index):
                injected.append((index, kind))
                break
    return injected
