"""Money fields: amounts with two decimals and Luhn-checked bank card numbers."""

from __future__ import annotations

import re

from cdp.profiles.validators.base import FieldInvalid
from masking.formats import luhn_ok, normalise_width

_CANONICAL_AMOUNT = re.compile(r"(?:0|[1-9][0-9]{0,12})\.[0-9]{2}")
_AMOUNT = re.compile(r"(-?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")


def amount(raw: str) -> str:
    """Canonicalises a non-negative amount below 10^13 to exactly two decimals (`1234567.89`)."""
    if _CANONICAL_AMOUNT.fullmatch(raw):
        return raw
    m = _AMOUNT.fullmatch(raw if raw.isascii() else normalise_width(raw))
    if m is None:
        raise FieldInvalid("not a decimal amount")
    whole = m[2].replace(",", "").lstrip("0") or "0"
    fraction = (m[3] or "").rstrip("0")
    if m[1] and (whole != "0" or fraction):
        raise FieldInvalid("negative amount")
    if len(fraction) > 2:
        raise FieldInvalid("more than 2 decimal places")
    if len(whole) > 13:
        raise FieldInvalid("10^13 or more")
    return f"{whole}.{fraction.ljust(2, '0')}"


def bank_card(raw: str) -> str:
    """Canonicalises a card number to 16-19 digits that pass the Luhn check."""
    s = (raw if raw.isascii() else normalise_width(raw)).replace(" ", "").replace("-", "")
    if not 16 <= len(s) <= 19 or not (s.isascii() and s.isdigit()):
        raise FieldInvalid("not 16 to 19 digits")
    if not luhn_ok(s):
        raise FieldInvalid("Luhn check failed")
    return s
