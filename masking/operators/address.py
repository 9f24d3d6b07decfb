"""M-ADDR: keep the region (province, city, district) and star the rest (DOMAIN.md §4.2, §13.9)."""

from __future__ import annotations

import re

from masking.formats import normalise_width
from masking.operators.base import MaskOperator, stars
from masking.operators.rules import MaskRule

# Characters of the street part; a division name never contains them, so a match stops there.
_STREET = "路街巷弄号楼栋幢室"


def _level(max_chars: int, suffixes: str, also_not: str = "") -> re.Pattern[str]:
    """Builds the pattern of one administrative level: a short Han name ending in a suffix."""
    char = rf"(?:(?![{_STREET}{also_not}])[\u3400-\u9fff])"
    return re.compile(rf"{char}{{1,{max_chars}}}?(?:{suffixes})")


# Searched in this order from the start; each level is optional (北京市海淀区 has no 省).
_LEVELS = (
    _level(7, "省|自治区|特别行政区", also_not="区县旗市"),
    _level(9, "市|自治州|地区|盟", also_not="区县旗"),
    _level(12, "自治县|自治旗|(?<![小社])区|县|旗|市"),
)


class AddressOperator(MaskOperator):
    """M-ADDR: the region-level prefix in clear, one `*` per character of the rest."""

    name = MaskRule.ADDR

    def _mask(self, value: str, variant: str | None) -> str:
        text = normalise_width(value).strip()
        kept = region_prefix(text)
        return kept + stars(len(text) - len(kept))


def region_prefix(address: str) -> str:
    """Returns the province/city/district prefix, leaving something to hide after it."""
    parts: list[str] = []
    position = 0
    for level in _LEVELS:
        found = level.match(address, position)
        if found:
            parts.append(found.group())
            position = found.end()
    # A value that is nothing but a region still gets its finest level starred.
    while parts and position == len(address):
        position -= len(parts.pop())
    return "".join(parts)
