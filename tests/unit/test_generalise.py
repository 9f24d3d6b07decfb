"""Generalisers: age bands and minor flags, cities, AUM tiers and amount bands (table-driven)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from masking.generalise import Generaliser, city_of

GENERAL = Generaliser()
AS_OF = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("birth", "band", "u14", "u18"),
    [
        (date(2012, 11, 24), "<18", True, True),  # 13 until tomorrow
        (date(2012, 11, 23), "<18", False, True),  # 14th birthday on the as-of date
        (date(2008, 11, 24), "<18", False, True),  # 17, turns 18 tomorrow
        (date(2008, 11, 23), "18–24", False, False),  # 18th birthday on the as-of date
        (date(2001, 11, 24), "18–24", False, False),  # 24, the band's top edge
        (date(2001, 11, 23), "25–29", False, False),  # 25 today
        (date(1996, 11, 23), "30–39", False, False),  # 30 today
        (date(1987, 1, 1), "30–39", False, False),  # 39
        (date(1956, 11, 23), "≥70", False, False),  # 70 today
        (date(2026, 11, 23), "<18", True, True),  # born on the as-of date
    ],
)
def test_when_a_birth_date_is_generalised_then_band_and_minor_flags_follow_the_as_of_date(
    birth: date, band: str, u14: bool, u18: bool
) -> None:
    facts = GENERAL.age(birth, AS_OF)
    assert facts is not None
    assert (facts.band, facts.under_14, facts.under_18) == (band, u14, u18)


@pytest.mark.parametrize(
    ("birth", "as_of", "band"),
    [
        (date(2008, 2, 29), date(2026, 2, 28), "<18"),  # leap-day birthday counts on 1 March
        (date(2008, 2, 29), date(2026, 3, 1), "18–24"),
    ],
)
def test_when_born_on_a_leap_day_then_the_birthday_counts_on_the_first_of_march(
    birth: date, as_of: date, band: str
) -> None:
    facts = GENERAL.age(birth, as_of)
    assert facts is not None
    assert facts.band == band


@pytest.mark.parametrize("birth", [None, date(2027, 1, 1)])  # unknown, and in the future
def test_when_the_birth_date_is_unusable_then_nothing_is_guessed(birth: date | None) -> None:
    assert GENERAL.age(birth, AS_OF) is None


@pytest.mark.parametrize(
    ("address", "city"),
    [
        ("北京市海淀区中关村大街1号3单元502室", "北京市"),  # 直辖市 names itself
        ("上海市浦东新区世纪大道100号", "上海市"),  # 直辖市
        ("天津滨海新区海河路8号", "天津市"),  # 直辖市 without 市
        ("重庆市渝中区解放碑步行街5号", "重庆市"),  # 直辖市
        ("广东省深圳市南山区科技园路1号", "深圳市"),  # province + city
        ("江苏省苏州市昆山市前进路3号", "苏州市"),  # a county-level city below the city
        ("深圳市南山区科技园路1号", "深圳市"),  # no province
        ("新疆维吾尔自治区乌鲁木齐市天山区解放路1号", "乌鲁木齐市"),  # 自治区
        ("广西壮族自治区南宁市青秀区民族大道9号", "南宁市"),  # 自治区
        ("内蒙古自治区锡林郭勒盟锡林浩特市额尔敦路2号", "锡林郭勒盟"),  # 盟
        ("四川省凉山彝族自治州西昌市航天大道3号", "凉山彝族自治州"),  # 自治州
        ("西藏自治区阿里地区噶尔县狮泉河镇1号", "阿里地区"),  # 地区
        ("吉林省吉林市船营区北京路7号", "吉林市"),  # province and city share a name
        ("香港特别行政区中西区皇后大道中1号", "香港特别行政区"),  # SAR
        ("广东省深圳市南山区科技园路１号", "深圳市"),  # full-width digits
        ("上海路12号", None),  # a street named after a city is no city
        ("中关村大街1号", None),  # no division at all
        ("", None),
    ],
)
def test_when_an_address_is_generalised_then_only_the_prefecture_level_city_remains(
    address: str, city: str | None
) -> None:
    assert city_of(address) == city


@pytest.mark.parametrize(
    ("aum", "tier"),
    [
        (Decimal(0), "大众"),
        (Decimal("49999.99"), "大众"),  # just under 贵宾
        (Decimal(50000), "贵宾"),  # the threshold itself belongs to the higher tier
        (Decimal("499999.99"), "贵宾"),
        (Decimal(500000), "财富"),
        (Decimal(5999999), "财富"),
        (Decimal(6000000), "私行"),
        (Decimal("1e9"), "私行"),
        (Decimal(-1), None),  # overdrawn or garbage: no tier
        (None, None),
    ],
)
def test_when_aum_is_generalised_then_the_configured_tier_applies(
    aum: Decimal | None, tier: str | None
) -> None:
    assert GENERAL.aum_tier(aum) == tier


def test_when_tiers_are_configured_then_their_thresholds_apply() -> None:
    custom = Generaliser(aum_tiers=(("大众", 0), ("贵宾", 200_000), ("私行", 10_000_000)))
    assert custom.aum_tier(Decimal(199_999)) == "大众"
    assert custom.aum_tier(Decimal(200_000)) == "贵宾"
    assert custom.aum_tier(Decimal(10_000_000)) == "私行"


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        (Decimal(0), "<5万"),
        (Decimal(50000), "5万–20万"),  # lower edge belongs to the band
        (Decimal(1234567), "100万–300万"),
        (Decimal(10000000), "≥1000万"),
        (Decimal(-5), None),
    ],
)
def test_when_an_amount_is_banded_then_the_band_label_is_returned(
    amount: Decimal, band: str | None
) -> None:
    assert GENERAL.amount_band(amount) == band


@pytest.mark.parametrize(
    "kwargs",
    [
        {"age_edges": (18, 18)},  # not strictly increasing
        {"aum_tiers": (("贵宾", 1), ("私行", 5))},  # does not start at 0
        {"aum_tiers": (("大众", 0), ("私行", 5), ("财富", 5))},  # thresholds do not rise
        {"amount_edges": ()},  # no bands
    ],
)
def test_when_bands_are_malformed_then_construction_fails(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"edges|tiers"):
        Generaliser(**kwargs)  # type: ignore[arg-type]
