"""CN_ADDRESS: an administrative-division anchor from jieba's dictionary plus a street tail (§13.9).

The span starts at the first division name, so trigger words such as 家住 stay outside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from masking.detect.base import Span, SpanRecognizer
from masking.detect.lexicon import jieba_lexicon
from masking.detect.spec import BuildContext, RecognizerConfig, Registration

_HAN = r"\u4e00-\u9fff"
_NUM = r"0-9A-Za-z一二三四五六七八九十百零〇\-"
_TOWN = rf"(?:[{_HAN}]{{1,8}}?(?:街道|镇|乡|开发区|新区|工业园))?"
_ROAD_END = "(?:大道|大街|路|街|巷|弄|胡同|里|村|组|社区|小区|花园|公寓|大厦)"
# The road name may be empty after a division that names it (兴安盟|路), never when bare.
_ROAD = rf"[{_HAN}0-9A-Za-z]{{0,12}}?{_ROAD_END}"
_BARE_ROAD = rf"[{_HAN}0-9A-Za-z]{{1,12}}?{_ROAD_END}"
_NUMBER = rf"[{_NUM}]{{1,8}}(?:号|弄|巷)"
# An estate (翠苑一区, 锦绣华庭, 万科城) counts only when a building number follows it.
_ESTATE = (
    rf"(?:院|[{_HAN}]{{1,8}}(?:小区|花园|家园|公寓|大厦|华庭|新城|城|苑|园|里|庭|府|居|阁|区|村"
    rf"|广场|中心)(?=[0-9]))?"
)
_UNIT = rf"{_ESTATE}(?:[{_NUM}]{{1,6}}(?:号楼|栋|幢|座|单元|室|层|楼|号|户|组))*"
# Words between a context word and the address (地址是…, 住址变更为…), kept out of the span.
_LEAD = r"(?:[:：\s]|是|为|在|变更为|更新为|改为)*"
# Every division name ends in one of these; scanning for them is far cheaper than a dictionary
# automaton over the whole text (pyahocorasick costs ~0.3 µs per character).
_SUFFIX = re.compile("[省市区县旗盟州]")
_TAIL = re.compile(rf"{_TOWN}(?:{_ROAD})(?P<number>{_NUMBER}{_UNIT})?")
_BARE_STREET = re.compile(rf"{_LEAD}({_BARE_ROAD}{_NUMBER}{_UNIT})")


class AddressRecognizer(SpanRecognizer):
    """Finds division chains (省/市/区...) and the road after them; scores by number, context."""

    ENTITY = "CN_ADDRESS"
    NEEDS_DIGIT = False

    def __init__(self, spec: RecognizerConfig, build: BuildContext) -> None:
        super().__init__(spec, build)
        self.divisions = jieba_lexicon().divisions
        self.longest = max(map(len, self.divisions), default=0)

    def spans(self, text: str) -> Iterator[Span]:
        """Yields anchored addresses, then context-led addresses that lack a division."""
        covered_to = -1
        for start, chain_end in self._chains(text):
            if start < covered_to:
                continue
            tail = _TAIL.match(text, chain_end)
            if tail is None:
                continue
            end = tail.end()
            plain = "street" if tail.group("number") is None else "numbered"
            covered_to = end
            yield start, end, self.with_context(text, start, end, plain, "context")
        yield from self._bare_streets(text)

    def _divisions(self, text: str) -> Iterator[tuple[int, int]]:
        """Yields (start, end) of the longest division name ending at each suffix character."""
        for suffix in _SUFFIX.finditer(text):
            end = suffix.end()
            for size in range(min(self.longest, end), 1, -1):
                if text[end - size : end] in self.divisions:
                    yield end - size, end
                    break

    def _chains(self, text: str) -> Iterator[tuple[int, int]]:
        """Yields (start, end) of runs of adjacent division names (安徽省合肥市蜀山区)."""
        hits = self._divisions(text)
        chain: tuple[int, int] | None = None
        for start, end in hits:
            if chain is not None and start <= chain[1]:
                chain = (chain[0], max(chain[1], end))
                continue
            if chain is not None:
                yield chain
            chain = (start, end)
        if chain is not None:
            yield chain

    def _bare_streets(self, text: str) -> Iterator[Span]:
        """Yields street + number right after a context word (家住中关村大街1号)."""
        for word in self.context_words.occurrences(text):
            found = _BARE_STREET.match(text, word)
            if found is not None:
                yield found.start(1), found.end(1), self.scores["street_context"]


def _address(spec: RecognizerConfig, build: BuildContext) -> AddressRecognizer:
    return AddressRecognizer(spec, build)


ADDRESS = Registration(
    entities=("CN_ADDRESS",),
    scores={"numbered": 0.85, "street": 0.6, "context": 0.9, "street_context": 0.7},
    build=_address,
)
