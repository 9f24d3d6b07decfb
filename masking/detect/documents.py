"""Passports and travel permits (context only: no public checksum) and licence plates (GA 36)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from masking.detect.base import Span, SpanRecognizer
from masking.detect.spec import BuildContext, RecognizerConfig, Registration

# PRC, HKSAR and MSAR passports, 往来港澳通行证 (C/W), 回乡证 (H/M), 大陆居民往来台湾通行证 (L)
# (DOMAIN §13.7). 台胞证 (8 bare digits) is left out: alone it is any eight-digit number.
# The first character is matched before the look-behind so `re` can skip ahead to candidates.
_PASSPORT = re.compile(
    r"[EKGDSPHCWLM1](?<![0-9A-Za-z].)"
    r"(?:(?<=[EKGDSPHCWLM])\d{8}|(?<=E)[A-HJ-NP-Z]\d{7}|(?<=[DSP])E\d{7}|(?<=K)J\d{7}"
    r"|(?<=M)[AB]\d{7}|(?<=1)[45]\d{7})(?![0-9A-Za-z])",
    re.ASCII,
)
# English sentences put more words between the document and its number ("passport number is
# E12345678"): the English context words are sought in a wider window before the number.
_ENGLISH_CONTEXT = re.compile(r"passport|travel permit|permit (?:no|number)", re.IGNORECASE)
_ENGLISH_WINDOW = 32
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"[{_PROVINCES}][A-HJ-NP-Z][ ·•]?"
    r"(?:[DABCEFGHJK][A-HJ-NP-Z0-9]\d{4}|\d{5}[DABCEFGHJK]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳])"
    r"(?![A-Za-z0-9])"
)


class PassportRecognizer(SpanRecognizer):
    """CN_PASSPORT: passport and permit numbers, trusted only next to a context word."""

    ENTITY = "CN_PASSPORT"

    def spans(self, text: str) -> Iterator[Span]:
        """Yields document-number shapes, scored by the presence of context."""
        for found in _PASSPORT.finditer(text):
            start, end = found.span()
            score = self.with_context(text, start, end, "plain", "context")
            if score < self.scores["context"] and _ENGLISH_CONTEXT.search(
                text, max(0, start - _ENGLISH_WINDOW), start
            ):
                score = self.scores["context"]
            yield start, end, score


class PlateRecognizer(SpanRecognizer):
    """CN_PLATE: ordinary and new-energy licence plates."""

    ENTITY = "CN_PLATE"

    def spans(self, text: str) -> Iterator[Span]:
        """Yields plate shapes; the province character makes them specific enough alone."""
        for found in _PLATE.finditer(text):
            start, end = found.span()
            if _has_digit(found.group()):
                yield start, end, self.with_context(text, start, end, "plain", "context")


def _has_digit(plate: str) -> bool:
    """Rejects letter-only runs such as 京ABCDE, which are more often codes than plates."""
    return any(ch.isdigit() for ch in plate)


def _passport(spec: RecognizerConfig, build: BuildContext) -> PassportRecognizer:
    return PassportRecognizer(spec, build)


def _plate(spec: RecognizerConfig, build: BuildContext) -> PlateRecognizer:
    return PlateRecognizer(spec, build)


PASSPORT = Registration(
    entities=("CN_PASSPORT",), scores={"plain": 0.4, "context": 0.8}, build=_passport
)
PLATE = Registration(entities=("CN_PLATE",), scores={"plain": 0.7, "context": 0.85}, build=_plate)
