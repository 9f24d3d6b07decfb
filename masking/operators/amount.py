"""M-AMT: money is hidden (`***`), or shown as a coarse band to authorised roles (DOMAIN §4.2)."""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal
from itertools import pairwise
from typing import ClassVar

from masking.formats import normalise_width
from masking.operators.base import MaskOperator
from masking.operators.rules import MaskRule

HIDDEN = "***"
# Lower edges in yuan of the bands above the first: <5万, 5万–20万, ..., ≥1000万.
DEFAULT_AMOUNT_BANDS: tuple[int, ...] = (
    50_000,
    200_000,
    500_000,
    1_000_000,
    3_000_000,
    6_000_000,
    10_000_000,
)
_NOISE = re.compile(r"[\s,¥元]|RMB|CNY", re.IGNORECASE)
_AMOUNT = re.compile(r"(-?\d+(?:\.\d+)?)(万|亿)?")
_UNITS = {None: 1, "万": 10_000, "亿": 100_000_000}


class AmountOperator(MaskOperator):
    """M-AMT: `***` by default; `band` gives the band label, `***` for negatives and garbage."""

    BAND: ClassVar[str] = "band"
    name = MaskRule.AMT
    variants = frozenset({BAND})

    def __init__(self, bands: tuple[int, ...] = DEFAULT_AMOUNT_BANDS) -> None:
        if not bands or bands[0] <= 0 or any(a >= b for a, b in pairwise(bands)):
            raise ValueError("band edges must be positive and strictly increasing")
        self._edges = bands
        self._labels = band_labels(bands)

    def _mask(self, value: str, variant: str | None) -> str:
        amount = parse_amount(value) if variant == self.BAND else None
        if amount is None or amount < 0:
            return HIDDEN
        return self._labels[bisect_right(self._edges, amount)]


def parse_amount(value: str) -> Decimal | None:
    """Reads `1,234,567.89`, `¥1234`, `123.4万` as yuan; None for anything else."""
    parsed = _AMOUNT.fullmatch(_NOISE.sub("", normalise_width(value)))
    if parsed is None:
        return None
    return Decimal(parsed.group(1)) * _UNITS[parsed.group(2)]


def band_labels(edges: tuple[int, ...]) -> tuple[str, ...]:
    """Names the len(edges) + 1 bands: `<5万`, `5万–20万`, ..., `≥1000万`."""
    names = [_yuan(edge) for edge in edges]
    middle = [f"{low}–{high}" for low, high in pairwise(names)]
    return (f"<{names[0]}", *middle, f"≥{names[-1]}")


def _yuan(edge: int) -> str:
    if edge % 100_000_000 == 0:
        return f"{edge // 100_000_000}亿"
    if edge % 10_000 == 0:
        return f"{edge // 10_000}万"
    return f"{edge}元"
