"""M-DATE-Y: a birth or expiry date shows its year only (DOMAIN.md §4.2)."""

from __future__ import annotations

import re

from masking.formats import normalise_width
from masking.operators.base import MaskOperator, stars
from masking.operators.rules import MaskRule

# A year 1800-2199 at the start, followed by a separator, by MMDD, or by nothing.
_YEAR = re.compile(r"((?:1[89]|2[01])\d\d)(?=[-/.年\s]|\d{4}$|$)")


class YearOnlyOperator(MaskOperator):
    """M-DATE-Y: `YYYY-**-**` whatever the input layout, so every surface shows the same mask."""

    name = MaskRule.DATE_Y

    def _mask(self, value: str, variant: str | None) -> str:
        text = normalise_width(value).strip()
        year = _YEAR.match(text)
        return f"{year.group(1)}-**-**" if year else stars(len(text))
