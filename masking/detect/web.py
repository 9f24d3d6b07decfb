"""Presidio's predefined e-mail, IP, IBAN and credit-card recognizers, made to work beside Chinese.

Each runs with ASCII regex flags so `\\b` and `\\w` treat Han characters as boundaries, behind a
cheap gate so the common note (no '@', no long digit run) costs one search.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import regex
import tldextract
from presidio_analyzer import PatternRecognizer
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
)

from masking.detect.base import Span, SpanRecognizer
from masking.detect.spec import BuildContext, RecognizerConfig, Registration

ASCII_FLAGS = regex.ASCII | regex.DOTALL | regex.MULTILINE | regex.IGNORECASE


@cache
def offline_suffixes() -> tldextract.TLDExtract:
    """Returns a suffix extractor on tldextract's bundled snapshot: no fetch, no cache file."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer, validating domains against the bundled suffix list only."""

    def validate_result(self, pattern_text: str) -> bool:
        """Accepts an address whose domain has a known public suffix."""
        return offline_suffixes()(pattern_text).fqdn != ""


class GatedPresidioRecognizer(SpanRecognizer):
    """Runs one Presidio pattern recognizer's patterns and checks with ASCII flags, gated.

    The patterns, scores, `validate_result` and `invalidate_result` are Presidio's own; only
    `PatternRecognizer.analyze`'s per-match explanation objects and timing (~50 µs a call) go.
    """

    def __init__(
        self,
        spec: RecognizerConfig,
        build: BuildContext,
        inner: PatternRecognizer,
        gate: re.Pattern[str],
        needles: tuple[tuple[str, int], ...],
    ) -> None:
        self.ENTITY = inner.supported_entities[0]
        self.NEEDS_DIGIT = self.ENTITY != "EMAIL_ADDRESS"
        super().__init__(spec, build)
        self.inner = inner
        self.gate = gate
        self.needles = needles
        self.compiled: list[tuple[Any, float]] = [
            (regex.compile(p.regex, ASCII_FLAGS), p.score)
            for p in inner.patterns  # type: ignore[has-type]  # presidio leaves it unannotated
        ]

    def spans(self, text: str) -> Iterator[Span]:
        """Yields Presidio's validated hits inside each gate window, capped at our score."""
        if self.needles and all(text.count(char) < least for char, least in self.needles):
            return
        for window in self.gate.finditer(text):
            offset = window.start()
            for pattern, score in self.compiled:
                for found in pattern.finditer(window.group()):
                    checked = self._check(found.group(), score)
                    if checked > 0.0:
                        yield offset + found.start(), offset + found.end(), checked

    def _check(self, value: str, score: float) -> float:
        """Applies Presidio's validation: True -> full score, False or invalid -> dropped."""
        valid = self.inner.validate_result(value)
        if valid is False or self.inner.invalidate_result(value):
            return 0.0
        return self.scores["valid"] if valid else min(score, self.scores["valid"])


def _gated(
    make: Callable[..., PatternRecognizer],
    entity: str,
    gate: str,
    needles: tuple[tuple[str, int], ...] = (),
) -> Registration:
    """Registers a Presidio recognizer run only on the windows `gate` finds (each a whole hit).

    `needles` are (character, count) pairs; every hit holds at least one of them that often, so
    a C-level `str.count` skips most notes before any pattern runs.
    """
    compiled = re.compile(gate, re.ASCII)

    def build(spec: RecognizerConfig, ctx: BuildContext) -> GatedPresidioRecognizer:
        inner = make(context=list(spec.context) or None, supported_language="zh")
        if make is OfflineEmailRecognizer:
            offline_suffixes()("example.com")  # loads the bundled list now, not on the first note
        return GatedPresidioRecognizer(spec, ctx, inner, compiled, needles)

    return Registration(entities=(entity,), scores={"valid": 0.9}, build=build)  # per policy


EMAIL = _gated(
    OfflineEmailRecognizer,
    "EMAIL_ADDRESS",
    r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+",
    needles=(("@", 1),),
)
IP = _gated(
    IpRecognizer,
    "IP_ADDRESS",
    r"[0-9A-Fa-f:](?:(?<=\d)\d{0,2}\.\d{1,3}\.\d{1,3}\.\d{1,3}"
    r"|[0-9A-Fa-f]{0,3}:[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]*)",
    needles=((".", 3), (":", 2)),
)
IBAN = _gated(IbanRecognizer, "IBAN_CODE", r"[A-Za-z]{2}\d{2}[ A-Za-z0-9]{10,36}")
# Presidio's card pattern starts with 1, 3, 4, 5 or 6; 62/81 UnionPay cards are CN_BANK_CARD's.
CREDIT_CARD = _gated(
    CreditCardRecognizer,
    "CREDIT_CARD",
    r"[13-6](?<!\d.)(?<!\d\..)(?!(?<=6)2)\d{3}(?:[ -]?\d{3,4}){2}[ -]?\d{3,5}"
    r"(?![0-9A-Za-z]|\.\d)",
)
