"""Held names: the customer a text belongs to is masked in it even where nothing else finds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from masking.detect import PiiDetector, build_detector, load_detector_config

POLICY = Path(__file__).resolve().parents[2] / "policies" / "recognizers.yaml"


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> PiiDetector:
    """The shipped detector, with no held names of its own."""
    cache = tmp_path_factory.mktemp("pii-cache")
    return build_detector(load_detector_config(POLICY), cache_dir=cache)


HELD = [
    # a bare name at the start, no trigger word: only the held name finds it
    ("梁建国来电咨询", "梁建国", "梁**来电咨询"),
    # a surname that is also a common word (于)
    ("已与于海洋核实", "于海洋", "已与于**核实"),
    # a two-character name that is an ordinary word
    ("回访时和平说不需要", "和平", "回访时和*说不需要"),
    # every occurrence, and full-width text around it
    ("梁建国：梁建国本人来电", "梁建国", "梁**：梁**本人来电"),
]


@pytest.mark.parametrize(("text", "name", "masked"), HELD)
def test_when_a_held_name_occurs_then_it_is_masked(
    detector: PiiDetector, text: str, name: str, masked: str
) -> None:
    assert detector.anonymize(text, held_names=[name]) == masked
    assert name not in detector.anonymize(text, held_names=[name], mode="tag")


def test_when_held_names_are_empty_or_one_character_then_nothing_changes(
    detector: PiiDetector,
) -> None:
    text = "梁建国来电咨询"
    assert detector.anonymize(text, held_names=["", " ", "梁"]) == detector.anonymize(text)


def test_when_a_held_name_is_found_then_its_span_is_a_person(detector: PiiDetector) -> None:
    (span,) = detector.analyze("梁建国来电咨询", held_names=["梁建国"])
    assert (span.type, span.start, span.end) == ("CN_PERSON", 0, 3)
