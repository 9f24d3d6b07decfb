"""The masked service note: masked on write, reused until the note or the detector changes.

Detection is slow (about 1 MB/s), so the masked view keeps a fingerprint of the note's ciphertext
(a new ciphertext is written whenever the note is) and the detector version it was masked with.
Without a detector the view stores no note at all, never the clear text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from cdp.masked.repository import SourceRow


class NoteMasker(Protocol):
    """Replaces the PII found in free text (masking.detect.PiiDetector fits this shape)."""

    @property
    def version(self) -> str:
        """Names the detector and its rules, so a change re-masks every note."""
        ...

    def anonymize(self, text: str, *, held_names: Iterable[str] = ()) -> str:
        """Returns the text with every PII span replaced (the customer's own names surely)."""
        ...


def note_source(ciphertext: bytes | None) -> str | None:
    """Fingerprints a note ciphertext (random nonce: a rewrite always changes it); leaks nothing."""
    return None if ciphertext is None else hashlib.sha256(ciphertext).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class NoteOutcome:
    """The masked note to store and how it was obtained."""

    masked: str | None
    detector: str | None
    source: str | None
    how: str  # reused | masked | absent


def reusable(row: SourceRow, masker: NoteMasker | None) -> NoteOutcome | None:
    """Returns the outcome when no detection is needed, else None (the note must be masked)."""
    source = note_source(row.note_ct)
    if source is None or masker is None:
        return NoteOutcome(None, None, source, "absent")
    if row.note_source == source and row.note_detector == masker.version:
        return NoteOutcome(row.masked_note, row.note_detector, source, "reused")
    return None


def masked_now(
    row: SourceRow, text: str | None, masker: NoteMasker, held_names: Iterable[str] = ()
) -> NoteOutcome:
    """Runs the detector over the clear note (which is never stored or returned)."""
    source = note_source(row.note_ct)
    if text is None:
        return NoteOutcome(None, None, source, "absent")
    masked = masker.anonymize(text, held_names=held_names)
    return NoteOutcome(masked, masker.version, source, "masked")
