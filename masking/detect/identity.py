"""Resident IDs (GB 11643, 18 and legacy 15 digits) and unified social credit codes (GB 32100)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from masking.detect.base import Span, SpanRecognizer
from masking.detect.spec import BuildContext, RecognizerConfig, Registration
from masking.formats import cn_id_15_to_18, is_valid_cn_resident_id, is_valid_uscc

_DATE = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
# Look-arounds, not \b: \b does not separate CJK characters from digits (DOMAIN §13). Each
# pattern opens with a character class and checks the character before it afterwards
# (`(?<!X.)`): a leading look-behind would stop `re` from skipping ahead to candidates.
_ID18 = re.compile(
    rf"[1-9](?<![0-9A-Za-z].)\d{{5}}[ -]?{_DATE}[ -]?\d{{3}}[\dXx](?![0-9A-Za-z])", re.ASCII
)
_ID15 = re.compile(
    r"[1-9](?<![0-9A-Za-z].)\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])",
    re.ASCII,
)
_USCC = re.compile(
    r"[0-9A-HJ-NPQRTUWXY](?<![0-9A-Za-z].)[0-9A-HJ-NPQRTUWXY]\d{6}[0-9A-HJ-NPQRTUWXY]{10}"
    r"(?![0-9A-Za-z])",
    re.ASCII | re.IGNORECASE,
)
_SEPARATORS = str.maketrans("", "", " -")


class ResidentIdRecognizer(SpanRecognizer):
    """CN_RESIDENT_ID: 18 characters with a valid check; the 15-digit form only with context."""

    ENTITY = "CN_RESIDENT_ID"

    def spans(self, text: str) -> Iterator[Span]:
        """Yields checksum-valid 18-character IDs, then context-backed legacy ones."""
        for found in _ID18.finditer(text):
            if is_valid_cn_resident_id(found.group().translate(_SEPARATORS).upper()):
                yield found.start(), found.end(), self.scores["valid"]
        for found in _ID15.finditer(text):
            if _legacy_date_ok(found.group()):
                yield (
                    found.start(),
                    found.end(),
                    self.with_context(text, found.start(), found.end(), "legacy", "legacy_context"),
                )


def _legacy_date_ok(number: str) -> bool:
    """Checks a 15-digit ID's birth date by converting it to the 18-character form."""
    return is_valid_cn_resident_id(cn_id_15_to_18(number))


class UsccRecognizer(SpanRecognizer):
    """CN_USCC: 18 symbols whose GB 32100 check character is right."""

    ENTITY = "CN_USCC"

    def spans(self, text: str) -> Iterator[Span]:
        """Yields checksum-valid codes; the check rejects random 18-character tokens."""
        for found in _USCC.finditer(text):
            code = found.group().upper()
            if not is_valid_uscc(code):
                continue
            start, end = found.span()
            # One random 18-digit string in 31 passes the check: an ID-shaped one needs context.
            if _ID18.fullmatch(code) and not self.context_words.near(text, start, end):
                continue
            yield start, end, self.scores["valid"]


def _resident_id(spec: RecognizerConfig, build: BuildContext) -> ResidentIdRecognizer:
    return ResidentIdRecognizer(spec, build)


def _uscc(spec: RecognizerConfig, build: BuildContext) -> UsccRecognizer:
    return UsccRecognizer(spec, build)


RESIDENT_ID = Registration(
    entities=("CN_RESIDENT_ID",),
    scores={"valid": 1.0, "legacy": 0.3, "legacy_context": 0.85},
    build=_resident_id,
)
USCC = Registration(entities=("CN_USCC",), scores={"valid": 1.0}, build=_uscc)
