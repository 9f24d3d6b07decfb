"""Bank cards: UnionPay numbers with Luhn (DOMAIN §13.5) and Presidio's credit-card recognizer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from masking.detect.base import Span, SpanRecognizer
from masking.detect.spec import BuildContext, RecognizerConfig, Registration
from masking.formats import luhn_ok

# 16-19 digits, unbroken or in groups of four (6222 0212 3456 7890 128).
_CARD = re.compile(
    r"\d(?<!\d.)(?<!\d\..)(?:\d{15,18}|\d{3}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?!\d|\.\d)", re.ASCII
)
_UNIONPAY = re.compile(r"62|81")
_SEPARATORS = str.maketrans("", "", " -")
_ID_SHAPED = re.compile(r"\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]")


class BankCardRecognizer(SpanRecognizer):
    """CN_BANK_CARD: UnionPay prefix + Luhn is enough; anything weaker needs a context word."""

    ENTITY = "CN_BANK_CARD"

    def spans(self, text: str) -> Iterator[Span]:
        """Yields card-length digit runs scored by prefix, Luhn and context."""
        for found in _CARD.finditer(text):
            digits = found.group().translate(_SEPARATORS)
            if not 16 <= len(digits) <= 19:
                continue
            start, end = found.span()
            score = self._score(text, start, end, digits)
            if score > 0.0:
                yield start, end, score

    def _score(self, text: str, start: int, end: int, digits: str) -> float:
        """Scores one candidate by DOMAIN §14.4: prefix and Luhn, else context."""
        unionpay = _UNIONPAY.match(digits) is not None
        valid = luhn_ok(digits)
        # 620102… is also a Gansu resident ID prefix: an ID-shaped number needs a card word.
        if unionpay and valid and not _ID_SHAPED.fullmatch(digits):
            return self.scores["unionpay_luhn"]
        if not self.context_words.near(text, start, end):
            return 0.0
        if valid:
            return self.scores["luhn_context"]
        return self.scores["unionpay_context"] if unionpay else 0.0


def _card(spec: RecognizerConfig, build: BuildContext) -> BankCardRecognizer:
    return BankCardRecognizer(spec, build)


BANK_CARD = Registration(
    entities=("CN_BANK_CARD",),
    scores={"unionpay_luhn": 0.95, "luhn_context": 0.8, "unionpay_context": 0.6},
    build=_card,
)
