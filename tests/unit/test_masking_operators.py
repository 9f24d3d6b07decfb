"""Identifier, contact, date and free-text masks against DOMAIN.md §4.2 examples and edge cases."""

from __future__ import annotations

import pytest

from masking.operators import MaskRule, default_registry

REGISTRY = default_registry()

ID_CASES = [
    # (value, variant, masked)
    ("11010519491231002X", None, "1****************X"),  # DOMAIN example, default "high" level
    ("11010519491231002X", "verify", "110105********002X"),  # DOMAIN example, birth date hidden
    ("11010519491231002x", None, "1****************X"),  # lower-case x is upper-cased first
    ("110105 19491231 002X", None, "1****************X"),  # spaced groups are compacted
    ("１１０１０５１９４９１２３１００２Ｘ", None, "1****************X"),  # full-width digits
    ("110105491231002", None, "1*************2"),  # 15-digit legacy ID keeps its length
    ("110105491231002", "verify", "110105******002"),  # 15-digit: last 4 would show the birth day
    ("E12345678", None, "E*******8"),  # passport under M-ID
    ("E12345678", "verify", "*********"),  # too short for 6 + 4: fully starred
    ("12345", None, "*****"),  # too short to hide 4 characters
    ("1**X", None, "****"),  # would echo the input: starred instead
]

MOBILE_CASES = [
    # (value, masked)
    ("13812345678", "138****5678"),  # DOMAIN example
    ("+86 138 1234 5678", "138****5678"),  # +86 and 3-4-4 spacing are normalised away
    ("0086-138-1234-5678", "138****5678"),  # 0086 with hyphens
    ("8613812345678", "138****5678"),  # bare 86 prefix on 13 digits
    ("(+86) 13812345678", "138****5678"),  # bracketed country code
    ("１３８１２３４５６７８", "138****5678"),  # full-width digits
    ("1381234567", "**********"),  # 10 digits: 3 + 4 would hide only 3
    ("138abc45678", "***********"),  # not a number: nothing shown
]

TEL_CASES = [
    # (value, masked)
    ("010-62345678", "010******78"),  # DOMAIN example: separator dropped
    ("01062345678", "010******78"),  # no separator
    ("(010) 62345678", "010******78"),  # bracketed area code
    ("+86 10 62345678", "010******78"),  # international form gets its trunk 0 back
    ("0755-1234567", "0755*****67"),  # four-digit area code, seven-digit local number
    ("020 8765 4321", "020******21"),  # 02X area code, grouped local number
    ("010-62345678-1234", "010******78-****"),  # extension hidden, its length kept
    ("010-62345678转1234", "010******78-****"),  # Chinese extension marker
    ("62345678", "******78"),  # local number without area code: last 2 only
    ("12345", "*****"),  # too short to be a landline
]

PAN_CASES = [
    # (value, variant, masked)
    ("6222021234567890128", None, "622202*********0128"),  # DOMAIN example, service staff
    ("6222021234567890128", "last4", "***************0128"),  # DOMAIN example, marketing
    ("6222 0212 3456 7890 128", None, "622202*********0128"),  # spaced groups are stripped
    ("6222-0212-3456-7890-128", "last4", "***************0128"),  # hyphenated groups
    ("6226000000000004", None, "622600******0004"),  # 16-digit card keeps its length
    ("6222021234567", None, "*************"),  # 13 digits: 6 + 4 would hide only 3
    ("1234567", "last4", "*******"),  # 7 digits: last 4 would hide only 3
    ("6222O21234567890128", None, "*******************"),  # a letter O: not a card number
]

