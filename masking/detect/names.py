"""Names the platform already holds, matched exactly in free text (the strongest name signal)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_LATIN = re.compile(r"[A-Za-z]")
_LONGEST_HAN_NAME = 6  # 欧阳 + a four-character given name; longer Han entries are not names


class KnownNames:
    """Held names, found by first character and set look-up.

    pyahocorasick costs ~0.3 µs per character of text; most positions here fail on a single
    two-character set look-up instead.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(n for n in names if _plausible(n))
        self.sizes = sorted({len(n) for n in self.names}, reverse=True)
        self.heads = frozenset(n[:2] for n in self.names)
        firsts = "".join(sorted({n[0] for n in self.names}))
        self.first = re.compile(f"[{re.escape(firsts)}]") if firsts else None

    def find(self, text: str) -> Iterator[tuple[int, int]]:
        """Yields the longest held name starting at each position, left to right, no overlaps."""
        if self.first is None:
            return
        position = 0
        for found in self.first.finditer(text):
            start = found.start()
            if start < position or text[start : start + 2] not in self.heads:
                continue
            for size in self.sizes:
                end = start + size
                if end > len(text):
                    continue  # a slice past the end would equal a shorter name
                if text[start:end] in self.names and _whole_word(text, start, end):
                    position = end
                    yield start, end
                    break


def _plausible(name: str) -> bool:
    """Keeps Han names of 2-6 characters and Latin names of two words or more."""
    if _LATIN.search(name):
        return " " in name.strip()
    return 2 <= len(name) <= _LONGEST_HAN_NAME


def _whole_word(text: str, start: int, end: int) -> bool:
    """Rejects a Latin name glued to more letters (Ann Lee inside Ann Leeds)."""
    if not _LATIN.match(text, end - 1):
        return True
    return not (_LATIN.match(text, end) or (start and _LATIN.match(text, start - 1)))
