"""The holdout PII corpus: valid spans, determinism, no overlaps and no unlabelled valid numbers."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import phonenumbers

from cdp.synth.holdout import generate_holdout
from cdp.synth.notes import Corpus
from masking.formats import (
    is_valid_cn_mobile,
    is_valid_cn_resident_id,
    is_valid_uscc,
    luhn_ok,
)

SEED = 4242
DOCS = 400
_MOBILE = re.compile(r"(?:\+86|0086)?[ -]?(1\d{2})[ -]?(\d{4})[ -]?(\d{4})")
_LANDLINE = re.compile(r"[(（]?(0\d{2,3})[)）]?[ -]?(\d{7,8})(?:(?:-|转)\d{1,6})?")
_CARD = re.compile(r"62\d{2}(?:[ -]?\d{1,4}){3,4}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)")
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]"
    r"(?:[A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9]\d{4})"
)
_PASSPORT = re.compile(r"(?:E[0-9A-HJ-NP-Z]\d{7}|[EGKC]\d{8})")
_ADDRESS = re.compile(r"\S+?(?:区|市|县)\S*?(?:路|街|大道|巷|村)\S*?号.*")
_PERSON = re.compile(r"[\u4e00-\u9fff]{2,4}|[A-Z][a-z]+ [A-Z][\w']+")
_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]{11,19}[Xx]?(?![0-9A-Za-z])")


@cache
def corpus() -> Corpus:
    return generate_holdout(SEED, DOCS)


def _valid_landline(value: str) -> bool:
    match = _LANDLINE.fullmatch(value)
    if not match:
        return False
    number = phonenumbers.parse(match[1] + match[2], "CN")
    return phonenumbers.is_valid_number(number)


def _valid(type_: str, value: str) -> bool:
    plain = unicodedata.normalize("NFKC", value)
    digits = re.sub(r"[ -]", "", plain)
    if type_ == "CN_RESIDENT_ID":
        return len(digits) == 15 or is_valid_cn_resident_id(digits.upper())
    if type_ == "CN_MOBILE":
        match = _MOBILE.fullmatch(plain)
        return match is not None and is_valid_cn_mobile("".join(match.groups()))
    checks = {
        "CN_LANDLINE": lambda: _valid_landline(plain),
        "CN_BANK_CARD": lambda: (
            bool(_CARD.fullmatch(plain)) and 16 <= len(digits) <= 19 and luhn_ok(digits)
        ),
        "CN_USCC": lambda: is_valid_uscc(plain),
        "EMAIL_ADDRESS": lambda: bool(_EMAIL.fullmatch(plain)),
        "IP_ADDRESS": lambda: bool(_IPV4.fullmatch(plain)),
        "CN_PLATE": lambda: bool(_PLATE.fullmatch(plain)),
        "CN_PASSPORT": lambda: bool(_PASSPORT.fullmatch(plain)),
        "CN_ADDRESS": lambda: bool(_ADDRESS.fullmatch(plain)) and plain == plain.strip(),
        "CN_PERSON": lambda: bool(_PERSON.fullmatch(plain)),
    }
    return checks[type_]()


def test_when_generating_the_holdout_then_every_span_holds_a_valid_value_of_its_type() -> None:
    bad = [
        (doc.doc_id, span.type, span.start)
        for doc in corpus().docs
        for span in doc.spans
        if not _valid(span.type, doc.text[span.start : span.end])
    ]
    assert bad == []  # ids, types and offsets only


def test_when_generating_the_holdout_then_every_entity_type_is_present() -> None:
    types = {span.type for doc in corpus().docs for span in doc.spans}
    assert types == {
        "CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "CN_BANK_CARD", "CN_USCC",
        "EMAIL_ADDRESS", "CN_PERSON", "CN_ADDRESS", "IP_ADDRESS", "CN_PLATE", "CN_PASSPORT",
    }  # fmt: skip


def test_when_generating_twice_with_a_seed_then_the_corpus_is_the_same() -> None:
    assert generate_holdout(SEED, 60) == generate_holdout(SEED, 60)
    assert generate_holdout(SEED, 60).docs != generate_holdout(SEED + 1, 60).docs


def test_when_generating_the_holdout_then_spans_are_sorted_and_never_overlap() -> None:
    for doc in corpus().docs:
        assert "\n" not in doc.text
        for left, right in zip(doc.spans, doc.spans[1:], strict=False):
            assert left.end <= right.start, (doc.doc_id, left.start, right.start)
        assert all(0 <= s.start < s.end <= len(doc.text) for s in doc.spans)


def test_when_generating_the_holdout_then_no_valid_id_card_or_mobile_is_left_unlabelled() -> None:
    leaks = []
    for doc in corpus().docs:
        plain = unicodedata.normalize("NFKC", doc.text)
        covered = set()
        for span in doc.spans:
            covered.update(range(span.start, span.end))
        for match in _RUN.finditer(plain):
            if covered & set(range(match.start(), match.end())):
                continue
            run = match[0].upper()
            if (
                (len(run) == 11 and is_valid_cn_mobile(run))
                or (len(run) == 18 and is_valid_cn_resident_id(run))
                or (
                    run.startswith("62") and run.isdigit() and 16 <= len(run) <= 19 and luhn_ok(run)
                )
            ):
                leaks.append((doc.doc_id, match.start()))
    assert leaks == []


def test_when_generating_the_holdout_then_most_but_not_all_people_are_known_customers() -> None:
    known = set(corpus().known_names)
    people = [
        doc.text[s.start : s.end]
        for doc in corpus().docs
        for s in doc.spans
        if s.type == "CN_PERSON"
    ]
    share = sum(p in known for p in people) / len(people)
    assert 0.5 <= share <= 0.7


def test_when_generating_the_holdout_then_hard_negatives_are_present() -> None:
    texts = " ".join(doc.text for doc in corpus().docs)
    runs = re.findall(r"(?<!\d)62\d{14,17}(?!\d)", texts)
    assert any(not luhn_ok(run) for run in runs)  # Luhn-failing card-like numbers
    ids = re.findall(r"(?<![0-9A-Za-z])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])", texts)
    assert any(not is_valid_cn_resident_id(i.upper()) for i in ids)  # wrong check characters
    assert any(hotline in texts for hotline in ("95588", "400-820-8888", "12378"))
    assert "张家界" in texts or "马鞍山" in texts
