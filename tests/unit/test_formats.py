"""Checksums and format primitives of masking.formats against the DOMAIN.md §13 test vectors."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masking.formats import (
    CN_MOBILE_RE,
    cn_id_15_to_18,
    cn_id_birth_date,
    cn_id_check_char,
    cn_id_gender,
    is_valid_cn_mobile,
    is_valid_cn_resident_id,
    is_valid_uscc,
    luhn_check_digit,
    luhn_ok,
    normalise_width,
    resident_id_problem,
    uscc_check_char,
)

TODAY = date(2026, 11, 1)


def _with_check(first17: str) -> str:
    return first17 + cn_id_check_char(first17)


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("11010519491231002", "X"),  # DOMAIN §13.1 vector: remainder 10 is written X
        ("36042619910101007", "1"),  # python-stdnum doctest vector
        ("11010519491231001", "1"),  # neighbour of the first vector: S mod 11 = 0 gives 1
    ],
)
def test_when_first_17_digits_given_then_check_char_is_iso_7064(first17: str, check: str) -> None:
    assert cn_id_check_char(first17) == check


@pytest.mark.parametrize(
    "bad",
    [
        "1101051949123100",  # 16 digits
        "1101051949123100X",  # a letter among the 17
        "１１０１０５１９４９１２３１００２",  # full-width digits must be normalised first
    ],
)
def test_when_not_17_ascii_digits_then_check_char_refuses(bad: str) -> None:
    with pytest.raises(ValueError, match="17 ASCII digits"):
        cn_id_check_char(bad)


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("11010519491231002X", None),  # DOMAIN vector, valid
        ("360426199101010071", None),  # stdnum vector, valid
        ("110105194912310021", "check digit mismatch"),  # DOMAIN vector: should end in X
        ("11010519491231002x", "not an 18-character resident ID number"),  # canonical is upper X
        (_with_check("11010520230230002"), "not a real calendar date"),  # 30 February
        (_with_check("11010518991231002"), "birth year before 1900"),  # too old to be real
        (_with_check("11010520991231002"), "date in the future"),  # born after TODAY
        ("01010519491231002X", "not an 18-character resident ID number"),  # no province 0x
        ("1101051949123100", "not an 18-character resident ID number"),  # 16 digits
    ],
)
def test_when_resident_id_checked_then_problem_is_named(number: str, problem: str | None) -> None:
    assert resident_id_problem(number, TODAY) == problem
    assert is_valid_cn_resident_id(number, TODAY) is (problem is None)


@pytest.mark.parametrize(
    ("legacy", "modern"),
    [
        ("110105491231002", "11010519491231002X"),  # DOMAIN §13.2 vector
        ("360426910101007", "360426199101010071"),  # the stdnum vector, written the old way
    ],
)
def test_when_15_digit_id_converted_then_19_inserted_and_check_appended(
    legacy: str, modern: str
) -> None:
    assert cn_id_15_to_18(legacy) == modern


@pytest.mark.parametrize(
    "bad",
    [
        "11010549123100",  # 14 digits
        "110105491331002",  # month 13
        "01010549123100X",  # letter and leading zero
    ],
)
def test_when_not_a_15_digit_id_then_conversion_refuses(bad: str) -> None:
    with pytest.raises(ValueError, match="15-digit"):
        cn_id_15_to_18(bad)


@pytest.mark.parametrize(
    ("number", "birth", "gender"),
    [
        ("11010519491231002X", date(1949, 12, 31), "F"),  # sequence 002: even, female
        ("360426199101010071", date(1991, 1, 1), "M"),  # sequence 007: odd, male
        ("110105491231002", date(1949, 12, 31), "F"),  # legacy IDs encode the same
    ],
)
def test_when_id_read_then_birth_date_and_gender_come_out(
    number: str, birth: date, gender: str
) -> None:
    assert cn_id_birth_date(number) == birth
    assert cn_id_gender(number) == gender


@given(
    area=st.sampled_from(["110105", "360426", "440305", "650102", "810000"]),
    birth=st.dates(date(1900, 1, 1), date(1999, 12, 31)),
    sequence=st.integers(0, 999),
)
def test_when_any_15_digit_id_converted_then_result_validates_and_keeps_meaning(
    area: str, birth: date, sequence: int
) -> None:
    legacy = f"{area}{birth:%y%m%d}{sequence:03d}"
    modern = cn_id_15_to_18(legacy)
    assert is_valid_cn_resident_id(modern, TODAY)
    assert cn_id_birth_date(modern) == cn_id_birth_date(legacy) == birth
    assert cn_id_gender(modern) == cn_id_gender(legacy) == ("M" if sequence % 2 else "F")


@given(first17=st.from_regex(r"[1-9][0-9]{5}19[0-9]{2}0[1-9]1[0-9][0-9]{3}", fullmatch=True))
def test_when_one_digit_changes_then_check_char_catches_it(first17: str) -> None:
    number = _with_check(first17)
    changed = first17[:9] + str((int(first17[9]) + 1) % 10) + first17[10:] + number[17]
    assert is_valid_cn_resident_id(number, TODAY)
    assert resident_id_problem(changed, TODAY) == "check digit mismatch"


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        ("6222021234567890128", True),  # DOMAIN §13.5 synthetic UnionPay vector
        ("4111111111111111", True),  # the classic test PAN
        ("6226000000000004", False),  # DOMAIN vector that fails
        ("6222021234567890127", False),  # check digit off by one
        ("", False),  # nothing to check
        ("6222 0212 3456 7890 128", False),  # separators must be stripped first
        ("６２２２０２１２３４５６７８９０１２８", False),  # full width must be normalised first
    ],
)
def test_when_card_number_checked_then_luhn_decides(digits: str, ok: bool) -> None:
    assert luhn_ok(digits) is ok


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("622202123456789012", "8"),  # makes the DOMAIN vector
        ("411111111111111", "1"),  # makes the classic test PAN
        ("0", "0"),  # a lone zero is its own complement
    ],
)
def test_when_body_given_then_luhn_check_digit_completes_it(body: str, check: str) -> None:
    assert luhn_check_digit(body) == check
    assert luhn_ok(body + check)


@given(body=st.from_regex(r"62[0-9]{13,16}", fullmatch=True))
def test_when_check_digit_appended_then_luhn_passes(body: str) -> None:
    assert luhn_ok(body + luhn_check_digit(body))


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("13812345678", True),  # 138: China Mobile
        ("19512345678", True),  # 195: in the 9[0-35-9] range
        ("16212345678", True),  # 162: virtual operator
        ("17400123456", True),  # 1740x: satellite, x in 0-5
        ("16101234567", True),  # 1610: added in metadata 9.0
        ("15412345678", False),  # 154: never allocated
        ("17406123456", False),  # 1740 followed by 6: not satellite
        ("14912345678", False),  # 149: IoT, not a mobile
        ("19412345678", False),  # 194: not allocated
        ("1381234567", False),  # 10 digits
        ("138123456789", False),  # 12 digits
    ],
)
def test_when_mobile_checked_then_prefix_table_decides(number: str, ok: bool) -> None:
    assert is_valid_cn_mobile(number) is ok


# libphonenumber's CN mobile national pattern as quoted in DOMAIN §13.3.
_LIBPHONENUMBER = re.compile(
    r"1(?:610\d|740[0-5])\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}"
)


def test_when_every_prefix_tried_then_readable_regex_equals_libphonenumber() -> None:
    for prefix in range(10000, 20000):
        number = f"{prefix}234567"
        assert bool(CN_MOBILE_RE.fullmatch(number)) == bool(_LIBPHONENUMBER.fullmatch(number))


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("91110000600037341L", True),  # DOMAIN §13.6 vector
        ("91350100M000100Y43", True),  # DOMAIN vector with a letter in the organisation code
        ("91110000600037341M", False),  # wrong check character
        ("91110000600037341l", False),  # lower case is not canonical
        ("9111000060003734IL", False),  # I is not in the symbol set
        ("91110000600037341", False),  # 17 characters
    ],
)
def test_when_uscc_checked_then_gb_32100_decides(code: str, ok: bool) -> None:
    assert is_valid_uscc(code) is ok


def test_when_letter_authority_code_then_uscc_still_computes() -> None:
    first17 = "N2110000MA0123456"
    assert is_valid_uscc(first17 + uscc_check_char(first17))


def test_when_uscc_body_has_foreign_symbols_then_check_char_refuses() -> None:
    with pytest.raises(ValueError, match="USCC symbols"):
        uscc_check_char("9111000060003734I")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits fold to ASCII
        ("138\u200b1234\u200d5678", "13812345678"),  # zero-width characters vanish
        ("138—1234–5678", "138-1234-5678"),  # em and en dashes become hyphens
        ("010\uff0d62345678", "010-62345678"),  # full-width hyphen-minus
        ("\ufeff张伟", "张伟"),  # a byte-order mark pasted from a file
        ("（０１０）", "(010)"),  # full-width parentheses
    ],
)
def test_when_text_normalised_then_width_and_dashes_are_unified(raw: str, normal: str) -> None:
    assert normalise_width(raw) == normal


def test_when_text_is_ascii_then_normalisation_returns_it_unchanged() -> None:
    text = "13812345678"
    assert normalise_width(text) is text
