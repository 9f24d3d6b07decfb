"""Operators that do not look inside the value: free text and C1 fields shown as they are."""

from __future__ import annotations

from masking.operators.base import MaskOperator
from masking.operators.rules import MaskRule


class FreeTextOperator(MaskOperator):
    """M-TEXT: hides the whole text until PII spans can be detected and masked one by one."""

    name = MaskRule.TEXT

    def _mask(self, value: str, variant: str | None) -> str:
        return "***"


class NoMaskOperator:
    """none: shows a C1 value as it is; the only operator allowed to echo its input."""

    name = MaskRule.NONE
    variants: frozenset[str] = frozenset()
    strictest: str | None = None

    def mask(self, value: str, variant: str | None = None) -> str:
        """Returns `value` unchanged."""
        return value
