"""Detected spans and the overlap rule that turns raw recognizer hits into one clean list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

# (start, end, score, type): plain tuples while resolving; a frozen dataclass costs ~1 µs each.
Hit = tuple[int, int, float, str]


@dataclass(frozen=True, slots=True)
class Detected:
    """One PII span: entity type, offsets into the original text, and the recognizer's score."""

    type: str
    start: int
    end: int
    score: float


def resolve_overlaps(found: Iterable[Hit], threshold: float) -> list[Detected]:
    """Keeps the best of overlapping spans, sorted by start.

    Same-type overlaps merge into the longest (a held name 李慧 inside the triggered 李慧婷 is one
    person); a span inside a longer one goes (阳光 inside the address 阳光花园18栋); what still
    overlaps is decided by score, then length.
    """
    candidates = sorted(h for h in found if h[2] >= threshold and h[1] > h[0])
    if _disjoint(candidates):
        return [Detected(kind, start, end, score) for start, end, score, kind in candidates]
    hits = _drop_contained(_merge_same_type(candidates))
    hits.sort(key=lambda h: (-h[2], h[0] - h[1], h[0]))
    kept: list[Hit] = []
    for hit in hits:
        if all(hit[1] <= start or end <= hit[0] for start, end, _, _ in kept):
            kept.append(hit)
    kept.sort()
    return [Detected(kind, start, end, score) for start, end, score, kind in kept]


def _disjoint(hits: list[Hit]) -> bool:
    """Says whether sorted hits never overlap: the common case, which needs no resolving."""
    return all(left[1] <= right[0] for left, right in pairwise(hits))


def _merge_same_type(found: Iterable[Hit]) -> list[Hit]:
    """Replaces same-type overlaps by the longest of them, carrying the highest score."""
    merged: list[Hit] = []
    for hit in sorted(found, key=lambda h: (h[3], h[0], -h[1])):
        last = merged[-1] if merged else None
        if last is None or last[3] != hit[3] or hit[0] >= last[1]:
            merged.append(hit)
            continue
        longer = hit if hit[1] - hit[0] > last[1] - last[0] else last
        merged[-1] = (longer[0], longer[1], max(hit[2], last[2]), hit[3])
    return merged


def _drop_contained(hits: list[Hit]) -> list[Hit]:
    """Drops spans lying inside a strictly longer one, in one sweep by start."""
    hits.sort(key=lambda h: (h[0], -h[1]))
    kept: list[Hit] = []
    widest: Hit | None = None  # the span reaching furthest right so far
    for hit in hits:
        if widest is not None and widest[1] >= hit[1] and widest[1] - widest[0] > hit[1] - hit[0]:
            continue
        kept.append(hit)
        if widest is None or hit[1] > widest[1]:
            widest = hit
    return kept
