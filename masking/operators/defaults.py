"""The composition of the shipped masking rules: every operator of DOMAIN.md §4.2, by hand."""

from __future__ import annotations

from masking.operators.address import AddressOperator
from masking.operators.amount import DEFAULT_AMOUNT_BANDS, AmountOperator
from masking.operators.contact import EmailOperator, IpOperator, MobileOperator, TelOperator
from masking.operators.dates import YearOnlyOperator
from masking.operators.identifiers import (
    GenericOperator,
    IdOperator,
    PanOperator,
    PassportOperator,
    PlateOperator,
    UsccOperator,
)
from masking.operators.names import LatinNameOperator, NameOperator
from masking.operators.registry import MaskRegistry
from masking.operators.text import FreeTextOperator, NoMaskOperator, TextAnonymizer


def default_registry(
    *,
    amount_bands: tuple[int, ...] = DEFAULT_AMOUNT_BANDS,
    free_text: TextAnonymizer | None = None,
) -> MaskRegistry:
    """Builds a registry holding every rule of DOMAIN.md §4.2 and `none`.

    `free_text` masks the PII inside free text (a detector's anonymize); without it, M-TEXT
    hides the whole text.
    """
    registry = MaskRegistry()
    registry.register(NameOperator())
    registry.register(LatinNameOperator())
    registry.register(IdOperator())
    registry.register(MobileOperator())
    registry.register(TelOperator())
    registry.register(PanOperator())
    registry.register(EmailOperator())
    registry.register(AddressOperator())
    registry.register(YearOnlyOperator())
    registry.register(PassportOperator())
    registry.register(PlateOperator())
    registry.register(UsccOperator())
    registry.register(AmountOperator(amount_bands))
    registry.register(IpOperator())
    registry.register(GenericOperator())
    registry.register(FreeTextOperator(free_text))
    registry.register(NoMaskOperator())
    return registry
