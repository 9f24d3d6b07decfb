"""Generalisers for the masked view (DOMAIN.md §4.3): quasi-identifiers become coarse bands.

Birth date → age band and minor flags as of a date; address → prefecture-level city; AUM → tier
(大众/贵宾/财富/私行) and amounts → bands, with edges from configuration. Unknown or unreadable
input gives None, never a guess.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from masking.formats import normalise_width
from masking.operators.amount import DEFAULT_AMOUNT_BANDS, band_labels

DEFAULT_AGE_EDGES: tuple[int, ...] = (18, 25, 30, 40, 50, 60, 70)
# 大众 below 5万, 贵宾 from 5万, 财富 from 50万, 私行 from 600万 (yuan of AUM) [D]
DEFAULT_AUM_TIERS: tuple[tuple[str, int], ...] = (
    ("大众", 0),
    ("贵宾", 50_000),
    ("财富", 500_000),
    ("私行", 6_000_000),
)
MUNICIPALITIES = ("北京", "上海", "天津", "重庆")
_STREET = "路街巷弄号楼栋幢室"
_HAN = rf"(?:(?![{_STREET}区县旗])[\u3400-\u9fff])"
_PROVINCE = re.compile(rf"(?:(?!市){_HAN}){{1,10}}?(?:省|自治区|特别行政区)")
_CITY = re.compile(rf"{_HAN}{{1,12}}?(?:自治州|地区|盟|市)")
# 北京海淀区 is Beijing, 上海路12号 is a street: without 市 a district must follow soon.
_MUNICIPALITY = re.compile(rf"({'|'.join(MUNICIPALITIES)})(?:市|(?={_HAN}{{1,6}}?[区县]))")


def _increasing(edges: tuple[int, ...]) -> bool:
    return bool(edges) and edges[0] > 0 and all(a < b for a, b in pairwise(edges))


def age_on(birth: date, day: date) -> int:
    """Returns completed years on a day; a 29 February birthday counts on 1 March."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True, slots=True)
class AgeFacts:
    """What the masked view keeps of a birth date: a band and the two minor flags."""

    band: str
    under_14: bool
    under_18: bool


def age_labels(edges: tuple[int, ...]) -> tuple[str, ...]:
    """Names the bands of completed ages: `<18`, `18–24`, ..., `≥70`."""
    middle = [f"{low}–{high - 1}" for low, high in pairwise(edges)]
    return (f"<{edges[0]}", *middle, f"≥{edges[-1]}")


def city_of(address: str) -> str | None:
    """Returns the prefecture-level city of an address (a 直辖市 names itself), else None."""
    text = normalise_width(address).strip()
    municipality = _MUNICIPALITY.match(text)
    if municipality:
        return municipality.group(1) + "市"
    province = _PROVINCE.match(text)
    start = province.end() if province else 0
    if province and province.group().endswith("特别行政区"):
        return province.group()
    city = _CITY.match(text, start)
    return city.group() if city else None


def parse_decimal(value: str) -> Decimal | None:
    """Reads a canonical decimal amount; None when it is not one."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


class Generaliser:
    """Applies the configured bands and tiers; pure and deterministic for a given as-of date."""

    def __init__(
        self,
        *,
        age_edges: tuple[int, ...] = DEFAULT_AGE_EDGES,
        aum_tiers: tuple[tuple[str, int], ...] = DEFAULT_AUM_TIERS,
        amount_edges: tuple[int, ...] = DEFAULT_AMOUNT_BANDS,
    ) -> None:
        floors = tuple(floor for _, floor in aum_tiers)
        if not _increasing(age_edges) or not _increasing(amount_edges):
            raise ValueError("band edges must be positive and strictly increasing")
        if not aum_tiers or floors[0] != 0 or not _increasing(floors[1:] or (1,)):
            raise ValueError("AUM tiers start at 0 and rise strictly")
        self._age_edges, self._age_labels = age_edges, age_labels(age_edges)
        self._tier_floors, self._tier_names = floors[1:], tuple(n for n, _ in aum_tiers)
        self._amount_edges, self._amount_labels = amount_edges, band_labels(amount_edges)

    def age(self, birth: date | None, as_of: date) -> AgeFacts | None:
        """Returns the age band and minor flags on `as_of`; None for an unknown or future birth."""
        if birth is None or birth > as_of:
            return None
        years = age_on(birth, as_of)
        band = self._age_labels[bisect_right(self._age_edges, years)]
        return AgeFacts(band, years < 14, years < 18)

    def aum_tier(self, aum: Decimal | None) -> str | None:
        """Returns the AUM tier (大众/贵宾/财富/私行 by default); None for unknown or negative."""
        if aum is None or aum < 0:
            return None
        return self._tier_names[bisect_right(self._tier_floors, aum)]

    def amount_band(self, amount: Decimal | None) -> str | None:
        """Returns the band label of an amount (`<5万`, `5万–20万`, ...); None for unknown."""
        if amount is None or amount < 0:
            return None
        return self._amount_labels[bisect_right(self._amount_edges, amount)]
