"""The registry, the `mask_field` entry point, the fail-closed contract and its properties."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masking.display import mask_email, mask_id, mask_mobile, mask_pan
from masking.operators import MaskOperator, MaskRegistry, MaskRule, default_registry, mask_field
from masking.operators.identifiers import PanOperator

REGISTRY = default_registry()
LONG_NUMBER = re.compile(r"[0-9]{11,}")


class Exploding(MaskOperator):
    """A broken operator whose error message would carry the clear value."""

    name = "M-TEST"

    def _mask(self, value: str, variant: str | None) -> str:
        raise ValueError(f"cannot mask {value}")


def test_when_the_default_registry_is_built_then_every_rule_is_registered() -> None:
    assert REGISTRY.rule_ids() == {rule.value for rule in MaskRule}


def test_when_a_rule_is_unknown_then_get_raises_key_error() -> None:
    with pytest.raises(KeyError):
        REGISTRY.get("M-ORG")


def test_when_a_rule_is_unknown_then_mask_field_raises_rather_than_showing_the_value() -> None:
    with pytest.raises(KeyError):
        mask_field(REGISTRY, "M-ORG", "北京某某科技有限公司")


def test_when_a_rule_is_registered_twice_then_registration_fails() -> None:
    registry = MaskRegistry()
    registry.register(PanOperator())
    with pytest.raises(ValueError, match="already registered"):
        registry.register(PanOperator())


@pytest.mark.parametrize(
    ("rule", "value", "variant", "masked"),
    [
        # PAN: the strictest form is last 4 only, not the first 6 + last 4 default
        (MaskRule.PAN, "6222021234567890128", "marketing", "***************0128"),
        # ID: the default is already the strictest
        (MaskRule.ID, "11010519491231002X", "low", "1****************X"),
        # amount: the default `***` is the strictest
        (MaskRule.AMT, "1,234,567.89", "exact", "***"),
        # a variant of another rule is unknown here
        (MaskRule.MOBILE, "13812345678", "verify", "138****5678"),
    ],
)
def test_when_a_variant_is_unknown_then_the_strictest_form_is_used(
    rule: MaskRule, value: str, variant: str, masked: str
) -> None:
    assert mask_field(REGISTRY, rule, value, variant) == masked


def test_when_an_operator_is_called_directly_with_an_unknown_variant_then_it_is_strictest() -> None:
    assert PanOperator().mask("6222021234567890128", "marketing") == "***************0128"


def test_when_the_value_is_none_then_mask_field_returns_none() -> None:
    assert mask_field(REGISTRY, MaskRule.NAME, None) is None


def test_when_an_operator_fails_then_the_value_is_starred_not_raised() -> None:
    assert Exploding().mask("13812345678") == "***********"


@pytest.mark.parametrize(
    ("shortcut", "rule", "value"),
    [
        (mask_id, MaskRule.ID, "11010519491231002X"),  # demo lookup by ID number
        (mask_mobile, MaskRule.MOBILE, "+86 138 1234 5678"),  # demo lookup by mobile
        (mask_email, MaskRule.EMAIL, "zhangwei@example.cn"),  # demo lookup by e-mail
        (mask_pan, MaskRule.PAN, "6222 0212 3456 7890 128"),  # demo lookup by card number
    ],
)
def test_when_a_display_shortcut_is_used_then_it_masks_like_mask_field(
    shortcut: Callable[[str], str], rule: MaskRule, value: str
) -> None:
    assert shortcut(value) == mask_field(REGISTRY, rule, value)


MASKING_RULES = [rule for rule in MaskRule if rule is not MaskRule.NONE]
ANY_TEXT = st.one_of(
    st.text(min_size=1),
    st.from_regex(r"[0-9 +\-().@X*]{1,30}", fullmatch=True),
    st.text(alphabet="北京市海淀区省自治州县旗盟张欧阳·苏D0123456789 *@.-", min_size=1),
    st.from_regex(r"[0-9０-９]{11,19}(@[a-z0-9.]{1,12})?", fullmatch=True),
)


@settings(max_examples=300)
@given(
    rule=st.sampled_from(MASKING_RULES),
    value=ANY_TEXT,
    variant=st.sampled_from([None, "verify", "last4", "band", "unknown"]),
)
def test_when_any_value_is_masked_then_it_is_never_echoed_nor_a_long_number_kept(
    rule: MaskRule, value: str, variant: str | None
) -> None:
    masked = mask_field(REGISTRY, rule, value, variant)
    if set(value) != {"*"}:  # only a value that is already all stars has nothing left to hide
        assert masked != value
    for number in LONG_NUMBER.findall(unicodedata.normalize("NFKC", value)):
        assert number not in masked
