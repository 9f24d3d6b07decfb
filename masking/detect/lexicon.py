"""Word lists read from jieba's bundled dictionary (offline): names, places, divisions, words.

jieba's segmenter is too slow to run over whole notes (~0.3 MB/s), so its dictionary is used
directly: as Aho–Corasick patterns and as set look-ups around candidates.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

from masking.detect.surnames import COMPOUND_SURNAMES, SINGLE_SURNAMES

DIVISION_SUFFIXES = ("自治区", "自治州", "自治县", "特别行政区", "省", "市", "区", "县", "旗", "盟")
# Generic zones that end like a division but name no place.
_NOT_DIVISIONS = frozenset(
    {
        "开发区",
        "工业区",
        "风景区",
        "保护区",
        "示范区",
        "试验区",
        "实验区",
        "商业区",
        "住宅区",
        "生活区",
        "居民区",
        "新城区",
        "老城区",
        "中心区",
        "核心区",
        "城市",
        "都市",
        "城区",
        "郊区",
        "市区",
        "辖区",
        "园区",
        "景区",
        "社区",
        "小区",
        "地区",
        "山区",
        "灾区",
        "牧区",
        "林区",
        "矿区",
        "特区",
        "学区",
        "校区",
        "病区",
        "禁区",
        "误区",
        "盲区",
        "雷区",
        "分区",
        "片区",
        "专区",
        "街区",
        "新区",
        "本市",
        "该市",
        "全市",
        "全省",
        "本省",
        "该省",
        "外省",
        "全县",
        "本县",
        "该县",
        "上市",
        "股市",
        "超市",
        "菜市",
        "夜市",
        "黑市",
        "楼市",
        "车市",
        "集市",
        "门市",
        "开市",
        "收市",
    }
)
# jieba tags places (陆良县), temples (王母宫) and transliterations (卢萨卡) as names too.
_NOT_NAME_ENDINGS = frozenset("县镇乡村市省区山河湖江海港宫庙寺殿楼阁桥路街巷州城岛湾汤丸散膏庄店")
_FOREIGN = frozenset("斯尔夫顿卡萨克姆特")
_NAME_TAGS = frozenset({"nr", "nrfg"})
_PLACE_TAGS = frozenset({"ns", "nt"})
_COMMON_WORD_FREQ = 20
# jieba tags many everyday two-character words as names (阳光 nr 3451, 齐全 nr 1417, 明白 nr
# 10875); a real two-character name is rarely that frequent in its corpus.
_EVERYDAY_NAME_FREQ = 700
_GIVEN_CHAR_MIN = 1
_FREQUENT = 1000
_MODERN_GIVEN = frozenset("萱涵梓轩睿昊浩宇欣怡妍琪瑶璇诗雨彤馨悦晨曦铭泽熙瑾桐墨")
# Everyday word classes: a given name never starts with a frequent noun/verb (客户|原手机).
_EVERYDAY_TAGS = frozenset({"n", "v", "vn", "a", "d", "r", "p", "c", "u", "f", "t", "m", "q", "l"})


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Derived word sets; built once per process because reading the dictionary takes ~0.5 s."""

    names: frozenset[str]
    places: frozenset[str]
    divisions: frozenset[str]
    words: frozenset[str]
    given_chars: frozenset[str]
    frequent: frozenset[str]


def jieba_lexicon(cache_dir: Path | None = None) -> Lexicon:
    """Returns the process-wide lexicon, from `cache_dir` when a current copy is there."""
    global _LOADED  # one lexicon per process, built on first use
    if _LOADED is None:
        _LOADED = _load_cached(cache_dir) if cache_dir else None
        if _LOADED is None:
            _LOADED = _read_dictionary()
    if cache_dir and not _cache_file(cache_dir).exists():
        _store_cached(cache_dir, _LOADED)
    return _LOADED


def _cache_file(cache_dir: Path) -> Path:
    """Names the cache by jieba's dictionary size and our derivation revision."""
    size = Path(str(resources.files("jieba").joinpath("dict.txt"))).stat().st_size
    return cache_dir / f"jieba-lexicon-{_REVISION}-{size}.json"


