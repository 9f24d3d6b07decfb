"""Finds PII entities and C3 data in one document and masks them, without keeping values."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from masking.c3 import C3Hit, find_c3

if TYPE_CHECKING:
    from masking.detect import Detected, PiiDetector


@dataclass(frozen=True, slots=True)
class Finding:
    """One entity found: type, character offsets and score; the value itself is never kept."""

    type: str
    start: int
    end: int
    score: float

    def as_json(self) -> dict[str, object]:
        """The wire form of `cdp scan --json`."""
        return {"type": self.type, "start": self.start, "end": self.end, "score": self.score}


def c3_type(hit: C3Hit) -> str:
    """Names a C3 hit as an entity type, e.g. `C3_CVN`."""
    return f"C3_{hit.kind.name}"


@dataclass(slots=True)
class ScanTotals:
    """Counts over a scan: documents, documents with findings, findings per type, bad lines."""

    documents: int = 0
    with_findings: int = 0
    bad_lines: int = 0
    by_type: Counter[str] = field(default_factory=Counter)

    def add(self, findings: list[Finding]) -> None:
        """Counts one scanned document."""
        self.documents += 1
        self.with_findings += bool(findings)
        self.by_type.update(finding.type for finding in findings)


class TextScanner:
    """Runs the PII detector and the C3 guard over documents."""

    def __init__(self, detector: PiiDetector, *, mode: str | None = None) -> None:
        self._detector = detector
        self._mode = mode

    def find(self, text: str) -> list[Finding]:
        """Lists the findings of one document by position; C3 hits win over overlapping PII."""
        guarded = [Finding(c3_type(h), h.start, h.end, 1.0) for h in find_c3(text)]
        found = [_finding(d) for d in self._detector.analyze(text)]
        found = [f for f in found if not any(_overlaps(f, g) for g in guarded)]
        return sorted(guarded + found, key=lambda f: (f.start, f.end))

    def anonymize(self, text: str) -> str:
        """Masks one document: C3 data becomes a `<C3_...>` tag, PII its mask or tag."""
        for hit in reversed(find_c3(text)):
            text = f"{text[: hit.start]}<{c3_type(hit)}>{text[hit.end :]}"
        return self._detector.anonymize(text, mode=self._mode)


def _finding(detected: Detected) -> Finding:
    return Finding(detected.type, detected.start, detected.end, round(detected.score, 4))


def _overlaps(a: Finding, b: Finding) -> bool:
    return a.start < b.end and b.start < a.end
