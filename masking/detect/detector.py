"""The detector: our recognizers run directly on width-folded text, overlaps resolved, spans masked.

Recognizers are Presidio `EntityRecognizer`s, but they are called directly rather than through
`AnalyzerEngine`: the engine adds NLP-artifact plumbing, per-call logging and a lemma-based
context enhancer that sees no tokens on a no-model engine, and we need neither. Context words are
matched in a character window instead, which works for unsegmented Chinese.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from masking.detect.base import SpanRecognizer
from masking.detect.config import MODES, DetectorConfig
from masking.detect.lexicon import jieba_lexicon
from masking.detect.registry import REGISTRATIONS
from masking.detect.result import Detected, Hit, resolve_overlaps
from masking.detect.spec import BuildContext
from masking.detect.text import fold_width
from masking.operators import MaskRegistry, default_registry

_DIGIT = re.compile("[0-9]")
DETECTOR_REVISION = "2"  # bump when recognizer code changes what a policy detects


class PiiDetector:
    """Finds PII spans in free text and writes masked or tagged copies of it."""

    def __init__(
        self,
        config: DetectorConfig,
        recognizers: Sequence[SpanRecognizer],
        version: str,
        masks: MaskRegistry | None = None,
    ) -> None:
        self._config = config
        self._recognizers = tuple(recognizers)
        self._version = version
        self._masks = masks or default_registry()
        self._entities = frozenset(e for r in self._recognizers for e in r.supported_entities)
        # Bound methods looked up once: analyze runs per note, and most notes are short.
        self._scans = tuple((r.spans, r.ENTITY, r.NEEDS_DIGIT) for r in self._recognizers)

    @property
    def version(self) -> str:
        """Identifies config + held names, so a cached masked copy can be recognised as stale."""
        return self._version

    def entity_types(self) -> frozenset[str]:
        """Lists the entity types the enabled recognizers can emit."""
        return self._entities

    def analyze(self, text: str, *, held_names: Iterable[str] = ()) -> list[Detected]:
        """Returns non-overlapping spans at or above the threshold, sorted by start.

        `held_names` are names known to belong with this text (the customer whose note it is):
        every occurrence is a CN_PERSON at the held-name score, on top of the dictionary.
        """
        folded = fold_width(text)
        has_digit = _DIGIT.search(folded) is not None
        found: list[Hit] = list(_held_spans(folded, held_names)) if held_names else []
        add = found.append
        for spans, entity, needs_digit in self._scans:
            if needs_digit and not has_digit:
                continue
            # spans() rather than Presidio's analyze(): no RecognizerResult round trip per hit.
            for start, end, score in spans(folded):
                add((start, end, score, entity))
        return resolve_overlaps(found, self._config.threshold)

    def anonymize(
        self, text: str, *, mode: str | None = None, held_names: Iterable[str] = ()
    ) -> str:
        """Replaces every detected span by its display mask ("mask") or `<ENTITY>` ("tag")."""
        chosen = mode or self._config.anonymize_mode
        if chosen not in MODES:
            raise ValueError(f"unknown anonymize mode {chosen!r}; expected one of {sorted(MODES)}")
        pieces: list[str] = []
        position = 0
        for span in self.analyze(text, held_names=held_names):
            pieces.append(text[position : span.start])
            pieces.append(self._replacement(text[span.start : span.end], span.type, chosen))
            position = span.end
        pieces.append(text[position:])
        return "".join(pieces)

    def _replacement(self, value: str, entity: str, mode: str) -> str:
        """Masks one value by its entity's rule; a value the rule cannot shape becomes a tag."""
        if mode == "tag":
            return f"<{entity}>"
        masked = self._masks.mask(self._config.masks[entity], value)
        return f"<{entity}>" if value in masked else masked


def build_detector(
    config: DetectorConfig, *, known_names: Iterable[str] = (), cache_dir: Path | None = None
) -> PiiDetector:
    """Builds every enabled recognizer from the policy, explicitly, in policy order."""
    names = frozenset(n.strip() for n in known_names if n and n.strip())
    context = BuildContext(
        context_before=config.context_before,
        context_after=config.context_after,
        known_names=names,
        cache_dir=cache_dir,
    )
    if any(spec.name in {"cn_person", "cn_address"} for spec in config.recognizers):
        jieba_lexicon(cache_dir)
    recognizers = [REGISTRATIONS[spec.name].build(spec, context) for spec in config.recognizers]
    return PiiDetector(config, recognizers, _version(config, names))


HELD_SCORE = 0.95  # DOMAIN §14.3: a name of the customer the document is linked to


def _held_spans(text: str, names: Iterable[str]) -> Iterable[Hit]:
    """Every occurrence of each held name (two characters or more) in the text."""
    for name in {fold_width(n.strip()) for n in names if n and len(n.strip()) >= 2}:
        start = text.find(name)
        while start >= 0:
            yield (start, start + len(name), HELD_SCORE, "CN_PERSON")
            start = text.find(name, start + len(name))


def _version(config: DetectorConfig, names: frozenset[str]) -> str:
    """Digests the policy, the held names and the code revision into a short stable id."""
    digest = hashlib.sha256(f"{DETECTOR_REVISION}\n{config.digest}\n".encode())
    for name in sorted(names):
        digest.update(name.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:32]
