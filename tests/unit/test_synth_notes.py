"""The labelled notes corpus: honest spans, valid positives, invalid look-alikes, determinism."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from phonenumbers import is_valid_number, parse

from cdp.synth import note_values as values
from cdp.synth.notes import Corpus, LabelledDoc, generate_corpus, read_jsonl, write_jsonl
from masking.formats import (
    is_valid_cn_mobile,
    is_valid_cn_resident_id,
    is_valid_uscc,
    luhn_ok,
    normalise_width,
)

PLATE = re.compile(r"[\u4e00-\u9fff][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}")
PASSPORT = re.compile(r"(?:[EGC]\d{8}|E[A-HJ-NP-Z]\d{7})")
IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LONG_DIGITS = re.compile(r"(?<![0-9A-Za-z])[0-9]{11,19}X?(?![0-9A-Za-z])")


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return generate_corpus(seed=3, n=600)


def _digits(surface: str) -> str:
    """Reduces a written number to its digits (and a final X)."""
    return re.sub(r"[^0-9X]", "", normalise_width(surface).upper())


def _mobile_ok(surface: str) -> bool:
    digits = _digits(surface)
    return is_valid_cn_mobile(digits[-11:]) and digits[:-11] in ("", "86", "0086")


def _id_ok(surface: str) -> bool:
    digits = _digits(surface)
    return is_valid_cn_resident_id(digits) or (len(digits) == 15 and digits.isdigit())


# entity type -> check that the labelled substring really is one
CHECKS: dict[str, Callable[[str], bool]] = {
    "CN_RESIDENT_ID": _id_ok,
    "CN_MOBILE": _mobile_ok,
    "CN_LANDLINE": lambda s: is_valid_number(parse(_digits(s), "CN")),
    "CN_BANK_CARD": lambda s: _digits(s).startswith("62") and luhn_ok(_digits(s)),
    "CN_USCC": is_valid_uscc,
    "CN_PASSPORT": lambda s: PASSPORT.fullmatch(s) is not None,
    "CN_PLATE": lambda s: PLATE.fullmatch(s) is not None,
    "EMAIL_ADDRESS": lambda s: EMAIL.fullmatch(s) is not None,
    "IP_ADDRESS": lambda s: IPV4.fullmatch(s) is not None,
    "CN_ADDRESS": lambda s: s.endswith(("号", "室")) and ("路" in s or "街" in s),
    "CN_PERSON": lambda s: 2 <= len(s) <= 30 and s == s.strip(),
}


def _spans(corpus: Corpus) -> list[tuple[LabelledDoc, str, str]]:
    return [(d, s.type, d.text[s.start : s.end]) for d in corpus.docs for s in d.spans]


def test_when_generating_then_every_span_holds_a_value_of_its_type(corpus: Corpus) -> None:
    wrong = [(doc.doc_id, kind) for doc, kind, text in _spans(corpus) if not CHECKS[kind](text)]
    assert wrong == []


def test_when_generating_then_every_type_has_support(corpus: Corpus) -> None:
    kinds = {kind for _, kind, _ in _spans(corpus)}
    assert kinds == set(CHECKS)


def test_when_generating_then_spans_are_sorted_and_never_overlap(corpus: Corpus) -> None:
    for doc in corpus.docs:
        ends = [(s.start, s.end) for s in doc.spans]
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(ends))
        assert all(0 <= start < end <= len(doc.text) for start, end in ends)


def test_when_a_checksum_number_is_unlabelled_then_it_is_a_look_alike(corpus: Corpus) -> None:
    # Every valid ID, card or mobile written plainly must sit inside a gold span.
    leaks = []
    for doc in corpus.docs:
        covered = {i for s in doc.spans for i in range(s.start, s.end)}
        for match in LONG_DIGITS.finditer(doc.text):
            n = match.group()
            valid = is_valid_cn_resident_id(n) or is_valid_cn_mobile(n)
            valid = valid or (n.startswith("62") and 16 <= len(n) <= 19 and luhn_ok(n))
            if valid and match.start() not in covered:
                leaks.append((doc.doc_id, match.start()))
    assert leaks == []


def test_when_counting_people_then_most_but_not_all_are_known(corpus: Corpus) -> None:
    known = set(corpus.known_names)
    people = [text for _, kind, text in _spans(corpus) if kind == "CN_PERSON"]
    share = sum(p in known for p in people) / len(people)
    assert 0.6 <= share <= 0.8


@pytest.mark.parametrize(
    ("make", "is_pii"),
    [
        (values.bad_resident_id, is_valid_cn_resident_id),  # wrong check character
        (values.luhn_failing, luhn_ok),  # card-length number failing Luhn
        (values.bad_mobile, is_valid_cn_mobile),  # 11 digits on a non-mobile prefix
        (lambda r: _digits(values.service_number(r)), is_valid_cn_mobile),  # 400/800/95xxx
    ],
)
def test_when_drawing_look_alikes_then_no_checksum_passes(
    make: Callable[[random.Random], str], is_pii: Callable[[str], bool]
) -> None:
    rng = random.Random(1)
    assert not any(is_pii(make(rng)) for _ in range(2000))


@pytest.mark.parametrize(
    "make",
    [
        lambda r: _digits(values.resident_id(r)),  # 18-character ID in any surface form
        lambda r: values.uscc(r, individual=True),  # 个体工商户 credit code
        lambda r: values.uscc(r, individual=False),  # company credit code
    ],
)
def test_when_drawing_positives_then_checksums_pass(make: Callable[[random.Random], str]) -> None:
    rng = random.Random(2)
    drawn = [make(rng) for _ in range(500)]
    assert all(is_valid_cn_resident_id(x) or is_valid_uscc(x) for x in drawn)


def test_when_the_seed_repeats_then_the_corpus_repeats() -> None:
    assert generate_corpus(seed=9, n=40) == generate_corpus(seed=9, n=40)
    assert generate_corpus(seed=9, n=40).docs != generate_corpus(seed=10, n=40).docs


def test_when_written_as_jsonl_then_it_reads_back_equal(tmp_path: Path) -> None:
    corpus = generate_corpus(seed=4, n=30)
    write_jsonl(corpus, tmp_path / "notes.jsonl")
    assert read_jsonl(tmp_path / "notes.jsonl") == corpus
