"""General rules of Chinese text found missing on the holdout corpus (synthetic values only)."""

from __future__ import annotations

import pytest

from tests.unit.detect_support import detector, found


def _of(kind: str, text: str) -> list[str]:
    return [value for found_kind, value in found(text) if found_kind == kind]


ADDRESS_CASES = [
    # (text, expected address span)
    ("家住东城区和平路18号阳光花园3栋2单元1502室。", "东城区和平路18号阳光花园3栋2单元1502室"),
    ("常住海淀区学院路9号悦景府。", "海淀区学院路9号悦景府"),  # estate ends the address
    ("住址：海淀区学院路9号5号楼1506，", "海淀区学院路9号5号楼1506"),  # bare room number
    ("寄往北京市通州区新华镇东风村3组12号。", "北京市通州区新华镇东风村3组12号"),  # village group
    ("请问您现在住址还是海淀区学院路9号吗？", "海淀区学院路9号"),  # lead words stay outside
    ("客户现住址海淀区学院路9号，", "海淀区学院路9号"),  # 址 stays outside
    ("坐落于江西南昌东湖区莲花路21号，", "江西南昌东湖区莲花路21号"),  # suffix-less province
    ("现在住广东深圳南山区科技路3号", "广东深圳南山区科技路3号"),
]


@pytest.mark.parametrize(("text", "expected"), ADDRESS_CASES)
def test_when_address_has_estate_room_or_colloquial_province_then_span_is_whole(
    text: str, expected: str
) -> None:
    assert _of("CN_ADDRESS", text) == [expected]


PERSON_CASES = [
    # (text, expected person spans)
    ("Hello, this is Grace Hollis writing about my card.", ["Grace Hollis"]),
    ("Kind regards, Tom Baker", ["Tom Baker"]),
    ("Hi, my name is Kevin O'Neill and I hold a card.", ["Kevin O'Neill"]),
    ("The form was signed by Anna Weber yesterday.", ["Anna Weber"]),
    ("经办人：周建平。", ["周建平"]),  # staff trigger
    ("审核人:孙立新，已签字。", ["孙立新"]),
    ("坐席韩明轩。", ["韩明轩"]),
    ("客户经理：郭俊姐早上好", ["郭俊"]),  # the glued honorific stays outside
    ("您好林伟您的卡已激活", ["林伟"]),
    ("那个大堂经理孙哥人挺好", []),  # surname + honorific alone is no name
    ("您好王总，打扰一下", []),
    ("备注人：闻人晓东", ["闻人晓东"]),  # compound surname kept whole
    ("客户曾用手机号已停机", []),  # 曾 + a function word is no name
    ("资料齐全，提交审批。", []),  # an everyday word jieba tags as a name
    ("客户咨询周周宝A产品", []),  # a doubled character is a word
    ("客户职业：王氏五金加工厂职员", []),  # 王氏 names a family firm
    ("2024/4/17 韩立：您好，我是您的客户经理", ["韩立"]),  # a chat speaker
]


@pytest.mark.parametrize(("text", "expected"), PERSON_CASES)
def test_when_name_has_staff_trigger_honorific_or_english_cue_then_span_is_the_name(
    text: str, expected: list[str]
) -> None:
    assert _of("CN_PERSON", text) == expected


PASSPORT_CASES = [
    ("My passport number is E12345678.", ["E12345678"]),
    ("Passport no. G30000001 attached.", ["G30000001"]),
    ("travel permit number is C12345678", ["C12345678"]),
    ("Order E12345678 shipped.", []),  # no context: below the threshold
]


@pytest.mark.parametrize(("text", "expected"), PASSPORT_CASES)
def test_when_passport_has_english_context_then_found(text: str, expected: list[str]) -> None:
    assert _of("CN_PASSPORT", text) == expected


def test_when_held_name_at_text_end_then_span_stays_inside_text() -> None:
    assert [(d.start, d.end) for d in detector().analyze("联系人赵一鸣")] == [(3, 6)]
