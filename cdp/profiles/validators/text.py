"""Textual fields: e-mail addresses, postal addresses, short labels, notes and enum values."""

from __future__ import annotations

import re

from cdp.profiles.validators.base import FieldInvalid
from cdp.profiles.validators.names import _HAN
from masking.formats import normalise_width

_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HARD_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # all but whitespace
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HAN_OR_LATIN = re.compile(f"[{_HAN}A-Za-z]")


def email(raw: str) -> str:
    """Canonicalises an e-mail address to lower case; <= 254 characters, local part <= 64."""
    s = normalise_width(raw).strip().lower()
    if len(s) > 254:
        raise FieldInvalid("longer than 254 characters")
    if not _EMAIL.fullmatch(s):
        raise FieldInvalid("not a valid e-mail address")
    if s.index("@") > 64:
        raise FieldInvalid("local part longer than 64 characters")
    return s


def address(raw: str) -> str:
    """Canonicalises a postal address: NFKC, line breaks and runs of spaces become one space."""
    s = normalise_width(raw)
    if _HARD_CONTROL.search(s):
        raise FieldInvalid("contains control characters")
    s = " ".join(s.split())
    if not 5 <= len(s) <= 200:
        raise FieldInvalid("not 5 to 200 characters")
    if not _HAN_OR_LATIN.search(s):
        raise FieldInvalid("contains no Chinese or Latin letters")
    return s


def short_text(raw: str) -> str:
    """Canonicalises a short label (occupation, branch): NFKC, no control characters."""
    s = normalise_width(raw)
    if _CONTROL.search(s):
        raise FieldInvalid("contains control characters")
    return s


def free_text(raw: str) -> str:
    """Keeps note text as written, dropping control characters other than newline and tab."""
    s = _TEXT_CONTROL.sub("", raw)
    if not s.strip():
        raise FieldInvalid("no text besides control characters")
    return s


def enum(raw: str) -> str:
    """Passes the value on unchanged; validate_field checks membership."""
    return raw
