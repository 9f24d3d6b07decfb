"""Offset-preserving normalisation and the character window that context words are sought in."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# Full-width digits, letters and the signs inside identifiers fold to ASCII one character for one
# (as NFKC does), so every offset found in the folded text is an offset into the original.
# Full-width punctuation such as ，：（ stays: nearly every note has it and no pattern needs it.
_WIDE = "０-９Ａ-Ｚａ-ｚ＋－＠．"
_FOLD = {ord(sign): ord(sign) - 0xFEE0 for sign in "＋－＠．"}
_FOLD |= {
    code: code - 0xFEE0
    for span in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B))
    for code in range(*span)
}
_FOLD |= {0x3000: 0x20, 0x00A0: 0x20}
_FOLD |= dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), 0x2D)
# Zero-width characters become spaces rather than disappearing, which would shift offsets.
_FOLD |= dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), 0x20)
_NEEDS_FOLD = re.compile(
    f"[{_WIDE}\u3000\u00a0\u2010-\u2015\u2212\ufe58\ufe63\u200b-\u200d\u2060\ufeff]"
)


def fold_width(text: str) -> str:
    """Folds full-width digits, letters and dashes to ASCII without changing the text's length."""
    if text.isascii() or not _NEEDS_FOLD.search(text):
        return text
    return text.translate(_FOLD)


class ContextWords:
    """Finds any of a recognizer's context words in a character window around a span."""

    def __init__(self, words: Iterable[str], before: int, after: int) -> None:
        ordered = sorted({w for w in words if w}, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE) if ordered else None
        )
        self._before = before
        self._after = after

    def near(self, text: str, start: int, end: int) -> bool:
        """Says whether a context word sits within the window before or after the span."""
        if self._pattern is None:
            return False
        if self._pattern.search(text, max(0, start - self._before), start):
            return True
        return self._pattern.search(text, end, end + self._after) is not None

    def starts(self, text: str, at: int) -> bool:
        """Says whether a context word begins at `at`."""
        return self._pattern is not None and self._pattern.match(text, at) is not None

    def occurrences(self, text: str) -> Iterator[int]:
        """Yields the offset just past each context word in `text`."""
        if self._pattern is not None:
            for found in self._pattern.finditer(text):
                yield found.end()
