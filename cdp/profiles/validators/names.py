"""Person names (Chinese or Latin script) and gender codes."""

from __future__ import annotations

import re

from cdp.profiles.validators.base import FieldInvalid
from masking.formats import normalise_width

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAS_HAN = re.compile(f"[{_HAN}]")
_HAN_NAME = re.compile(f"[{_HAN}]+(?:·[{_HAN}]+)*")
_UNIFIED_HAN_NAME = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_LATIN_NAME = re.compile(f"[{_LATIN}]+(?:(?:[ '\\-]|\\. ?)[{_LATIN}]+)*\\.?")
_NAME_DOTS = str.maketrans(dict.fromkeys(".•・‧∙⋅", "·"))
_DIGIT = re.compile(r"\d")


def person_name(raw: str) -> str:
    """Canonicalises a Chinese (2-20 Han, `·` for minority names) or Latin-script name."""
    if _UNIFIED_HAN_NAME.fullmatch(raw) and 2 <= len(raw) <= 20:
        return raw  # the usual case; compatibility ideographs are not NFKC-stable, so excluded
    s = normalise_width(raw)
    if not s.isascii() and _HAS_HAN.search(s):
        if not _HAN_NAME.fullmatch(s):  # translate() is slow on Han text: only when needed
            s = "".join(s.split()).translate(_NAME_DOTS)
        if not _HAN_NAME.fullmatch(s):
            raise FieldInvalid(_name_problem(s, "not a valid Chinese name"))
        if not 2 <= len(s) - s.count("·") <= 20:
            raise FieldInvalid("not 2 to 20 Chinese characters")
        return s
    s = " ".join(s.split()).replace("\u2019", "'")
    if not _LATIN_NAME.fullmatch(s):
        raise FieldInvalid(_name_problem(s, "not a valid Latin-script name"))
    return s


def _name_problem(s: str, fallback: str) -> str:
    return "contains digits" if _DIGIT.search(s) else fallback


_GENDERS = {"m": "M", "f": "F", "male": "M", "female": "F", "男": "M", "女": "F"}
_GENDERS |= {"男性": "M", "女性": "F", "1": "M", "2": "F", "M": "M", "F": "F"}


def gender(raw: str) -> str:
    """Maps the spellings source systems use for gender onto M/F."""
    value = _GENDERS.get(raw) or _GENDERS.get(normalise_width(raw).lower())
    if value is None:
        raise FieldInvalid("not one of: M, F")
    return value
