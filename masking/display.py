"""Display masks for identifiers (DOMAIN.md §4.2), kept as shortcuts over the shipped operators."""

from __future__ import annotations

from functools import cache

from masking.operators import MaskRegistry, MaskRule, default_registry, mask_field


@cache
def _registry() -> MaskRegistry:
    # Built on first use, not at import: modules import nothing but constants.
    return default_registry()


def mask_id(value: str) -> str:
    """M-ID: first 1 and last 1 characters of an ID number."""
    return mask_field(_registry(), MaskRule.ID, value)


def mask_mobile(value: str) -> str:
    """M-MOBILE: first 3 and last 4 digits."""
    return mask_field(_registry(), MaskRule.MOBILE, value)


def mask_email(value: str) -> str:
    """M-EMAIL: first character of the local part and the full domain."""
    return mask_field(_registry(), MaskRule.EMAIL, value)


def mask_pan(value: str) -> str:
    """M-PAN: first 6 and last 4 digits of a card number."""
    return mask_field(_registry(), MaskRule.PAN, value)
