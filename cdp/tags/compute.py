"""Computes a masked row's tags: every tag rule compiled once, tested per row (pure logic).

The row is the masked row dict (`cdp.masked.projection.Projector.row`) with its lifecycle
columns already set; the result is the sorted list of matching tag ids minus the ones the
customer deleted, encoded as the JSON text stored in `masked_profile.tags`.

Speed (a rebuild runs this per row): a rule over one column depends on that column's value
only (a NULL or missing column is false), so per column a memo maps each value seen to the
bit mask of the tags it gives; rules over several columns run their compiled predicate. The
row's mask is the OR of those, and a second memo maps each mask to its JSON text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from cdp.db.bulk import RawJson
from cdp.rules import compile_predicate
from cdp.tags.config import TagConfig

NO_TAGS = RawJson("[]")
Predicate = Callable[[Mapping[str, Any]], bool]
MEMO_LIMIT = 4096  # values remembered per column (ints such as tenure are few in practice)


class TagComputer:
    """Holds the compiled predicates; bit i is the i-th tag id in sorted order."""

    def __init__(self, config: TagConfig):
        ordered = sorted(config.tags, key=lambda tag: tag.id)
        self._ids = tuple(tag.id for tag in ordered)
        self._bit = {tag_id: 1 << i for i, tag_id in enumerate(self._ids)}
        by_column: dict[str, list[tuple[int, Predicate]]] = {}
        multi: list[tuple[int, Predicate]] = []
        for tag in ordered:
            test = (self._bit[tag.id], compile_predicate(tag.rule))
            if len(tag.columns) == 1:
                by_column.setdefault(tag.columns[0], []).append(test)
            else:
                multi.append(test)
        self._columns = tuple(
            (column, tuple(tests), dict[Any, int]()) for column, tests in by_column.items()
        )
        self._multi = tuple(multi)
        self._texts: dict[int, RawJson] = {0: NO_TAGS}

    @property
    def ids(self) -> tuple[str, ...]:
        """Every tag id, sorted."""
        return self._ids

    def mask(self, row: Mapping[str, Any]) -> int:
        """The bit mask of the tags `row` matches."""
        found = 0
        get = row.get
        for column, tests, memo in self._columns:
            value = get(column)
            try:
                bits = memo.get(value)
            except TypeError:  # an unhashable value: no memo
                bits = _bits(tests, {column: value})
            else:
                if bits is None:
                    bits = _bits(tests, {column: value})
                    if len(memo) < MEMO_LIMIT:
                        memo[value] = bits
            found |= bits
        for bit, test in self._multi:
            if test(row):
                found |= bit
        return found

    def tags(self, row: Mapping[str, Any], deleted: Collection[str] = ()) -> list[str]:
        """The sorted ids of the tags `row` matches, without the deleted ones."""
        return self._decode(self._without(self.mask(row), deleted))

    def encoded(self, row: Mapping[str, Any], deleted: Collection[str] = ()) -> RawJson:
        """The tags as the JSON text of the `tags` column (ids are ASCII identifiers)."""
        mask = self.mask(row)
        if deleted:
            mask = self._without(mask, deleted)
        text = self._texts.get(mask)
        if text is None:
            found = self._decode(mask)
            text = RawJson('["' + '","'.join(found) + '"]') if found else NO_TAGS
            if len(self._texts) < MEMO_LIMIT * 4:
                self._texts[mask] = text
        return text

    def _without(self, mask: int, deleted: Collection[str]) -> int:
        for tag_id in deleted:
            mask &= ~self._bit.get(tag_id, 0)
        return mask

    def _decode(self, mask: int) -> list[str]:
        return [tag_id for i, tag_id in enumerate(self._ids) if mask >> i & 1]


def _bits(tests: tuple[tuple[int, Predicate], ...], row: Mapping[str, Any]) -> int:
    found = 0
    for bit, test in tests:
        if test(row):
            found |= bit
    return found
