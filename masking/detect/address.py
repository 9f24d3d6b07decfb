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
# A village address counts its group first (东升村3组12号); a group alone also ends one.
_NUMBER = rf"(?:[{_NUM}]{{1,4}}组)?[{_NUM}]{{1,8}}(?:号|弄|巷)|[{_NUM}]{{1,4}}组"
# An estate (翠苑一区, 锦绣华庭, 万科城) counts when a building number follows it, or when it
# ends the address (…18号阳光花园。): an estate suffix followed by punctuation, Latin or a particle.
_ESTATE_END = (
    "小区|花园|家园|公寓|大厦|华庭|新城|新村|山庄|广场|中心|城|苑|园|里|庭|府|邸|居|阁|湾|墅|区|村"
)
_ESTATE = (
    rf"(?:院|[{_HAN}]{{1,8}}?(?:{_ESTATE_END})"
    rf"(?=[^{_HAN}]|$|[吗呢吧啊的]))?"
)
# A room number may follow a building or unit bare (5号楼1506).
_UNIT = (
    rf"{_ESTATE}(?:[{_NUM}]{{1,6}}(?:号楼|栋|幢|座|单元|室|层|楼|号|户|组))*"
    r"(?:(?<=[楼栋幢座元])[0-9]{3,4}(?![0-9A-Za-z]))?"
)
# Words between a context word and the address (地址是…, 住址变更为…), kept out of the span.
_LEAD = r"(?:[:：\s]|址|还是|是|为|在|变更为|更新为|改为)*"
# Every division name ends in one of these; scanning for them is far cheaper than a dictionary
# automaton over the whole text (pyahocorasick costs ~0.3 µs per character).
_SUFFIX = re.compile("[省市区县旗盟州]")
_UPPER_SUFFIXES = ("特别行政区", "自治区", "省", "市")
_LONGEST_UPPER = 8
_SHORT_DIVISION = 2
_LEAD_CHARS = frozenset("是在住于为址到")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_HAN_RUN = re.compile(f"[{_HAN}]+")
# A numbered road is preferred to the first road ending (中关村|大街1号 reads on to the number).
_TAIL = re.compile(rf"{_TOWN}(?:{_ROAD}(?P<number>(?:{_NUMBER}){_UNIT})|{_ROAD})")
_BARE_STREET = re.compile(rf"{_LEAD}({_BARE_ROAD}(?:{_NUMBER}){_UNIT})")


class AddressRecognizer(SpanRecognizer):
    """Finds division chains (省/市/区...) and the road after them; scores by number, context."""

    ENTITY = "CN_ADDRESS"
    NEEDS_DIGIT = False

    def __init__(self, spec: RecognizerConfig, build: BuildContext) -> None:
        super().__init__(spec, build)
        lexicon = jieba_lexicon()
        self.divisions = lexicon.divisions
        self.longest = max(map(len, self.divisions), default=0)
        # Provinces and cities are often written without 省/市 (江西南昌东湖区): their stems
        # extend a chain backwards, never start one.
        self.upper = self.divisions | frozenset(
            stem
            for d in self.divisions
            if d.endswith(_UPPER_SUFFIXES) and len(stem := _stem(d)) >= 2
        )

    def spans(self, text: str) -> Iterator[Span]:
        """Yields anchored addresses, then context-led addresses that lack a division."""
        covered_to = -1
        anchored: list[tuple[int, int]] = []
        for start, chain_end in self._chains(text):
            if start < covered_to:
                continue
            tail = _TAIL.match(text, chain_end)
            if tail is None:
                continue
            start = self._extend_back(text, start, chain_end)
            end = tail.end()
            plain = "street" if tail.group("number") is None else "numbered"
            covered_to = end
            anchored.append((start, end))
            yield start, end, self.with_context(text, start, end, plain, "context")
        for start, end, score in self._bare_streets(text):
            if all(end <= s or e <= start for s, e in anchored):
                yield start, end, score

    def _extend_back(self, text: str, start: int, chain_end: int) -> int:
        """Moves the start over suffix-less provinces and cities written before the chain.

        A one-character district stem matched inside a longer, newer district name (姑苏区 read
        as 苏区) takes the one or two characters before it when a province or city precedes them,
        or when they follow punctuation (，观山湖区...).
        """
        extended = self._upper_before(text, start)
        if extended == start and chain_end - start <= _SHORT_DIVISION:
            for size in (1, 2):
                head = start - size
                if head < 0 or not _HAN_RUN.fullmatch(text, head, start):
                    break
                before = self._upper_before(text, head)
                if before < head or _opens(text, head):
                    return before
        return extended

    def _upper_before(self, text: str, start: int) -> int:
        """Returns the start of the run of province/city names ending at `start`."""
        moved = True
        while moved:
            moved = False
            for size in range(min(_LONGEST_UPPER, start), 1, -1):
                if text[start - size : start] in self.upper:
                    start -= size
                    moved = True
                    break
        return start

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


def _opens(text: str, at: int) -> bool:
    """Says whether an address may open at `at`: after punctuation or a lead word (还是, 住)."""
    return at == 0 or not _HAN_CHAR.match(text, at - 1) or text[at - 1] in _LEAD_CHARS


def _stem(division: str) -> str:
    """Drops the administrative suffix of a division name."""
    for suffix in _UPPER_SUFFIXES:
        if division.endswith(suffix):
            return division[: -len(suffix)]
    return division


def _address(spec: RecognizerConfig, build: BuildContext) -> AddressRecognizer:
    return AddressRecognizer(spec, build)


ADDRESS = Registration(
    entities=("CN_ADDRESS",),
    scores={"numbered": 0.85, "street": 0.6, "context": 0.9, "street_context": 0.7},
    build=_address,
)
