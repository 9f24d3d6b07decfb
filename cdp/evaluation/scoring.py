"""Per-entity-type precision, recall and F1 of a PII detector against gold spans.

Matching rule (strict, the one the quality targets are judged on): a detection matches a gold
span when start and end are equal and the detection's type is the gold type or one of its
accepted aliases (`ALIASES`). Matching is one-to-one: a second detection of a span already
matched counts as a false positive. Recall is counted per gold type (matched gold / gold);
precision per detected type (matched detections / detections of that type); so a PHONE_NUMBER
detection that matches a CN_MOBILE span raises CN_MOBILE recall and PHONE_NUMBER precision.

Lenient rule (reported, not judged): any character overlap with an accepted type counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

# detected type -> gold types it may stand for (besides its own)
ALIASES: dict[str, frozenset[str]] = {
    "PHONE_NUMBER": frozenset({"CN_MOBILE", "CN_LANDLINE"}),
    "CREDIT_CARD": frozenset({"CN_BANK_CARD"}),
    "CN_BANK_CARD": frozenset({"CREDIT_CARD"}),
    "PERSON": frozenset({"CN_PERSON"}),
}


class Entity(Protocol):
    """A typed character span; both gold spans and detections have this shape."""

    @property
    def type(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def accepts(detected: str, gold: str) -> bool:
    """Tells whether a detection of type `detected` may match a gold span of type `gold`."""
    return detected == gold or gold in ALIASES.get(detected, frozenset())


@dataclass(slots=True)
class Tally:
    """Counts for one entity type under one rule."""

    gold: int = 0
    gold_found: int = 0
    detected: int = 0
    detected_right: int = 0

    @property
    def tp(self) -> int:
        """Matched gold spans (the recall numerator)."""
        return self.gold_found

    @property
    def fn(self) -> int:
        """Gold spans no detection matched."""
        return self.gold - self.gold_found

    @property
    def fp(self) -> int:
        """Detections of this type that matched no gold span."""
        return self.detected - self.detected_right

    @property
    def recall(self) -> float | None:
        """Share of gold spans found; None without gold spans."""
        return self.gold_found / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        """Share of detections that are right; None when nothing was detected."""
        return self.detected_right / self.detected if self.detected else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall, when both are defined."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass(slots=True)
class Scores:
    """Tallies per entity type under the strict and the lenient rule."""

    strict: dict[str, Tally] = field(default_factory=dict)
    lenient: dict[str, Tally] = field(default_factory=dict)

    def types(self) -> list[str]:
        """Every type seen as gold or detected, sorted."""
        return sorted(self.strict)


def score(pairs: Iterable[tuple[Sequence[Entity], Sequence[Entity]]]) -> Scores:
    """Scores (gold, detected) pairs, one pair per document."""
    scores = Scores()
    for gold, detected in pairs:
        _tally(scores.strict, gold, detected, _strict_matches(gold, detected))
        _tally(scores.lenient, gold, detected, _overlap_matches(gold, detected))
    return scores


def _strict_matches(
    gold: Sequence[Entity], detected: Sequence[Entity]
) -> tuple[set[int], set[int]]:
    """Pairs detections with equal-offset gold spans one-to-one; returns matched indexes."""
    by_offsets: dict[tuple[int, int], list[int]] = {}
    for i, g in enumerate(gold):
        by_offsets.setdefault((g.start, g.end), []).append(i)
    gold_hit: set[int] = set()
    det_hit: set[int] = set()
    for j, d in enumerate(detected):
        for i in by_offsets.get((d.start, d.end), ()):
            if i not in gold_hit and accepts(d.type, gold[i].type):
                gold_hit.add(i)
                det_hit.add(j)
                break
    return gold_hit, det_hit


def _overlap_matches(
    gold: Sequence[Entity], detected: Sequence[Entity]
) -> tuple[set[int], set[int]]:
    """Marks every gold span and detection that overlaps one of an accepted type."""
    gold_hit: set[int] = set()
    det_hit: set[int] = set()
    for i, g in enumerate(gold):
        for j, d in enumerate(detected):
            if d.start < g.end and g.start < d.end and accepts(d.type, g.type):
                gold_hit.add(i)
                det_hit.add(j)
    return gold_hit, det_hit


def _tally(
    table: dict[str, Tally],
    gold: Sequence[Entity],
    detected: Sequence[Entity],
    matched: tuple[set[int], set[int]],
) -> None:
    gold_hit, det_hit = matched
    gold_counts = Counter(g.type for g in gold)
    found = Counter(gold[i].type for i in gold_hit)
    det_counts = Counter(d.type for d in detected)
    right = Counter(detected[j].type for j in det_hit)
    for name in gold_counts.keys() | det_counts.keys():
        tally = table.setdefault(name, Tally())
        tally.gold += gold_counts[name]
        tally.gold_found += found[name]
        tally.detected += det_counts[name]
        tally.detected_right += right[name]


def overall(table: dict[str, Tally]) -> Tally:
    """Micro-averages every type into one tally."""
    total = Tally()
    for tally in table.values():
        total.gold += tally.gold
        total.gold_found += tally.gold_found
        total.detected += tally.detected
        total.detected_right += tally.detected_right
    return total
