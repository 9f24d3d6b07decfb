"""Person names: surname only for Chinese names, initials for Latin ones (DOMAIN.md §4.2)."""

from __future__ import annotations

import re

from masking.formats import normalise_width
from masking.operators.base import MaskOperator, stars
from masking.operators.rules import MaskRule
from masking.operators.surnames import COMPOUND_SURNAMES

# Given names are always shown as `**` (one `*` for two-character names) so length is not leaked.
GIVEN_NAME_MASK = "**"
MINORITY_NAME_MASK = "**·**"
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_NAME_DOTS = re.compile(r"[·•・‧.．]")
_WORD = re.compile(r"\S+")


class NameOperator(MaskOperator):
    """M-NAME: the surname, single or compound; a Latin-script name goes to M-NAME-LATIN."""

    name = MaskRule.NAME

    def _mask(self, value: str, variant: str | None) -> str:
        text = normalise_width(value).strip()
        if not _HAN.search(text):
            return LatinNameOperator().mask(text)
        text = "".join(text.split())
        if _NAME_DOTS.search(text):
            # 维吾尔/藏 names have no surname: show the first character and the name's shape.
            return text[0] + MINORITY_NAME_MASK
        if len(text) <= 1:
            return stars(len(text))
        if len(text) == 2:
            return text[0] + "*"
        surname = text[:2] if text[:2] in COMPOUND_SURNAMES else text[0]
        return surname + GIVEN_NAME_MASK


class LatinNameOperator(MaskOperator):
    """M-NAME-LATIN: the first letter of each word, the rest starred (John Smith -> J*** S****)."""

    name = MaskRule.NAME_LATIN

    def _mask(self, value: str, variant: str | None) -> str:
        return _WORD.sub(_initial, value.strip())


def _initial(word: re.Match[str]) -> str:
    text = word.group()
    return text[0] + stars(len(text) - 1) if len(text) > 1 else "*"
