"""Chinese and Latin person names, and addresses, in free text (masking.detect)."""

from __future__ import annotations

import pytest

from tests.unit.detect_support import found

PERSON_CASES = [
    # (text, expected person spans)
    ("客户张伟来电咨询", ["张伟"]),  # trigger before, the name stops where 来电 begins
    ("联系人：李秀英，电话稍后提供", ["李秀英"]),  # trigger with a colon
    ("王小明先生反映卡片被盗", ["王小明"]),  # honorific after
    ("稍后欧阳娜娜经理会联系您", ["欧阳娜娜"]),  # compound surname before an honorific
    ("由客户经理司马秀珍跟进", ["司马秀珍"]),  # compound surname after a trigger
    ("今天赵一鸣到网点办理", ["赵一鸣"]),  # a held name, no trigger needed
    ("Customer Ada Lovelace called", ["Ada Lovelace"]),  # held Latin name
    ("Mr. John Smith updated his address", ["John Smith"]),  # Latin name after a title
    ("客户单位电话待补充", []),  # 单位 is a word, not 单 + given name
    ("客户来电挂失借记卡", []),  # 来电 is a word
    ("客户在王府井取的钱", []),  # a landmark that reads like a name
    ("客户上月去龙岩旅游", []),  # a city whose name starts with a surname
    ("客户在陈李济药厂工作", []),  # a company that starts with a surname
    ("周末高兴地去马上办理", []),  # surnames that begin everyday words
]


@pytest.mark.parametrize(("text", "expected"), PERSON_CASES)
def test_when_name_in_text_then_signals_and_blacklists_decide(
    text: str, expected: list[str]
) -> None:
    assert [value for kind, value in found(text) if kind == "CN_PERSON"] == expected


ADDRESS_CASES = [
    # (text, expected address span or None)
    (
        "家住北京市海淀区中关村大街1号3单元502室，",
        "北京市海淀区中关村大街1号3单元502室",
    ),  # trigger word stays outside; DOMAIN §13.9 example
    (
        "新地址是安徽省合肥市蜀山区合肥东路18号翠苑一区3栋2单元1502室。",
        "安徽省合肥市蜀山区合肥东路18号翠苑一区3栋2单元1502室",
    ),  # estate name between number and building
    ("寄往天津市南开区兴安盟路106号", "天津市南开区兴安盟路106号"),  # a division inside a road
    ("住址：中山路23号院5号楼1101室", "中山路23号院5号楼1101室"),  # no division, with context
    ("客户在北京市办理业务", None),  # a city alone is not an address
    ("中山路23号", None),  # a street without division or context
]


@pytest.mark.parametrize(("text", "expected"), ADDRESS_CASES)
def test_when_address_in_text_then_span_starts_at_the_division(
    text: str, expected: str | None
) -> None:
    addresses = [value for kind, value in found(text) if kind == "CN_ADDRESS"]
    assert addresses == ([expected] if expected else [])
