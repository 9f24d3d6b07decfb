"""Masked and tagged copies of free text; offsets, ordering and the detector's identity."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masking.detect import Detected, build_detector, load_detector_config
from tests.unit.detect_support import (
    KNOWN_NAMES,
    POLICY,
    detector,
    full_width,
    luhn_card,
    resident_id,
    uscc,
)

NOTE = (
    "客户张伟来电，手机13812345678，身份证11010519491231002X，"
    "住址安徽省合肥市蜀山区合肥东路18号3栋2单元1502室，邮箱zhangwei@example.cn，"
    "卡号6222021234567890128。"
)


def test_when_masking_then_each_entity_gets_its_display_mask() -> None:
    assert detector().anonymize(NOTE, mode="mask") == (
        "客户张*来电，手机138****5678，身份证1****************X，"
        "住址安徽省合肥市蜀山区*****************，邮箱z*******@example.cn，"
        "卡号622202*********0128。"
    )


def test_when_tagging_then_each_entity_becomes_its_tag() -> None:
    assert detector().anonymize(NOTE, mode="tag") == (
        "客户<CN_PERSON>来电，手机<CN_MOBILE>，身份证<CN_RESIDENT_ID>，住址<CN_ADDRESS>，"
        "邮箱<EMAIL_ADDRESS>，卡号<CN_BANK_CARD>。"
    )


def test_when_mode_unknown_then_value_error_names_no_text() -> None:
    with pytest.raises(ValueError, match="unknown anonymize mode") as caught:
        detector().anonymize(NOTE, mode="redact")
    assert "13812345678" not in str(caught.value)


def test_when_full_width_digits_then_offsets_point_into_the_original() -> None:
    text = f"手机{full_width('13812345678')}。"
    (span,) = detector().analyze(text)
    assert span == Detected("CN_MOBILE", 2, 13, span.score)
    assert text[span.start : span.end] == full_width("13812345678")


def test_when_analyzing_then_spans_are_sorted_disjoint_and_above_threshold() -> None:
    spans = detector().analyze(NOTE * 3)
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert all(s.score >= 0.5 for s in spans)


def test_when_names_or_policy_change_then_version_changes() -> None:
    config = load_detector_config(POLICY)
    same = build_detector(config, known_names=reversed(KNOWN_NAMES))
    other = build_detector(config, known_names=("孙悟空",))
    assert same.version == detector().version  # order of held names does not matter
    assert other.version != detector().version


def test_when_policy_enables_all_then_entity_types_cover_the_issue_list() -> None:
    assert detector().entity_types() >= {
        "CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "CN_BANK_CARD", "CN_USCC", "CN_PASSPORT",
        "CN_PLATE", "CN_ADDRESS", "CN_PERSON", "EMAIL_ADDRESS", "IP_ADDRESS", "IBAN_CODE",
        "CREDIT_CARD", "PHONE_NUMBER",
    }  # fmt: skip


_VALUES = st.one_of(
    st.builds(
        resident_id, st.from_regex(r"[1-6][0-9]{5}19[5-9][0-9]0[1-9]1[0-9][0-9]{3}", fullmatch=True)
    ),
    st.builds(luhn_card, st.from_regex(r"62[0-9]{16}", fullmatch=True)),
    st.builds(uscc, st.from_regex(r"91[0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}", fullmatch=True)),
    st.from_regex(r"1(?:3[0-9]|5[0-35-9]|8[0-9])[0-9]{8}", fullmatch=True),
    st.from_regex(r"[a-z]{3,8}@example\.(?:cn|com)", fullmatch=True),
)
_FILLER = st.sampled_from(["客户", "来电称", "号码是", "，", "。", "请核实", " "])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=_FILLER, value=_VALUES, after=_FILLER, mode=st.sampled_from(["mask", "tag"]))
def test_when_anonymized_then_original_value_never_survives(
    before: str, value: str, after: str, mode: str
) -> None:
    text = f"{before}{value}{after}"
    assert value not in detector().anonymize(text, mode=mode)


def test_when_folding_width_then_it_agrees_with_nfkc_and_keeps_length() -> None:
    import unicodedata

    from masking.detect.text import fold_width

    wide = "０１２３４５６７８９ＡＢＸｘｙｚ＋－＠．"
    assert fold_width(wide) == unicodedata.normalize("NFKC", wide)
    mixed = "手机\u200b１３８－１２３４　５６７８，（０１０）"
    assert len(fold_width(mixed)) == len(mixed)
