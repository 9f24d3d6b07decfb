"""M-ADDR: the region-level prefix stays, one star per character of the rest."""

from __future__ import annotations

import pytest

from masking.operators import MaskRule, default_registry

REGISTRY = default_registry()

ADDRESS_CASES = [
    # (value, masked)
    # DOMAIN example; DOMAIN prints 9 stars, but the tail 中关村大街1号 has 7 characters
    ("北京市海淀区中关村大街1号", "北京市海淀区*******"),
    ("北京市海淀区中关村大街1号3单元502", "北京市海淀区*************"),  # DOMAIN field example
    ("广东省广州市天河区体育西路191号", "广东省广州市天河区********"),  # 州 inside a city name
    ("上海市浦东新区世纪大道100号", "上海市浦东新区********"),  # 新区
    ("山东省济南市市中区经十路", "山东省济南市市中区***"),  # a district named 市中区
    ("新疆维吾尔自治区乌鲁木齐市天山区解放南路", "新疆维吾尔自治区乌鲁木齐市天山区****"),  # 自治区
    ("内蒙古自治区锡林郭勒盟锡林浩特市额尔敦路", "内蒙古自治区锡林郭勒盟锡林浩特市****"),  # 盟
    ("吉林省延边朝鲜族自治州延吉市河南街", "吉林省延边朝鲜族自治州延吉市***"),  # 自治州
    ("江苏省苏州市昆山市前进路", "江苏省苏州市昆山市***"),  # county-level city
    ("浙江省杭州西湖区文三路", "浙江省杭州西湖区***"),  # city written without 市
    ("北京市中关村大街1号", "北京市*******"),  # no district: only the city shows
    ("广东省深圳大道1号", "广东省******"),  # no city or district: only the province shows
    ("北京市朝阳区市场街1号", "北京市朝阳区*****"),  # 市 in a street name is not a level
    ("北京市学院小区3号", "北京市******"),  # 小区 is a housing estate, not a district
    ("北京市公安局海淀分局", "北京市*******"),  # id_issuer field
    ("北京市海淀区", "北京市***"),  # region only: the finest level is starred
    ("北京市", "***"),  # city only
    ("中关村大街1号", "*******"),  # no division at all
    ("  北京市海淀区中关村  ", "北京市海淀区***"),  # surrounding spaces
]


@pytest.mark.parametrize(("value", "masked"), ADDRESS_CASES)
def test_when_an_address_is_masked_then_only_the_region_shows(value: str, masked: str) -> None:
    assert REGISTRY.mask(MaskRule.ADDR, value) == masked
