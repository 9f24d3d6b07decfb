"""M-NAME and M-NAME-LATIN: surname only, fixed-length given-name mask, initials for Latin names."""

from __future__ import annotations

import pytest

from masking.operators import MaskRule, default_registry
from masking.operators.surnames import COMPOUND_SURNAMES

REGISTRY = default_registry()

NAME_CASES = [
    # (value, masked)
    ("张伟", "张*"),  # DOMAIN example: two-character name, one star
    ("李秀英", "李**"),  # DOMAIN example: three characters, two stars
    ("欧阳娜娜", "欧阳**"),  # DOMAIN example: compound surname kept whole
    ("欧阳娜", "欧阳**"),  # compound surname, three characters: still two stars
    ("司马相如", "司马**"),  # another compound surname
    ("诸葛亮", "诸葛**"),  # compound surname with a one-character given name
    ("欧阳", "欧*"),  # two characters are read as surname 欧 + given name 阳
    ("张三丰", "张**"),  # single surname, two-character given name
    ("王小明明", "王**"),  # four characters: still two stars, length not leaked
    ("张", "*"),  # one character: nothing may be shown
    ("欧阳 娜娜", "欧阳**"),  # spaces inside a Han name are ignored
    ("  张伟  ", "张*"),  # surrounding spaces
    ("买买提·艾力", "买**·**"),  # Uyghur name: first character and the dotted shape
    ("阿沛.阿旺晋美", "阿**·**"),  # minority name typed with a full stop
    ("买买提・艾力", "买**·**"),  # katakana middle dot as typed by some IMEs
    ("张**", "***"),  # an already masked name would echo: fully starred
    ("John Smith", "J*** S****"),  # Latin name goes to M-NAME-LATIN
    ("ＪＯＨＮ", "J***"),  # full-width Latin letters are folded first
]

LATIN_CASES = [
    # (value, masked)
    ("John Smith", "J*** S****"),  # DOMAIN example
    ("Anne-Marie d'Arc", "A********* d****"),  # hyphen and apostrophe stay inside words
    ("J. R. Smith", "J* R* S****"),  # initials with periods
    ("A B", "* *"),  # one-letter words: nothing may be shown
    ("Li", "L*"),  # two letters
]


@pytest.mark.parametrize(("value", "masked"), NAME_CASES)
def test_when_a_name_is_masked_then_only_the_surname_shows(value: str, masked: str) -> None:
    assert REGISTRY.mask(MaskRule.NAME, value) == masked


@pytest.mark.parametrize(("value", "masked"), LATIN_CASES)
def test_when_a_latin_name_is_masked_then_only_initials_show(value: str, masked: str) -> None:
    assert REGISTRY.mask(MaskRule.NAME_LATIN, value) == masked


@pytest.mark.parametrize(
    "surname",
    # the compound surnames the masking brief requires at least
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "闾丘",
        "端木",
        "独孤",
        "南宫",
        "申屠",
        "太史",
        "百里",
        "呼延",
        "拓跋",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "太叔",
        "仲孙",
        "赫连",
    ],
)
def test_when_a_name_starts_with_a_listed_compound_surname_then_both_characters_show(
    surname: str,
) -> None:
    assert surname in COMPOUND_SURNAMES
    assert REGISTRY.mask(MaskRule.NAME, surname + "明") == surname + "**"
