"""The C3 guard: every kind found in Chinese and English text, and no alarm on ordinary notes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masking.c3 import (
    C3DataRefused,
    C3Kind,
    c3_fields,
    c3_kinds,
    find_c3,
    refusal_reason,
    refuse_c3,
)

FOUND = [
    # card verification codes, keyword then digits
    ("客户报卡背面三位：123", C3Kind.CVN),
    ("CVV2 456 已记录", C3Kind.CVN),
    ("cvn:7890", C3Kind.CVN),
    ("安全码是321", C3Kind.CVN),
    ("ＣＶＶ：７８９", C3Kind.CVN),  # full-width letters and digits
    # card expiry in MM/YY next to a card keyword or 有效期
    ("信用卡有效期12/28", C3Kind.CARD_EXPIRY),
    ("卡片有效期至 09/2029", C3Kind.CARD_EXPIRY),
    ("exp 09/27", C3Kind.CARD_EXPIRY),
    ("Valid thru 11/30", C3Kind.CARD_EXPIRY),
    # one-time codes
    ("短信验证码483920", C3Kind.OTP),
    ("验证码 是 5521", C3Kind.OTP),
    ("your OTP is 902114", C3Kind.OTP),
    # PINs and passwords
    ("取款密码123456", C3Kind.PIN),
    ("PIN 1234", C3Kind.PIN),
    ("密码：abc12345", C3Kind.PASSWORD),
    ("密码是Zx9!k2p", C3Kind.PASSWORD),
    ("密码 1234", C3Kind.PASSWORD),
    ("password: hunter22", C3Kind.PASSWORD),
    ("登录密码=qwer1234", C3Kind.PASSWORD),
    # track data
    (";6222021234567890128=28121010000000000?", C3Kind.TRACK),
    ("%B6222021234567890128^ZHANG/WEI^2812101", C3Kind.TRACK),
    # security answers
    ("密保答案：小狗", C3Kind.SECURITY_ANSWER),
]

CLEAN = [
    "客户忘记密码，已在柜台重置",  # the word alone, no value
    "密码已重置，请客户尽快登录",
    "证件有效期：2031-05-01",  # ID expiry is C2, written as a date
    "有效期至2028年12月的理财产品",
    "手机号码13812345678，已回访",
    "订单号 12345678 已发货",
    "发送验证码到客户手机",  # no code in the text
    "验证码13812345678",  # eleven digits are a phone number, not a code
    "金额 12/28 份",
    "客户来电咨询 400-820-8820",
    "",
]


@pytest.mark.parametrize(("text", "kind"), FOUND)
def test_when_text_carries_c3_then_its_kind_is_found(text: str, kind: C3Kind) -> None:
    assert kind in c3_kinds(text)


@pytest.mark.parametrize("text", CLEAN)
def test_when_text_has_no_c3_value_then_nothing_is_found(text: str) -> None:
    assert find_c3(text) == []


def test_when_hit_is_reported_then_offsets_cover_the_keyword_and_value() -> None:
    text = "备注：CVV2 456 已记录"
    (hit,) = find_c3(text)
    assert text[hit.start : hit.end] == "CVV2 456"


def test_when_a_field_carries_c3_then_refusal_names_field_and_kind_not_value() -> None:
    with pytest.raises(C3DataRefused) as caught:
        refuse_c3({"occupation": "教师", "service_note": "客户说安全码是987"})
    message = str(caught.value)
    assert caught.value.field == "service_note"
    assert caught.value.kinds == (C3Kind.CVN,)
    assert "987" not in message
    assert message == "C3 data refused: card verification code in service_note"


def test_when_reason_is_built_then_kinds_are_sorted_and_unique() -> None:
    kinds = [C3Kind.PIN, C3Kind.CVN, C3Kind.PIN]
    assert refusal_reason(kinds) == "C3 data refused: PIN, card verification code"


@given(st.text(alphabet="0123456789", min_size=4, max_size=8))
def test_when_any_code_follows_a_keyword_then_the_refusal_never_echoes_it(code: str) -> None:
    with pytest.raises(C3DataRefused) as caught:
        refuse_c3({"service_note": f"短信验证码{code}"})
    assert code not in str(caught.value)


def test_when_a_record_is_scanned_then_each_hit_is_charged_to_its_own_field() -> None:
    record = {
        "occupation": "教师",
        "service_note": "客户说安全码是987",
        "gender": None,
        "open_branch": "",
        "remark": "登录密码：abcd1234",
        "tail": "密保答案：",  # the keyword alone at the end of a field is not an answer
    }
    found = c3_fields(record)
    assert found == {
        "service_note": frozenset({C3Kind.CVN}),
        "remark": frozenset({C3Kind.PASSWORD}),
    }
