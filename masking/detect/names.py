"""Names the platform already holds, matched exactly in free text (the strongest name signal)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_LATIN = re.compile(r"[A-Za-z]")
_LONGEST_HAN_NAME = 6  # 欧阳 + a four-character given name; longer Han entries are not names
Tree = dict[str, "Tree"]  # a prefix tree of held names; the "" key marks a name's end


class KnownNames:
    """Held names, found by one search over a prefix-tree pattern, then checked by set look-up.

    The tree pattern lets `re` skip ahead in C to the next position where some held name matches
    (pyahocorasick costs ~0.3 µs per character; a first-character scan stops at every surname).
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(n for n in names if _plausible(n))
        self.sizes = sorted({len(n) for n in self.names}, reverse=True)
        self.pattern = re.compile(_tree_pattern(self.names)) if self.names else None

    def find(self, text: str) -> Iterator[tuple[int, int]]:
        """Yields the longest held name starting at each position, left to right, no overlaps."""
        if self.pattern is None:
            return
        found = self.pattern.search(text)
        while found is not None:
            start = found.start()
            end = self._longest_at(text, start)
            found = self.pattern.search(text, end or start + 1)
            if end:
                yield start, end

    def _longest_at(self, text: str, start: int) -> int:
        """Returns the end of the longest whole-word held name at `start`, or 0 for none."""
        for size in self.sizes:
            end = start + size
            # A slice past the end would equal a shorter name.
            if end <= len(text) and text[start:end] in self.names and _whole_word(text, start, end):
                return end
        return 0


def _tree_pattern(words: Iterable[str]) -> str:
    """Writes the words as one prefix-tree regex, so `re` never retries a shared prefix."""
    tree: Tree = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branch(tree)


def _branch(node: Tree) -> str:
    """Writes one tree node: its children as alternatives, optional when a word ends here."""
    children = sorted(node.items())
    alternatives = [re.escape(char) + _branch(child) for char, child in children if char]
    if not alternatives:
        return ""
    body = "(?:" + "|".join(alternatives) + ")"
    return body + "?" if "" in node else body


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
