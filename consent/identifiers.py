"""Shape checks for customer references (DOMAIN §13.1, §13.3), precompiled for the batch path."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_ID18 = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]")
# Passports and permits (DOMAIN §13.7): no public checksum, shape only
_DOCUMENT = re.compile(
    r"[EKGDSPHMCWL][0-9]{8}|(?:E[A-HJ-NP-Z]|[DSP]E|KJ|MA|MB|1[45])[0-9]{7}"
    r"|[HM][0-9]{10}|[0-9]{8}|[A-Z]{3}[0-9]{12}"
)
_ID15 = re.compile(r"[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}")
_CHECK_OF = "0123456789X"
# libphonenumber's CN mobile ranges (DOMAIN §13.3), as a pre-filter the channel already applied
_MOBILE = re.compile(
    r"1(?:3\d|4[57]|5[0-35-9]|6[25-7]|7[0-35-8]|8\d|9[0-35-9])\d{8}|1740[0-5]\d{6}|1610\d{7}"
)
_COUNTRY_PREFIXES = ("+86", "0086", "86")
_SEPARATORS = str.maketrans("", "", " -")
_CUSTOMER_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def normal_id_number(text: str) -> str | None:
    """Returns a checked 18-character resident ID (a 15-digit one widened), or a document number."""
    value = _ascii(text).translate(_SEPARATORS).upper()
    if len(value) == 15 and _ID15.fullmatch(value):
        value = f"{value[:6]}19{value[6:]}"
        return value + _check_char(value)
    if len(value) == 18 and value[:17].isdigit():
        return value if _is_resident_id(value) else None
    return value if _DOCUMENT.fullmatch(value) else None


def _is_resident_id(value: str) -> bool:
    if not _ID18.fullmatch(value) or _check_char(value) != value[17]:
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return True


def _check_char(value: str) -> str:
    # ISO 7064 MOD 11-2 in one step: the weights are 2^(17-i) mod 11, i.e. base 13 ≡ 2 (mod 11)
    return _CHECK_OF[(1 - 2 * int(value[:17], 13)) % 11]


def normal_mobile(text: str) -> str | None:
    """Returns the 11-digit mainland mobile without prefix or separators, or None."""
    value = _ascii(text).translate(_SEPARATORS)
    if len(value) > 11:
        for prefix in _COUNTRY_PREFIXES:
            if value.startswith(prefix):
                value = value[len(prefix) :]
                break
    return value if _MOBILE.fullmatch(value) else None


def normal_customer_id(text: str) -> str | None:
    """Returns the platform's customer id (a lower-case UUID), or None."""
    value = text.strip().lower()
    return value if _CUSTOMER_ID.fullmatch(value) else None


def _ascii(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)
