"""Bank cards, credit cards, e-mail, IP and IBAN in free text (masking.detect)."""

from __future__ import annotations

import pytest

from tests.unit.detect_support import found, full_width, luhn_card, wrong_check

CARD = luhn_card()  # 6222021234567890128, DOMAIN §13.5 test vector
CARD16 = luhn_card("622848001234567")
SPACED = f"{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:16]} {CARD[16:]}"

BANK_CARD_CASES = [
    # (text, expected (type, span) or None)
    (f"卡号{CARD}已挂失", ("CN_BANK_CARD", CARD)),  # 19-digit UnionPay, glued
    (f"银行卡{SPACED}。", ("CN_BANK_CARD", SPACED)),  # 4-4-4-4-3 spacing
    (f"card {CARD16}.", ("CN_BANK_CARD", CARD16)),  # 16 digits before a full stop
    (f"卡号{full_width(CARD)}", ("CN_BANK_CARD", full_width(CARD))),  # full-width digits
    (f"卡号{wrong_check(CARD)}", ("CN_BANK_CARD", wrong_check(CARD))),  # Luhn fails, context
    (f"流水号{wrong_check(CARD)}", None),  # Luhn fails, no card word: not a card
    ("证件号620102198907074979", None),  # an ID-shaped 62… number is not a card without context
    ("Visa 4111 1111 1111 1111 expired", ("CREDIT_CARD", "4111 1111 1111 1111")),  # Presidio
    ("金额6226000000000004元", None),  # DOMAIN vector that fails Luhn, no context
]


@pytest.mark.parametrize(("text", "expected"), BANK_CARD_CASES)
def test_when_card_number_in_text_then_prefix_luhn_and_context_decide(
    text: str, expected: tuple[str, str] | None
) -> None:
    cards = [hit for hit in found(text) if hit[0] in {"CN_BANK_CARD", "CREDIT_CARD"}]
    assert cards == ([expected] if expected else [])


WEB_CASES = [
    # (text, expected (type, span) or None)
    ("邮箱zhangwei@example.cn。", ("EMAIL_ADDRESS", "zhangwei@example.cn")),  # glued to Chinese
    ("mail li.na+bank@mail.example.com now", ("EMAIL_ADDRESS", "li.na+bank@mail.example.com")),
    (
        "邮箱ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ",
        ("EMAIL_ADDRESS", "ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ"),
    ),  # full-width
    ("用户名zhang@localhost", None),  # no public suffix: not an address
    ("登录IP192.0.2.15异常", ("IP_ADDRESS", "192.0.2.15")),  # IPv4 glued to Chinese
    ("版本1.2.3.400", None),  # octet out of range
    ("IBAN DE89 3704 0044 0532 0130 00", ("IBAN_CODE", "DE89 3704 0044 0532 0130 00")),
    ("IBAN DE89 3704 0044 0532 0130 01", None),  # IBAN check digits wrong
]


@pytest.mark.parametrize(("text", "expected"), WEB_CASES)
def test_when_presidio_pattern_entity_in_text_then_it_works_beside_chinese(
    text: str, expected: tuple[str, str] | None
) -> None:
    hits = [hit for hit in found(text) if hit[0] in {"EMAIL_ADDRESS", "IP_ADDRESS", "IBAN_CODE"}]
    assert hits == ([expected] if expected else [])
