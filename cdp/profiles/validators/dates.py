"""Past dates in ISO form, and today's date in China Standard Time that bounds them."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date

from cdp.profiles.validators.base import FieldInvalid
from cdp.timezones import CST_OFFSET_SECONDS
from masking.formats import normalise_width


@dataclass(slots=True)
class _Today:
    """Today's date in China Standard Time and the instant (epoch seconds) it ends."""

    day: date = date.min
    ends: float = 0.0


_TODAY = _Today()


def _today_cn() -> date:
    """Returns today in China Standard Time, whatever the server's zone; cached until midnight."""
    now = time.time()
    if now >= _TODAY.ends:
        days = int((now + CST_OFFSET_SECONDS) // 86400)
        _TODAY.day, _TODAY.ends = (
            date.fromordinal(719163 + days),
            (days + 1) * 86400.0 - CST_OFFSET_SECONDS,
        )
    return _TODAY.day


_DATE = re.compile(r"([0-9]{4})(?:([-/.])([0-9]{1,2})\2([0-9]{1,2})|([0-9]{2})([0-9]{2}))")
_MIN_DATE = date(1900, 1, 1)


def past_date(raw: str) -> str:
    """Canonicalises YYYY-MM-DD, YYYYMMDD or YYYY/MM/DD to ISO; real, since 1900, not future."""
    value = _iso_date(raw)
    canonical = raw if value is not None else None
    if value is None:
        value = _loose_date(raw if raw.isascii() else _cn_date(normalise_width(raw)))
    if value < _MIN_DATE:
        raise FieldInvalid("before 1900-01-01")
    if value > _today_cn():
        raise FieldInvalid("date in the future")
    return canonical or value.isoformat()


def _iso_date(raw: str) -> date | None:
    # Fast path for canonical input. The hyphens at 4 and 7 rule out the week dates
    # (2023-W01-1) and compact forms that fromisoformat would also take.
    if len(raw) != 10 or raw[4] != "-" or raw[7] != "-":
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _loose_date(s: str) -> date:
    m = _DATE.fullmatch(s)
    if m is None:
        raise FieldInvalid("not a date in YYYY-MM-DD form")
    month, day = (m[3], m[4]) if m[2] else (m[5], m[6])
    try:
        return date(int(m[1]), int(month), int(day))
    except ValueError:
        raise FieldInvalid("not a real calendar date") from None


def _cn_date(s: str) -> str:
    return s.replace("年", "-").replace("月", "-").removesuffix("日")
