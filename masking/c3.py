"""The C3 guard: finds card codes, card expiry, PINs, passwords, one-time codes and track data.

JR/T 0171 C3 data must never be stored (DOMAIN.md §3.1), so any value or free text that carries
it is refused whole. Every pattern is anchored on a keyword or on the track-data layout, which
keeps the guard cheap enough to run over every field of a bulk ingest; callers learn the kind
found and where, never the value.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class C3Kind(StrEnum):
    """A kind of C3 data; the value is the phrase errors and summaries use."""

    CVN = "card verification code"
    CARD_EXPIRY = "card expiry"
    PIN = "PIN"
    PASSWORD = "password"  # noqa: S105 - the name of a kind, not a secret
    OTP = "one-time code"
    TRACK = "track data"
    SECURITY_ANSWER = "security answer"


REFUSAL = "C3 data refused"
_SEP = r"[\s:：=＝,，]*(?:(?:是|为|為|is)[\s:：]*)?"
_NOT_DIGIT_BEFORE = r"(?<![0-9A-Za-z])"
_PATTERNS: tuple[tuple[C3Kind, str], ...] = (
    (
        C3Kind.TRACK,
        r"%B\d{12,19}\^[^^\n]{2,26}\^\d{4}"  # track 1: %B PAN ^ NAME ^ YYMM
        r"|;?(?<!\d)\d{12,19}[=D]\d{4}\d{3,}\??",  # track 2: ;PAN=YYMM service code ...
    ),
    (
        C3Kind.CVN,
        r"(?:(?<![A-Za-z])(?:CVN|CVV|CVC|CID|CSC)2?(?![A-Za-z])|安全码|卡片?验证码|验证值"
        r"|背面(?:后?三位|的?三位数?)|卡背(?:面)?(?:后?三位)?)" + _SEP + r"\d{3,4}(?!\d)",
    ),
    (
        C3Kind.CARD_EXPIRY,
        r"(?:(?:卡片?|信用卡|借记卡)[^。；;\n]{0,8}有效期(?:至|到)?|有效期(?:至|到)?"
        r"|(?<![A-Za-z])(?:exp(?:iry|iration)?(?:\s*date)?|valid\s*thru|good\s*thru)(?![A-Za-z]))"
        + _SEP
        + r"(?:0[1-9]|1[0-2])\s*[/／-]\s*(?:20)?\d{2}(?![\d/／-])",
    ),
    (
        C3Kind.OTP,
        r"(?:短信验证码|验证码|校验码|动态码|动态口令|动态密码|一次性密码"
        r"|(?<![A-Za-z])(?:OTP|one[-\s]time\s*(?:pass)?(?:code|password)|verification\s*code)"
        r"(?![A-Za-z]))" + _SEP + r"\d{4,8}(?!\d)",
    ),
    (
        C3Kind.PIN,
        r"(?:(?<![A-Za-z])PIN(?:\s*code)?(?![A-Za-z])|取款密码|银行卡密码|卡密码|支付密码"
        r"|交易密码)" + _SEP + r"\d{4,8}(?!\d)",
    ),
    (
        C3Kind.PASSWORD,
        r"(?:登录密码|查询密码|网银密码|密码|口令|(?<![A-Za-z])(?:password|passwd|pwd)(?![A-Za-z]))"
        r"(?:(?:\s*[:：=＝]\s*|\s*(?:是|为|為|is)[\s:：]*)[A-Za-z0-9!@#$%^&*_.+\-]{4,64}"
        r"|\s*\d{4,8}(?!\d))",
    ),
    (
        C3Kind.SECURITY_ANSWER,
        r"(?:密保答案|密码提示答案|安全问题答案|security\s*answer)[\s:：=＝]+[^\s\x00]+",
    ),
)
_KIND_BY_GROUP = {f"k{i}": kind for i, (kind, _) in enumerate(_PATTERNS)}
_GUARD = re.compile(
    "|".join(f"(?P<k{i}>{pattern})" for i, (_, pattern) in enumerate(_PATTERNS)), re.IGNORECASE
)
# Every pattern needs one of these (lower-cased); a text without any is clean, which spares
# most notes the full scan. Substring tests beat one big alternation by an order of magnitude.
_KEYWORDS = (
    "cvn", "cvv", "cvc", "cid", "csc", "安全码", "验证", "背面", "卡背", "有效期", "exp", "thru",
    "码", "令", "pin", "密", "pass", "pwd", "答案", "answer", "otp", "code", "=", "^", "d",
)  # fmt: skip
_WIDE = re.compile("[\uff01-\uff5e\u3000]")


def _suspect(text: str) -> bool:
    low = text.lower()
    return any(keyword in low for keyword in _KEYWORDS)


@dataclass(frozen=True, slots=True)
class C3Hit:
    """Where C3 data was found: its kind and character offsets, never the text."""

    kind: C3Kind
    start: int
    end: int


class C3DataRefused(ValueError):
    """Input carried C3 data; names the kinds (and field) found, never the value."""

    def __init__(self, kinds: Iterable[C3Kind], field: str | None = None) -> None:
        self.kinds = tuple(sorted(set(kinds)))
        self.field = field
        where = f" in {field}" if field else ""
        super().__init__(f"{REFUSAL}: {', '.join(self.kinds)}{where}")


# Full-width ASCII (U+FF01-FF5E) and the ideographic space fold one-to-one, keeping offsets.
_FOLD = str.maketrans({**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}, "\u3000": " "})


def find_c3(text: str) -> list[C3Hit]:
    """Lists every C3 hit in `text`, in order of position."""
    scanned = text.translate(_FOLD) if _WIDE.search(text) else text
    if not _suspect(scanned):
        return []
    hits = []
    for match in _GUARD.finditer(scanned):
        kind = _KIND_BY_GROUP[match.lastgroup or ""]
        hits.append(C3Hit(kind, match.start(), match.end()))
    return hits


def c3_kinds(text: str) -> frozenset[C3Kind]:
    """Names the kinds of C3 data in `text` (empty when clean)."""
    return frozenset(hit.kind for hit in find_c3(text))


def refuse_c3(fields: Mapping[str, str]) -> None:
    """Raises C3DataRefused naming the first field whose value carries C3 data."""
    for name, value in fields.items():
        kinds = c3_kinds(value) if isinstance(value, str) else frozenset()
        if kinds:
            raise C3DataRefused(kinds, name)


def refusal_reason(kinds: Iterable[C3Kind]) -> str:
    """The row-error reason for refused C3 data: `C3 data refused: card verification code`."""
    return f"{REFUSAL}: {', '.join(sorted(set(kinds)))}"


def c3_fields(fields: Mapping[str, object]) -> dict[str, frozenset[C3Kind]]:
    """Maps each text field carrying C3 data to the kinds found, scanning the record once."""
    names = [name for name, value in fields.items() if isinstance(value, str) and value]
    joined = "\n\x00\n".join(str(fields[name]) for name in names)  # no pattern spans NUL
    hits = find_c3(joined)
    if not hits:
        return {}
    found: dict[str, set[C3Kind]] = {}
    ends, offset = [], 0
    for name in names:
        offset += len(str(fields[name]))
        ends.append(offset)
        offset += 3
    for hit in hits:
        name = names[_owner(ends, hit.start)]
        found.setdefault(name, set()).add(hit.kind)
    return {name: frozenset(kinds) for name, kinds in found.items()}


def _owner(ends: list[int], position: int) -> int:
    return bisect.bisect_right(ends, position)