def _load_cached(cache_dir: Path) -> Lexicon | None:
    """Loads a cached lexicon; a missing or unreadable file just means rebuilding."""
    try:
        raw = json.loads(_cache_file(cache_dir).read_text(encoding="utf-8"))
        return Lexicon(**{key: frozenset(raw[key]) for key in _FIELDS})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store_cached(cache_dir: Path, lexicon: Lexicon) -> None:
    """Writes the lexicon atomically; a read-only cache dir only costs the next start time."""
    target = _cache_file(cache_dir)
    payload = json.dumps(
        {key: sorted(getattr(lexicon, key)) for key in _FIELDS}, ensure_ascii=False
    )
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=cache_dir, delete=False) as out:
            out.write(payload)
        os.replace(out.name, target)
    except OSError:
        return


def _read_dictionary() -> Lexicon:
    """Reads jieba's dict.txt (word, frequency, POS tag per line) into the sets recognizers need."""
    names: set[str] = set()
    places: set[str] = set()
    divisions: set[str] = set()
    words: set[str] = set()
    frequent: set[str] = set()
    source = resources.files("jieba").joinpath("dict.txt")
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            word, freq, tag = line.split()
            if _is_division(word, tag):
                divisions.add(word)
                stem = _stem(word)
                if len(stem) >= 2:
                    places.add(stem)  # 龙岩市 -> 龙岩: jieba tags some city stems as names
            if tag in _NAME_TAGS and _looks_like_name(word) and not _everyday_name(word, freq):
                names.add(word)
            elif 2 <= len(word) <= 4:
                if tag in _PLACE_TAGS:
                    places.add(word)
                if int(freq) >= _COMMON_WORD_FREQ:
                    words.add(word)
                if int(freq) >= _FREQUENT and tag in _EVERYDAY_TAGS:
                    frequent.add(word)
    return Lexicon(
        names=frozenset(names),
        places=frozenset(places),
        divisions=frozenset(divisions),
        words=frozenset(words),
        given_chars=_given_chars(names),
        frequent=frozenset(frequent),
    )


_FIELDS = tuple(f.name for f in fields(Lexicon))
_REVISION = 6  # bump when the derivation below changes
_LOADED: Lexicon | None = None


def _stem(division: str) -> str:
    """Drops the administrative suffix of a division name."""
    for suffix in DIVISION_SUFFIXES:
        if division.endswith(suffix):
            return division[: -len(suffix)]
    return division


def _is_division(word: str, tag: str) -> bool:
    """Keeps place words that end in an administrative suffix and have a real stem."""
    if len(word) < 2 or word in _NOT_DIVISIONS or not word.endswith(DIVISION_SUFFIXES):
        return False
    return tag == "ns" or (tag in {"n", "nr", "nz"} and len(word) >= 3)


def surname_length(word: str) -> int:
    """Returns the length of the surname `word` starts with, or 0 when it starts with none."""
    if word[:2] in COMPOUND_SURNAMES:
        return 2
    return 1 if word[:1] in SINGLE_SURNAMES else 0


def _looks_like_name(word: str) -> bool:
    """Keeps dictionary names of 2-3 characters (4 with a compound surname) led by a surname."""
    surname = surname_length(word)
    if surname == 0 or not 2 <= len(word) <= surname + 2 or word[-1] == word[-2]:
        return False  # reduplications (谢谢, 冷清清) are words, not names
    return word[-1] not in _NOT_NAME_ENDINGS and not _FOREIGN.intersection(word)


def _everyday_name(word: str, freq: str) -> bool:
    """Says whether a name-tagged dictionary entry is really an everyday word."""
    return len(word) == 2 and int(freq) >= _EVERYDAY_NAME_FREQ


def _given_chars(names: set[str]) -> frozenset[str]:
    """Collects characters seen in given names, plus popular modern ones jieba's list predates."""
    seen = Counter(ch for name in names for ch in name[surname_length(name) :])
    return frozenset(ch for ch, count in seen.items() if count >= _GIVEN_CHAR_MIN) | _MODERN_GIVEN
