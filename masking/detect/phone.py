"""Mainland mobiles (DOMAIN §13.3), landlines (§13.4) and Presidio's phone recognizer, fenced in."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from masking.detect.base import Span, SpanRecognizer
from masking.detect.spec import BuildContext, RecognizerConfig, Registration
from masking.formats import is_valid_cn_mobile

# Patterns open with a plain character and check what precedes it afterwards: a leading
# look-behind would stop `re` from skipping ahead to candidates (3-5x slower on Chinese text).
_MOBILE = re.compile(r"1(?:(?<![\d+].)|(?<=86.))(\d{2})[ -]?(\d{4})[ -]?(\d{4})(?!\d)", re.ASCII)
# A country prefix written before a mobile: +86, 0086, 86 or (+86), then an optional gap.
_MOBILE_PREFIX = re.compile(r"(?:(?<![\d+])(?:\+|00)?86|\(\+?86\))[ -]?$", re.ASCII)
_GLUED = re.compile(r"[\d+]")
# Trunk 0 + area code (010, 02X, or 0 + 3 digits) + 7-8 digit local number, optional extension.
_LANDLINE = re.compile(
    r"0(?<![\d+].)(10|2\d|[3-9]\d{2})[)）]?([ -]?)(\d{3,4})[ -]?(\d{4})"
    r"(?:(?:-|转|分机)\d{1,6})?(?!\d)",
    re.ASCII,
)
# Gate for libphonenumber (1-3 ms per call): an international number other than +86, which the
# CN recognizers cover, or a North-American 3-3-4 grouping. Bare digit runs never reach it.
_PHONE_RUN = re.compile(r"[+(\d](?<![\w+].)[\d ().\-]{8,20}\d(?!\w)", re.ASCII)
_PHONE_SHAPE = re.compile(
    r"(?:\+|00)(?!86)[1-9].*|\(?(?!8(\d)\1|[48]00)\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}",
    re.ASCII | re.DOTALL,
)


class MobileRecognizer(SpanRecognizer):
    """CN_MOBILE: 11 digits with an allocated prefix; optional +86/0086 and 3-4-4 spacing."""

    ENTITY = "CN_MOBILE"

    def spans(self, text: str) -> Iterator[Span]:
        """Yields numbers whose prefix libphonenumber's CN mobile table allocates."""
        for found in _MOBILE.finditer(text):
            if not is_valid_cn_mobile("1" + "".join(found.groups())):
                continue
            start, end = found.span()
            prefix = _MOBILE_PREFIX.search(text, max(0, start - 7), start)
            if prefix is not None:
                start = prefix.start()
            elif start and _GLUED.match(text, start - 1):
                continue
            yield start, end, self.with_context(text, start, end, "plain", "context")


class LandlineRecognizer(SpanRecognizer):
    """CN_LANDLINE: trunk 0 + area code + local number, validated by libphonenumber.

    400/800 service numbers have no trunk 0, so they never match; they are not personal data.
    """

    ENTITY = "CN_LANDLINE"

    def spans(self, text: str) -> Iterator[Span]:
        """Yields valid fixed-line numbers; unseparated ones need context to pass."""
        for found in _LANDLINE.finditer(text):
            area, gap, head, tail = found.groups()
            if not _fixed_line_ok(area + head + tail):
                continue
            start, end = found.span()
            if start and text[start - 1] in "(（":
                start -= 1
            plain = "separated" if gap or text[start] in "(（" else "plain"
            yield start, end, self.with_context(text, start, end, plain, "context")


def _fixed_line_ok(national: str) -> bool:
    """Asks libphonenumber whether an area code + local number is a valid CN fixed line."""
    number = phonenumbers.PhoneNumber(country_code=86, national_number=int(national))
    kind = phonenumbers.number_type(number)
    return phonenumbers.is_valid_number(number) and kind in _FIXED


_FIXED = frozenset(
    {phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


class GatedPhoneRecognizer(SpanRecognizer):
    """PHONE_NUMBER: Presidio's libphonenumber recognizer, run only on phone-like digit runs."""

    ENTITY = "PHONE_NUMBER"

    def __init__(self, spec: RecognizerConfig, build: BuildContext) -> None:
        super().__init__(spec, build)
        regions = tuple(spec.options.get("regions", ("US",)))
        self.inner = PhoneRecognizer(supported_regions=regions, context=list(spec.context))

    def spans(self, text: str) -> Iterator[Span]:
        """Yields libphonenumber matches found inside each gated window."""
        for window in _PHONE_RUN.finditer(text):
            if not _PHONE_SHAPE.fullmatch(window.group()):
                continue
            offset = window.start()
            for hit in self.inner.analyze(window.group(), ["PHONE_NUMBER"]):
                start, end = offset + hit.start, offset + hit.end
                yield start, end, self.with_context(text, start, end, "plain", "context")


def _mobile(spec: RecognizerConfig, build: BuildContext) -> MobileRecognizer:
    return MobileRecognizer(spec, build)


def _landline(spec: RecognizerConfig, build: BuildContext) -> LandlineRecognizer:
    return LandlineRecognizer(spec, build)


def _phone(spec: RecognizerConfig, build: BuildContext) -> GatedPhoneRecognizer:
    return GatedPhoneRecognizer(spec, build)


MOBILE = Registration(
    entities=("CN_MOBILE",), scores={"plain": 0.85, "context": 0.95}, build=_mobile
)
LANDLINE = Registration(
    entities=("CN_LANDLINE",),
    scores={"plain": 0.4, "separated": 0.6, "context": 0.8},
    build=_landline,
)
PHONE = Registration(
    entities=("PHONE_NUMBER",),
    scores={"plain": 0.5, "context": 0.7},
    build=_phone,
    options=frozenset({"regions"}),
)
