"""Identity documents: the document type and its number (resident ID, passport, permits)."""

from __future__ import annotations

import re

from cdp.profiles.validators.base import FieldInvalid
from cdp.profiles.validators.dates import _today_cn
from masking.formats import cn_id_15_to_18, normalise_width, resident_id_problem

_ID_TYPES = {
    **dict.fromkeys(("resident_id", "居民身份证", "身份证"), "resident_id"),
    **dict.fromkeys(("passport", "护照"), "passport"),
    **dict.fromkeys(("hk_macao_permit", "港澳居民来往内地通行证", "回乡证"), "hk_macao_permit"),
    **dict.fromkeys(("taiwan_permit", "台湾居民来往大陆通行证", "台胞证"), "taiwan_permit"),
    **dict.fromkeys(
        ("foreign_permanent_residence", "外国人永久居留身份证", "外国人永久居留证"),
        "foreign_permanent_residence",
    ),
}
# Passports and permits of DOMAIN §13.7; they carry no public checksum.
_DOCUMENT = re.compile(
    r"[EKGDSPHMCWL][0-9]{8}|(?:E[A-HJ-NP-Z]|[DSP]E|KJ|MA|MB|1[45])[0-9]{7}"
    r"|[HM][0-9]{10}|[0-9]{8}|[A-Z]{3}[0-9]{12}"
)


def id_type(raw: str) -> str:
    """Maps Chinese document names onto the catalogue's id_type codes; others fail the enum."""
    return _ID_TYPES.get(raw) or _ID_TYPES.get(normalise_width(raw).lower(), raw)


def id_number(raw: str) -> str:
    """Canonicalises an ID: resident IDs to 18 checked characters, passports/permits upper-cased."""
    s = normalise_width(raw).replace(" ", "").replace("-", "").upper()
    if s.isascii() and s[:15].isdigit():
        if len(s) == 15:
            s = _legacy_id(s)
        if len(s) == 18:
            problem = resident_id_problem(s, _today_cn())
            if problem:
                raise FieldInvalid(problem)
            return s
    if _DOCUMENT.fullmatch(s):
        return s
    raise FieldInvalid("not a recognised ID number format")


def _legacy_id(s: str) -> str:
    try:
        return cn_id_15_to_18(s)
    except ValueError:
        raise FieldInvalid("not a valid 15-digit ID number") from None


def is_resident_id(canonical: str) -> bool:
    """Tells a canonical resident ID from a passport or permit number."""
    return len(canonical) == 18 and canonical[:17].isdigit()