SIMPLE_CASES = [
    # (rule, value, masked)
    (MaskRule.EMAIL, "zhangwei@example.cn", "z*******@example.cn"),  # DOMAIN example
    (MaskRule.EMAIL, "a@example.cn", "*@example.cn"),  # one-character local part: starred
    (MaskRule.EMAIL, "zhang@wei@example.cn", "z********@example.cn"),  # last @ splits
    (MaskRule.EMAIL, "zhangwei", "********"),  # no @: nothing is recognisably a domain
    (MaskRule.EMAIL, "@example.cn", "***********"),  # no local part
    (MaskRule.EMAIL, "z@13812345678.cn", "****************"),  # phone-like domain is hidden
    (MaskRule.DATE_Y, "1988-04-17", "1988-**-**"),  # DOMAIN example
    (MaskRule.DATE_Y, "19880417", "1988-**-**"),  # compact date, same mask everywhere
    (MaskRule.DATE_Y, "1988年4月17日", "1988-**-**"),  # Chinese date, same mask everywhere
    (MaskRule.DATE_Y, "2031/05/01", "2031-**-**"),  # ID expiry with slashes
    (MaskRule.DATE_Y, "长期", "**"),  # long-term ID expiry: no year to show
    (MaskRule.DATE_Y, "0417", "****"),  # no year
    (MaskRule.PASSPORT, "E12345678", "E1*****78"),  # DOMAIN example
    (MaskRule.PASSPORT, "ea1234567", "EA*****67"),  # e-passport with letter, upper-cased
    (MaskRule.PASSPORT, "12345678", "12****78"),  # 台胞证: 8 digits
    (MaskRule.PASSPORT, "E123456", "*******"),  # 7 characters: 2 + 2 would hide only 3
    (MaskRule.PLATE, "苏D40000", "苏D4***0"),  # DOMAIN example
    (MaskRule.PLATE, "苏D·40000", "苏D4***0"),  # dotted plate as printed
    (MaskRule.PLATE, "粤BD12345", "粤BD****5"),  # 8-character new-energy plate
    (MaskRule.PLATE, "苏D400", "*****"),  # too short to be a plate
    (MaskRule.USCC, "91110000600037341L", "91110000********1L"),  # DOMAIN example
    (MaskRule.USCC, "91350100M000100Y43", "91350100********43"),  # letters in the org code
    (MaskRule.USCC, "110105600037341", "***************"),  # 15-character old number
    (MaskRule.IP, "192.0.2.15", "192.*.*.*"),  # DOMAIN example
    (MaskRule.IP, "2001:db8::1", "2001:*"),  # IPv6: first hextet
    (MaskRule.IP, "::1", "0:*"),  # IPv6 loopback: the zero hextet
    (MaskRule.IP, "192.0.2.15:8080", "***************"),  # with a port: not an address
    (MaskRule.IP, "192.000.002.015", "***************"),  # leading zeros: ambiguous
    (MaskRule.GEN, "oABCDEFGHIJ123", "oA**********23"),  # WeChat openid-like identifier
    (MaskRule.GEN, "zhangw", "******"),  # 6 characters: 2 + 2 would hide only 2
    (MaskRule.TEXT, "客户张伟来电，手机13812345678", "***"),  # free text hidden whole for now
    (MaskRule.TEXT, " ", "***"),  # even blank text: its length is not shown
    (MaskRule.NONE, "男", "男"),  # C1 field shown as it is
]


@pytest.mark.parametrize(("value", "variant", "masked"), ID_CASES)
def test_when_an_id_number_is_masked_then_only_its_ends_show(
    value: str, variant: str | None, masked: str
) -> None:
    assert REGISTRY.mask(MaskRule.ID, value, variant) == masked


@pytest.mark.parametrize(("value", "masked"), MOBILE_CASES)
def test_when_a_mobile_is_masked_then_first_3_and_last_4_show(value: str, masked: str) -> None:
    assert REGISTRY.mask(MaskRule.MOBILE, value) == masked


@pytest.mark.parametrize(("value", "masked"), TEL_CASES)
def test_when_a_landline_is_masked_then_area_code_and_last_2_show(value: str, masked: str) -> None:
    assert REGISTRY.mask(MaskRule.TEL, value) == masked


@pytest.mark.parametrize(("value", "variant", "masked"), PAN_CASES)
def test_when_a_card_number_is_masked_then_at_most_first_6_and_last_4_show(
    value: str, variant: str | None, masked: str
) -> None:
    assert REGISTRY.mask(MaskRule.PAN, value, variant) == masked


@pytest.mark.parametrize(("rule", "value", "masked"), SIMPLE_CASES)
def test_when_a_value_is_masked_then_it_matches_the_rule(
    rule: MaskRule, value: str, masked: str
) -> None:
    assert REGISTRY.mask(rule, value) == masked


@pytest.mark.parametrize("rule", list(MaskRule))
def test_when_the_value_is_empty_then_the_mask_is_empty(rule: MaskRule) -> None:
    assert REGISTRY.mask(rule, "") == ""
