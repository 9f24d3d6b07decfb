"""M-AMT: amounts are `***`, or a band label for authorised roles; an edge opens the upper band."""

from __future__ import annotations

import pytest

from masking.operators import MaskRule, default_registry
from masking.operators.amount import AmountOperator, band_labels, parse_amount

REGISTRY = default_registry()

BAND_CASES = [
    # (value, label)
    ("1,234,567.89", "100万–300万"),  # DOMAIN example
    ("0", "<5万"),  # zero
    ("49999.99", "<5万"),  # just under the first edge
    ("50000", "5万–20万"),  # an edge belongs to the band above it
    ("199999.99", "5万–20万"),  # just under 20万
    ("200000", "20万–50万"),  # edge
    ("500000.00", "50万–100万"),  # edge with decimals
    ("1000000", "100万–300万"),  # edge
    ("3000000", "300万–600万"),  # edge
    ("6000000", "600万–1000万"),  # edge
    ("9999999.99", "600万–1000万"),  # just under the top edge
    ("10000000", "≥1000万"),  # top edge
    ("123456789012", "≥1000万"),  # huge
    ("123.4万", "100万–300万"),  # amount written in 万
    ("1.2亿", "≥1000万"),  # amount written in 亿
    ("¥ 80,000", "5万–20万"),  # currency sign and spaces
    ("RMB 80000元", "5万–20万"),  # currency code and unit
    ("-5", "***"),  # negative (overdraft): no band
    ("-1,234,567.89", "***"),  # large negative
    ("abc", "***"),  # garbage
    ("1e6", "***"),  # scientific notation is not accepted
    ("NaN", "***"),  # not a number
    ("1.2.3", "***"),  # two decimal points
]


@pytest.mark.parametrize(("value", "label"), BAND_CASES)
def test_when_an_amount_is_banded_then_the_band_label_shows(value: str, label: str) -> None:
    assert REGISTRY.mask(MaskRule.AMT, value, "band") == label


@pytest.mark.parametrize("value", ["1,234,567.89", "0", "-5", "abc"])
def test_when_no_variant_is_given_then_the_amount_is_hidden(value: str) -> None:
    assert REGISTRY.mask(MaskRule.AMT, value) == "***"


def test_when_bands_are_configured_then_labels_follow_them() -> None:
    operator = AmountOperator((10_000, 100_000_000))
    assert [operator.mask(v, "band") for v in ("5000", "20000", "100000000")] == [
        "<1万",
        "1万–1亿",
        "≥1亿",
    ]


def test_when_the_default_bands_are_named_then_they_match_the_domain_list() -> None:
    assert band_labels((50_000, 200_000, 500_000, 1_000_000, 3_000_000, 6_000_000, 10_000_000)) == (
        "<5万",
        "5万–20万",
        "20万–50万",
        "50万–100万",
        "100万–300万",
        "300万–600万",
        "600万–1000万",
        "≥1000万",
    )


@pytest.mark.parametrize(
    "bands",
    [
        (),  # no edges
        (0, 50_000),  # zero edge
        (50_000, 50_000),  # repeated edge
        (200_000, 50_000),  # decreasing
    ],
)
def test_when_band_edges_are_invalid_then_construction_fails(bands: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        AmountOperator(bands)


def test_when_an_amount_is_parsed_then_units_are_applied() -> None:
    assert parse_amount("1.5万") == 15_000
