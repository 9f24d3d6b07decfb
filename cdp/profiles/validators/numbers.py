"""Counts: non-negative whole numbers (activity aggregates), canonical without leading zeros."""

from __future__ import annotations

from cdp.profiles.validators.base import FieldInvalid
from masking.formats import normalise_width

MAX_COUNT = 999_999_999
MAX_PRODUCTS = 99


def count(raw: str) -> str:
    """Canonicalises a whole number from 0 to 10^9 - 1 (`17`; also `+3`, `007`, `1,024`)."""
    if raw.isdigit() and raw.isascii() and (raw[0] != "0" or raw == "0"):
        if len(raw) > 9:
            raise FieldInvalid(f"more than {MAX_COUNT}")
        return raw
    return str(_whole(raw, MAX_COUNT))


def product_count(raw: str) -> str:
    """Canonicalises the number of products a customer holds (0 to 99)."""
    return str(_whole(raw, MAX_PRODUCTS))


def _whole(raw: str, most: int) -> int:
    s = (raw if raw.isascii() else normalise_width(raw)).strip().replace(",", "")
    negative = s.startswith("-")
    digits = s[1:] if s[:1] in "+-" else s
    if digits.endswith(".0"):  # spreadsheets export whole numbers as 12.0
        digits = digits[:-2]
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise FieldInvalid("not a whole number")
    value = int(digits)
    if negative and value:
        raise FieldInvalid("negative count")
    if value > most:
        raise FieldInvalid(f"more than {most}")
    return value
