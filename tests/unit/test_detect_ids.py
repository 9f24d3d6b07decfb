"""Resident IDs, social credit codes, passports and plates in free text (masking.detect)."""

from __future__ import annotations

import pytest

from tests.unit.detect_support import found, full_width, resident_id, uscc, wrong_check

ID = resident_id()  # 11010519491231002X, DOMAIN §13.1 test vector
ID_OTHER = resident_id("36042619910101007")  # 360426199101010071
CODE = uscc()  # 91110000600037341L, DOMAIN §13.6 test vector

RESIDENT_ID_CASES = [
    # (text, expected resident-ID span or None)
    (f"身份证号{ID}。", ID),  # valid, glued to Chinese on both sides
    (f"ID {ID_OTHER} ok", ID_OTHER),  # valid, spaced English
    (f"号码{ID.lower()}已核实", ID.lower()),  # lower-case check character x
    (f"证件号{full_width(ID)}", full_width(ID)),  # full-width digits, offsets into the original
    (f"身份证 {ID[:6]} {ID[6:14]} {ID[14:]}", f"{ID[:6]} {ID[6:14]} {ID[14:]}"),  # 6-8-4 spacing
    (f"身份证号{wrong_check(ID)}", None),  # wrong check digit: dropped
    (f"订单号{ID}8", None),  # 19 digits: part of a longer number
    ("身份证号110105194913310021", None),  # month 13 is no date
    ("老身份证号110105491231002", "110105491231002"),  # 15-digit legacy with context
    ("编号110105491231002已作废", None),  # 15-digit without context: too ambiguous
]


@pytest.mark.parametrize(("text", "expected"), RESIDENT_ID_CASES)
def test_when_resident_id_in_text_then_only_valid_ones_are_found(
    text: str, expected: str | None
) -> None:
    ids = [value for kind, value in found(text) if kind == "CN_RESIDENT_ID"]
    assert ids == ([expected] if expected else [])


USCC_CASES = [
    # (text, expected USCC span or None)
    (f"统一社会信用代码{CODE}", CODE),  # valid, glued
    ("信用代码91350100M000100Y43。", "91350100M000100Y43"),  # DOMAIN vector with letters inside
    (f"代码{CODE.lower()}", CODE.lower()),  # typed in lower case
    (f"信用代码{wrong_check(CODE)}", None),  # wrong check character
    (f"营业执照{full_width(CODE)}", full_width(CODE)),  # full-width
]


@pytest.mark.parametrize(("text", "expected"), USCC_CASES)
def test_when_uscc_in_text_then_checksum_decides(text: str, expected: str | None) -> None:
    codes = [value for kind, value in found(text) if kind == "CN_USCC"]
    assert codes == ([expected] if expected else [])


DOCUMENT_CASES = [
    # (text, expected (type, span) or None)
    ("护照号码E12345678，", ("CN_PASSPORT", "E12345678")),  # ordinary e-passport with context
    ("通行证C12345678已过期", ("CN_PASSPORT", "C12345678")),  # 往来港澳通行证 with context
    ("回乡证H12345678", ("CN_PASSPORT", "H12345678")),  # 回乡证 with context
    ("型号E12345678的设备", None),  # passport shape without context: a product code
    ("车牌苏D40000违章", ("CN_PLATE", "苏D40000")),  # ordinary plate
    ("车牌粤BD12345", ("CN_PLATE", "粤BD12345")),  # new-energy plate
    ("京ABCDE", None),  # letters only: not a plate
]


@pytest.mark.parametrize(("text", "expected"), DOCUMENT_CASES)
def test_when_document_number_in_text_then_context_rules_apply(
    text: str, expected: tuple[str, str] | None
) -> None:
    hits = [hit for hit in found(text) if hit[0] in {"CN_PASSPORT", "CN_PLATE"}]
    assert hits == ([expected] if expected else [])
