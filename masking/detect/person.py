"""CN_PERSON without a model (DOMAIN §14.3): held names, trigger words, jieba's name dictionary.

Every Chinese candidate starts at a surname. Held names match exactly; other candidates take one
or two given-name characters, stopping where a dictionary word or a function character begins.
Latin-script names are found when held, or after Mr./Ms./Customer-style triggers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from masking.detect.base import Span, SpanRecognizer
from masking.detect.lexicon import Lexicon, jieba_lexicon, surname_length
from masking.detect.names import KnownNames
from masking.detect.spec import BuildContext, RecognizerConfig, Registration
from masking.detect.surnames import AMBIGUOUS_SURNAMES, STRONG_SURNAMES

_HAN = re.compile(r"[\u4e00-\u9fff]")
# Characters that end a name rather than continue it (客户张伟已来电, 帮我妈杨颖问一下).
_STOP = frozenset(
    "的了是在于和与及或已将把被从向到对为等也都就还又请来去说称表要让给跟同因由所并而问未会"
    "年经代帮替叫喊找打拨办反投讲告需没不很最只才再正可能曾现今昨取存转汇"
    # Function words and everyday verbs that no given name is made of (客户曾用手机).
    "用以使至按比自则即便却更其各另本他你我那之或有看听见走站吃笑住死约共属受带"
    # Forms of address glued to a surname or a name (王总, 李姐, 郭俊姐, 吴娜您好).
    "姐哥总叔姨嫂您老"
)
# A candidate ending in one of these names a place or an organisation, not a person.
_NOT_NAME_ENDINGS = frozenset("省市区县镇乡村路街号楼室行司院局所厅部校店厂处氏")
# What follows a shop or company name that starts with a surname (陈李济药厂, 周大福珠宝).
_ORGANISATION_AFTER = re.compile(
    "药厂|药业|珠宝|公司|集团|银行|支行|分行|医院|大学|学校|酒店|饭店|商场|超市|工厂|科技|实业|有限|"
    "餐厅|门店|专卖|体育|用品|服饰|电器|食品|餐饮|物流|地产|置业|传媒|健康|医药|制药|刀剪|"
    "高科|园区|股份|五金|加工|开发"
)
# A speaker label or a name in parentheses-led role (…｜李雷：…, 2024/4/17 王芳：…, 路杰(理财经理)).
# The pattern opens on the sign itself so `re` can skip ahead; spaces before it are walked back.
_SPEAKER_AFTER = re.compile(r"[:：]|[(（](?=[\u4e00-\u9fff]{2,6}[)）])")
_SPEAKER_BEFORE = frozenset(" \t\n|｜/;；。，,、】]")
_SPEAKER_SIZES = (4, 3, 2)
_BARE_SURNAME = re.compile("|".join(sorted(STRONG_SURNAMES)))
_CAPITALISED = re.compile("[A-Z][a-z]")
_LATIN_WORD = r"[A-Z](?:'[A-Z])?[a-z\u00e0-\u00ff]+"
_LATIN_NAME = rf"({_LATIN_WORD}(?:[ -]{_LATIN_WORD}){{1,2}})(?![A-Za-z])"
# Latin names after a title or role, or before a reporting verb (John Smith called ...). Both
# patterns open with plain characters so `re` can skip ahead; boundaries are checked after.
_LATIN_AFTER_TITLE = re.compile(
    r"(?:Mr|Mrs|Ms|Miss|Dr|Customer|customer|email|客户|联系人|持卡人|英文名|[Tt]his is|name is"
    r"|[Rr]egards,|Thanks,|Thank you,|Sincerely,|Cheers,|[Ss]igned by|[Rr]eferred by|[Cc]olleague"
    r"|I,|(?<=\d) to|[Ff]rom|Dear)\.?\s*"
    rf"{_LATIN_NAME}"
)
_LATIN_BEFORE_VERB = re.compile(
    r"([A-Z](?<![A-Za-z] .)(?<![A-Za-z].)[a-z]+[ -][A-Z][a-z]+)(?![A-Za-z])"
    r"(?= (?:called|calls|works|worked|confirmed|updated|said|asked|requested|reported|visited"
    r"|complained|wants|wanted|lives|lived)\b)"
)
# English phrases before a Chinese name (referred by 王芳); kept out of the policy's context words,
# which are matched case-insensitively in every note and would slow every note down.
_ENGLISH_TRIGGER = re.compile(r"(?:[Rr]eferred|[Ff]ollow-up|[Ss]igned|[Hh]andled) by|[Cc]olleague")
_HONORIFICS = ("先生", "女士", "小姐", "经理", "老师", "阿姨", "师傅", "同志", "主任", "行长")


class PersonRecognizer(SpanRecognizer):
    """Scores name candidates by their strongest signal: held, trigger, dictionary, bare."""

    ENTITY = "CN_PERSON"
    NEEDS_DIGIT = False

    def __init__(self, spec: RecognizerConfig, build: BuildContext) -> None:
        super().__init__(spec, build)
        self.lexicon = jieba_lexicon()
        self.known = KnownNames(build.known_names)
        honorifics = spec.options.get("honorifics", _HONORIFICS)
        self.not_names = frozenset(spec.options.get("not_names", ()))
        lexicon = self.lexicon
        self.blockers = lexicon.words | lexicon.places | self.not_names
        # Any blocker covering a position holds the pair ending or starting there: two look-ups
        # rule out the common case before the full scan.
        self.blocker_pairs = frozenset(
            w[i : i + 2] for w in self.blockers for i in range(len(w) - 1)
        )
        self.honorific = re.compile("|".join(map(re.escape, honorifics)))

    def spans(self, text: str) -> Iterator[Span]:
        """Yields held names, Latin names after triggers, then the best candidate per surname."""
        for start, end in self.known.find(text):
            yield start, end, self.scores["known"]
        if _CAPITALISED.search(text):
            for pattern in (_LATIN_AFTER_TITLE, _LATIN_BEFORE_VERB):
                for found in pattern.finditer(text):
                    yield found.start(1), found.end(1), self.scores["trigger"]
        scored: dict[int, float] = {}
        for start, score in self._starts(text):
            scored[start] = max(score, scored.get(start, 0.0))
        for start, score in scored.items():
            end = self._end(text, start)
            if end:
                yield start, end, self._final_score(text, start, end, score)

    def _starts(self, text: str) -> Iterator[tuple[int, float]]:
        """Yields (surname offset, base score) from triggers, honorifics and bare surnames."""
        for after in self._trigger_ends(text):
            start = _skip_separators(text, after)
            if surname_length(text[start : start + 2]) and not self._everyday(text, start):
                yield start, self.scores["trigger"]
        for found in self.honorific.finditer(text):
            named = self._before_honorific(text, found.start())
            if named is not None:
                yield named, self.scores["trigger"]
        for found in _SPEAKER_AFTER.finditer(text):
            named = self._speaker(text, _skip_back(text, found.start()))
            if named is not None:
                yield named, self.scores["trigger"]
        lexicon = self.lexicon
        for found in _BARE_SURNAME.finditer(text):
            start = found.start()
            if not _given_char(lexicon, text, start + 1):
                continue  # cheap test first: most surname characters here are not names
            if self._bare_ok(text, start) and not self._everyday(text, start):
                yield start, self.scores["bare"]

    def _trigger_ends(self, text: str) -> Iterator[int]:
        """Yields the offset after each trigger word; English ones only in text that has them."""
        yield from self.context_words.occurrences(text)
        if "by" in text or "olleague" in text:
            for found in _ENGLISH_TRIGGER.finditer(text):
                yield found.end()

    def _everyday(self, text: str, start: int) -> bool:
        """Says whether a surname-led run reads as everyday words (客户单位电话, 原手机号)."""
        lexicon = self.lexicon
        given = start + surname_length(text[start : start + 2])
        if _starts_word(lexicon.frequent, text, given) or self.context_words.starts(text, given):
            return True
        if text[start] in AMBIGUOUS_SURNAMES and text[start : start + 2] in lexicon.words:
            return True  # 客户来电: an ambiguous surname that begins a word is that word
        if text[start : start + 2] not in lexicon.frequent:
            return False
        return not _given_char(lexicon, text, start + 2) or _starts_word(
            lexicon.words, text, start + 2
        )

    def _end(self, text: str, start: int) -> int:
        """Returns where the name starting at `start` ends, or 0 when no given name follows."""
        given = start + surname_length(text[start : start + 2])
        lexicon = self.lexicon
        if not _given_char(lexicon, text, given) or _doubled(text, start, given):
            return 0  # 周周宝: a doubled character is a word, not a surname and a name
        if (
            text[start : given + 2] in lexicon.names
            and text[start : given + 1] not in lexicon.names
        ):
            return given + 2
        second = given + 1
        if not _given_char(lexicon, text, second) or _starts_word(lexicon.words, text, second):
            return second
        return given + 2

    def _final_score(self, text: str, start: int, end: int, score: float) -> float:
        """Raises the score for dictionary names and nearby context; vetoes place-like spans."""
        candidate = text[start:end]
        if candidate[-1] in _NOT_NAME_ENDINGS or candidate in self.lexicon.places:
            return 0.0
        if candidate in self.not_names:
            return 0.0
        if _ORGANISATION_AFTER.search(text, start + 1, end + 2):
            return 0.0
        if candidate in self.lexicon.names:
            score = max(score, self.scores["dictionary"])
        if score < self.scores["trigger"] and self.context_words.near(text, start, end):
            score = self.scores["trigger"]
        return score

    def _before_honorific(self, text: str, at: int) -> int | None:
        """Finds the surname of a full name written just before 先生/女士/经理."""
        for size in (4, 3, 2):
            start = at - size
            surname = surname_length(text[start : start + 2]) if start >= 0 else 0
            if (
                surname
                and (size < 4 or surname == 2)
                and self._end(text, start) == at
                and not self.context_words.starts(text, start + surname)
            ):
                return start
        return None

    def _speaker(self, text: str, at: int) -> int | None:
        """Finds a whole name standing alone before a colon: a chat speaker or a signature."""
        for size in _SPEAKER_SIZES:
            start = at - size
            if start < 0 or (start and text[start - 1] not in _SPEAKER_BEFORE):
                continue
            surname = surname_length(text[start : start + 2])
            if (
                surname
                and (size < 4 or surname == 2)
                and self._end(text, start) == at
                and text[start:at] not in self.blockers
                and not self._everyday(text, start)
            ):
                return start
        return None

    def _bare_ok(self, text: str, start: int) -> bool:
        """Rejects a bare surname that ends a word before it or begins a word itself."""
        pairs = self.blocker_pairs
        if (
            text[max(0, start - 1) : start + 1] not in pairs
            and text[start : start + 2] not in pairs
        ):
            return True
        blockers = self.blockers
        for first in range(max(0, start - 2), start + 1):
            for end in range(max(first + 2, start + 1), start + 5):
                if text[first:end] in blockers:
                    return False
        return True


def _given_char(lexicon: Lexicon, text: str, at: int) -> bool:
    """Says whether the character at `at` can be part of a given name."""
    ch = text[at : at + 1]
    return bool(ch) and ch in lexicon.given_chars and ch not in _STOP and _HAN.match(ch) is not None


def _doubled(text: str, start: int, given: int) -> bool:
    """Says whether the surname character is doubled (周周宝), on either side."""
    return text[given] == text[start] or (start > 0 and text[start - 1] == text[start])


def _starts_word(words: frozenset[str], text: str, at: int) -> bool:
    """Says whether one of `words` begins at `at` (张伟|来电), which ends the name before it."""
    return text[at : at + 2] in words or text[at : at + 3] in words


def _skip_back(text: str, at: int) -> int:
    """Walks back over the spaces between a speaker's name and the colon."""
    while at and text[at - 1] in " \t":
        at -= 1
    return at


def _skip_separators(text: str, at: int) -> int:
    """Skips the colon or space between a trigger word and the name."""
    while at < len(text) and text[at] in ":： \t":
        at += 1
    return at


def _person(spec: RecognizerConfig, build: BuildContext) -> PersonRecognizer:
    return PersonRecognizer(spec, build)


PERSON = Registration(
    entities=("CN_PERSON",),
    scores={"known": 0.95, "trigger": 0.85, "dictionary": 0.75, "bare": 0.55},
    build=_person,
    options=frozenset({"honorifics", "not_names"}),
)
