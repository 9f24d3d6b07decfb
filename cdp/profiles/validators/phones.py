"""Mainland phone numbers: mobiles and fixed lines with their area codes and extensions."""

from __future__ import annotations

import re

from cdp.profiles.validators.base import FieldInvalid
from masking.formats import CN_MOBILE_RE, normalise_width

_PHONE_NOISE = str.maketrans("", "", " -()")


def cn_mobile(raw: str) -> str:
    """Canonicalises a mainland mobile to 11 digits, dropping separators and +86/0086/86."""
    if len(raw) == 11 and CN_MOBILE_RE.fullmatch(raw):
        return raw
    s = normalise_width(raw).translate(_PHONE_NOISE)
    for prefix in ("+86", "0086", "86"):
        if s.startswith(prefix) and len(s) == len(prefix) + 11:
            s = s[len(prefix) :]
            break
    if len(s) != 11 or not (s.isascii() and s.isdigit()):
        raise FieldInvalid("not an 11-digit mobile number")
    if not CN_MOBILE_RE.fullmatch(s):
        raise FieldInvalid("unknown mobile prefix")
    return s


_CANONICAL_LANDLINE = re.compile(r"(?:010|02[0-9]|0[3-9][0-9]{2})-[2-9][0-9]{6,7}(?:-[0-9]{1,6})?")
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})$", re.IGNORECASE)
_LANDLINE_CHARS = re.compile(r"[0-9 ()\-]+")
_INTERNATIONAL = re.compile(r"\s*(?:\+|00)86[\s\-]*\(?\s*0?")
_GROUPS = re.compile(r"[0-9]+")


def cn_landline(raw: str) -> str:
    """Canonicalises a fixed line to `0AA(A)-NNNNNNN(N)[-ext]`; refuses 400/800 and mobiles."""
    if _CANONICAL_LANDLINE.fullmatch(raw):
        return raw
    s = normalise_width(raw)
    ext = ""
    if m := _EXTENSION.search(s):
        s, ext = s[: m.start()], m[1]
    if m := _INTERNATIONAL.match(s):
        s = "0" + s[m.end() :]
    if not _LANDLINE_CHARS.fullmatch(s):
        raise FieldInvalid("not a landline number")
    groups = _GROUPS.findall(s)
    digits = "".join(groups)
    area_len = _area_code_length(digits)
    tail = groups[-1]
    if (
        not ext
        and len(groups) > 1
        and len(tail) <= 6
        and 7 <= len(digits) - len(tail) - area_len <= 8
    ):
        ext, digits = tail, digits[: -len(tail)]
    local = digits[area_len:]
    if not 7 <= len(local) <= 8 or local[0] in "01":
        raise FieldInvalid("not a 7- or 8-digit local number")
    return f"{digits[:area_len]}-{local}" + (f"-{ext}" if ext else "")


def _area_code_length(digits: str) -> int:
    if digits[:3] in ("400", "800"):
        raise FieldInvalid("400/800 service number, not personal")
    if len(digits) == 11 and digits[0] == "1":
        raise FieldInvalid("mobile number, not a landline")
    if not digits.startswith("0") or digits[:3] in ("011", "012", "013", "014", "015"):
        raise FieldInvalid("missing or unknown area code")
    return 3 if digits[1] in "12" else 4
