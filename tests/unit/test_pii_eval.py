"""PII evaluation maths: strict one-to-one matching, aliases, lenient overlap, rendering."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from cdp.evaluation import pii
from cdp.evaluation.report import markdown, results_dict, target_lines
from cdp.evaluation.scoring import Tally, score
from cdp.synth.notes import Span, generate_corpus


@dataclass(frozen=True)
class Hit:
    """Stands in for masking.detect.Detected."""

    type: str
    start: int
    end: int
    score: float = 1.0


def _strict(gold: Sequence[Span], found: Sequence[Hit]) -> dict[str, Tally]:
    return score([(gold, found)]).strict


@pytest.mark.parametrize(
    ("gold", "found", "entity", "expected"),
    [
        # exact match: one TP, nothing else
        ([Span("CN_MOBILE", 3, 14)], [Hit("CN_MOBILE", 3, 14)], "CN_MOBILE", (1, 0, 0)),
        # one character short: a miss and a false positive under the strict rule
        ([Span("CN_MOBILE", 3, 14)], [Hit("CN_MOBILE", 3, 13)], "CN_MOBILE", (0, 1, 1)),
        # right offsets, wrong type: a miss and a false positive
        ([Span("CN_MOBILE", 3, 14)], [Hit("CN_LANDLINE", 3, 14)], "CN_MOBILE", (0, 0, 1)),
        # the same span reported twice: the second one is a false positive
        ([Span("CN_USCC", 0, 18)], [Hit("CN_USCC", 0, 18)] * 2, "CN_USCC", (1, 1, 0)),
        # nothing found: recall loses, precision undefined
        ([Span("CN_PERSON", 0, 2)], [], "CN_PERSON", (0, 0, 1)),
    ],
)
def test_when_scoring_one_document_then_counts_follow_the_strict_rule(
    gold: list[Span], found: list[Hit], entity: str, expected: tuple[int, int, int]
) -> None:
    tally = _strict(gold, found)[entity]
    assert (tally.tp, tally.fp, tally.fn) == expected


def test_when_an_alias_matches_then_gold_recall_and_alias_precision_count_it() -> None:
    tallies = _strict([Span("CN_MOBILE", 0, 11)], [Hit("PHONE_NUMBER", 0, 11)])
    assert tallies["CN_MOBILE"].recall == 1.0
    assert tallies["CN_MOBILE"].precision is None
    assert tallies["PHONE_NUMBER"].precision == 1.0
    assert tallies["PHONE_NUMBER"].fp == 0


def test_when_credit_card_lands_on_a_bank_card_then_it_counts() -> None:
    tallies = _strict([Span("CN_BANK_CARD", 5, 24)], [Hit("CREDIT_CARD", 5, 24)])
    assert (tallies["CN_BANK_CARD"].tp, tallies["CREDIT_CARD"].fp) == (1, 0)


def test_when_summing_documents_then_precision_recall_and_f1_follow() -> None:
    docs = [
        ([Span("CN_PERSON", 0, 2), Span("CN_PERSON", 5, 8)], [Hit("CN_PERSON", 0, 2)]),
        ([Span("CN_PERSON", 1, 3)], [Hit("CN_PERSON", 1, 3), Hit("CN_PERSON", 9, 11)]),
    ]
    tally = score(docs).strict["CN_PERSON"]
    assert (tally.gold, tally.detected, tally.tp, tally.fp, tally.fn) == (3, 3, 2, 1, 1)
    assert tally.precision == pytest.approx(2 / 3)
    assert tally.recall == pytest.approx(2 / 3)
    assert tally.f1 == pytest.approx(2 / 3)


def test_when_spans_only_overlap_then_the_lenient_rule_counts_them() -> None:
    scores = score([([Span("CN_ADDRESS", 2, 20)], [Hit("CN_ADDRESS", 0, 12)])])
    assert scores.strict["CN_ADDRESS"].recall == 0.0
    assert scores.lenient["CN_ADDRESS"].recall == 1.0
    assert scores.lenient["CN_ADDRESS"].precision == 1.0


def test_when_precision_and_recall_are_zero_then_f1_is_zero() -> None:
    assert _strict([Span("CN_PLATE", 0, 7)], [Hit("CN_PLATE", 1, 7)])["CN_PLATE"].f1 == 0.0


# A stand-in detector: finds 11-digit mobiles and e-mails, nothing else.
_STAND_IN = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])|[A-Za-z0-9._]+@[A-Za-z0-9.]+[a-z]")


def _stand_in(text: str) -> list[Hit]:
    return [
        Hit("EMAIL_ADDRESS" if "@" in m.group() else "CN_MOBILE", m.start(), m.end())
        for m in _STAND_IN.finditer(text)
    ]


def test_when_evaluating_a_stand_in_then_results_render_without_span_text(tmp_path: Path) -> None:
    corpus = generate_corpus(seed=5, n=80)
    scores, _ = pii.evaluate(corpus, _stand_in)
    results = {**results_dict(scores, pii.corpus_facts(corpus)), "seconds": 0.1}
    assert scores.strict["EMAIL_ADDRESS"].recall == 1.0
    assert scores.strict["CN_PERSON"].recall == 0.0
    page = tmp_path / "eval.md"
    page.write_text("intro\n<!-- BEGIN GENERATED -->\nold\n<!-- END GENERATED -->\nend\n")
    pii.write_docs(page, markdown(results))
    assert page.read_text().startswith("intro\n<!-- BEGIN GENERATED -->\nCorpus: seed 5")
    assert "\nold\n" not in page.read_text()
    rendered = page.read_text() + json.dumps(results) + "\n".join(target_lines(scores))
    span_texts = {d.text[s.start : s.end] for d in corpus.docs for s in d.spans}
    assert not any(text in rendered for text in span_texts)
