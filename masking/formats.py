"""Chinese PII formats and checksums (DOMAIN.md §13): pure primitives for ingest and recognizers."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Literal

_ID18_SHAPE = re.compile(r"[1-9][0-9]{16}[0-9X]")
_ID15_SHAPE = re.compile(
    r"[1-9][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}"
)

# The readable form of libphonenumber's CN mobile pattern (DOMAIN §13.3). Unanchored so that
# recognizers can embed it between look-arounds; validation uses fullmatch.
CN_MOBILE_RE = re.compile(
    r"1(?:3[0-9]|4[57]|5[0-35-9]|6[25-7]|7[0-35-8]|8[0-9]|9[0-35-9])[0-9]{8}"
    r"|1740[0-5][0-9]{6}|1610[0-9]{7}"
)

_USCC_SYMBOLS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_SYMBOLS)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")

_LUHN_DOUBLE = str.maketrans("0123456789", "0246813579")  # digit -> digit sum of its double
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_WIDTH_TABLE = str.maketrans({**dict.fromkeys(_ZERO_WIDTH), **dict.fromkeys(_DASHES, "-")})
_WIDTH_ODD = re.compile(f"[{_ZERO_WIDTH}{_DASHES}]")


def cn_id_check_char(first17: str) -> str:
    """Computes the GB 11643 (ISO 7064 MOD 11-2) check character of a resident ID."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("expected 17 ASCII digits")
    return _check(first17)


def _check(first17: str) -> str:
    # Base 13 works because 13 = 2 (mod 11): digit weights become 2^k mod 11 (python-stdnum).
    remainder = (12 - (2 * int(first17, 13)) % 11) % 11
    return "X" if remainder == 10 else str(remainder)


def resident_id_problem(s: str, today: date | None = None) -> str | None:
    """Says why `s` is not a valid canonical 18-character resident ID, or None when it is."""
    if not _ID18_SHAPE.fullmatch(s):
        return "not an 18-character resident ID number"
    birth = _ymd(s[6:14])
    if birth is None:
        return "not a real calendar date"
    if birth.year < 1900:
        return "birth year before 1900"
    if birth > (today or date.today()):
        return "date in the future"
    if _check(s[:17]) != s[17]:
        return "check digit mismatch"
    return None


def is_valid_cn_resident_id(s: str, today: date | None = None) -> bool:
    """Accepts only a canonical 18-character resident ID with a real birth date and check char."""
    return resident_id_problem(s, today) is None


def cn_id_15_to_18(s: str) -> str:
    """Converts a legacy 15-digit ID (century 19 implied) into its 18-character form."""
    if not _ID15_SHAPE.fullmatch(s):
        raise ValueError("not a 15-digit legacy ID number")
    first17 = f"{s[:6]}19{s[6:]}"
    return first17 + _check(first17)


def cn_id_birth_date(s: str) -> date:
    """Reads the birth date encoded in an 18- or 15-digit resident ID."""
    digits = s[6:14] if len(s) == 18 else f"19{s[6:12]}" if len(s) == 15 else ""
    birth = _ymd(digits)
    if birth is None:
        raise ValueError("no real birth date in ID number")
    return birth


def cn_id_gender(s: str) -> Literal["M", "F"]:
    """Reads the gender from the sequence code parity (odd = male) of an 18- or 15-digit ID."""
    parity = s[16:17] if len(s) == 18 else s[14:15] if len(s) == 15 else ""
    if not (parity.isascii() and parity.isdigit()):
        raise ValueError("not a resident ID number")
    return "M" if int(parity) % 2 else "F"


def _ymd(digits: str) -> date | None:
    if len(digits) != 8 or not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return date.fromisoformat(digits)  # 8 digits can only be read as YYYYMMDD
    except ValueError:
        return None


def luhn_ok(digits: str) -> bool:
    """Checks the ISO/IEC 7812-1 (mod 10) check digit of a card number."""
    if not digits or not (digits.isascii() and digits.isdigit()):
        return False
    return _luhn_sum(digits) % 10 == 0


def luhn_check_digit(body: str) -> str:
    """Computes the Luhn digit that makes `body + digit` valid."""
    if not body or not (body.isascii() and body.isdigit()):
        raise ValueError("expected ASCII digits")
    return str(-_luhn_sum(body + "0") % 10)


def _luhn_sum(digits: str) -> int:
    # Summing the bytes of digit strings keeps the loop in C; 48 is ord("0").
    kept = digits[-1::-2].encode()
    doubled = digits[-2::-2].translate(_LUHN_DOUBLE).encode()
    return sum(kept) + sum(doubled) - 48 * len(digits)


def is_valid_cn_mobile(canonical11: str) -> bool:
    """Accepts an 11-digit mainland mobile number whose prefix is allocated (DOMAIN §13.3)."""
    return len(canonical11) == 11 and CN_MOBILE_RE.fullmatch(canonical11) is not None


def uscc_check_char(first17: str) -> str:
    """Computes the GB 32100 check character of a unified social credit code."""
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    except (KeyError, ValueError):
        raise ValueError("expected 17 USCC symbols") from None
    return _USCC_SYMBOLS[-total % 31]


def is_valid_uscc(s: str) -> bool:
    """Accepts an upper-case unified social credit code, letter authority codes included."""
    return _USCC_SHAPE.fullmatch(s) is not None and uscc_check_char(s[:17]) == s[17]


def normalise_width(s: str) -> str:
    """Folds full-width forms, drops zero-width characters and unifies dashes before matching."""
    if s.isascii():
        return s
    s = unicodedata.normalize("NFKC", s)
    # translate() is slow on non-ASCII text; most values have nothing to translate.
    return s.translate(_WIDTH_TABLE) if _WIDTH_ODD.search(s) else s
