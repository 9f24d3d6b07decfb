"""Mainland mobiles, landlines and international phone numbers in free text (masking.detect)."""

from __future__ import annotations

import pytest

from tests.unit.detect_support import found, full_width

MOBILE_CASES = [
    # (text, expected mobile span or None)
    ("手机13812345678", "13812345678"),  # glued to Chinese
    ("电话：138 1234 5678。", "138 1234 5678"),  # 3-4-4 with spaces
    ("请回拨138-1234-5678", "138-1234-5678"),  # 3-4-4 with hyphens
    ("手机+86 138 1234 5678", "+86 138 1234 5678"),  # +86 prefix kept in the span
    ("手机0086-13912345678", "0086-13912345678"),  # 0086 prefix
    ("联系8613812345678", "8613812345678"),  # bare 86 prefix glued
    (f"手机{full_width('13812345678')}", full_width("13812345678")),  # full-width digits
    ("号码19912345678", "19912345678"),  # 199 is allocated
    ("号码15412345678", None),  # 154 is not a mobile prefix
    ("订单号213812345678", None),  # 12 digits: an order number, not a mobile
    ("流水号1381234567890", None),  # 13 digits without an 86 prefix
]


@pytest.mark.parametrize(("text", "expected"), MOBILE_CASES)
def test_when_mobile_in_text_then_prefix_table_and_length_decide(
    text: str, expected: str | None
) -> None:
    mobiles = [value for kind, value in found(text) if kind == "CN_MOBILE"]
    assert mobiles == ([expected] if expected else [])


LANDLINE_CASES = [
    # (text, expected landline span or None)
    ("座机010-62345678", "010-62345678"),  # Beijing, hyphen
    ("电话(010)62345678", "(010)62345678"),  # brackets around the area code
    ("电话（0551）65123456", "（0551）65123456"),  # full-width brackets
    ("总机0755 8888 8888", "0755 8888 8888"),  # spaces
    ("请回电08915531329", "08915531329"),  # unseparated, with context
    ("分机0551-65123456转123", "0551-65123456转123"),  # extension
    ("客服热线400-820-8820", None),  # 400 service number: not personal
    ("热线800-820-8820", None),  # 800 service number
]


@pytest.mark.parametrize(("text", "expected"), LANDLINE_CASES)
def test_when_landline_in_text_then_area_code_is_validated(text: str, expected: str | None) -> None:
    lines = [value for kind, value in found(text) if kind == "CN_LANDLINE"]
    assert lines == ([expected] if expected else [])


INTERNATIONAL_CASES = [
    # (text, expected PHONE_NUMBER span or None)
    ("Call +1 202-555-0143 today", "+1 202-555-0143"),  # E.164-style US number
    ("香港电话+852 2123 4567", "+852 2123 4567"),  # Hong Kong, next to Chinese
    ("Hotline 800-555-0199", None),  # toll-free hotline: not personal
    ("金额2024.03.15", None),  # a date with dots
]


@pytest.mark.parametrize(("text", "expected"), INTERNATIONAL_CASES)
def test_when_international_number_then_presidio_phone_recognizer_finds_it(
    text: str, expected: str | None
) -> None:
    phones = [value for kind, value in found(text) if kind == "PHONE_NUMBER"]
    assert phones == ([expected] if expected else [])
