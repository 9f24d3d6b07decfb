"""Fixed-length identifiers masked by keeping a few characters at each end (DOMAIN.md §4.2)."""

from __future__ import annotations

from typing import ClassVar

from masking.operators.base import MaskOperator, compact, keep_ends, stars
from masking.operators.rules import MaskRule


class IdOperator(MaskOperator):
    """M-ID: first 1 + last 1; `verify` shows the region code and last 4 but not the birth date."""

    VERIFY: ClassVar[str] = "verify"
    name = MaskRule.ID
    variants = frozenset({VERIFY})

    def _mask(self, value: str, variant: str | None) -> str:
        number = compact(value)
        if variant != self.VERIFY:
            return keep_ends(number, 1, 1, min_hidden=4)
        # A 15-digit ID ends with YYMMDD + 3 sequence digits: its last 4 would show the birth day.
        tail = 3 if len(number) == 15 and number.isdigit() else 4
        return keep_ends(number, 6, tail, min_hidden=5)


class PanOperator(MaskOperator):
    """M-PAN: first 6 + last 4 for service staff; `last4` for marketing and analytics."""

    LAST4: ClassVar[str] = "last4"
    name = MaskRule.PAN
    variants = frozenset({LAST4})
    strictest = LAST4

    def _mask(self, value: str, variant: str | None) -> str:
        number = compact(value)
        if not number.isdigit():
            return stars(len(number))
        head = 0 if variant == self.LAST4 else 6
        return keep_ends(number, head, 4, min_hidden=4)


class PassportOperator(MaskOperator):
    """M-PASSPORT: first 2 + last 2 of a passport or travel-permit number."""

    name = MaskRule.PASSPORT

    def _mask(self, value: str, variant: str | None) -> str:
        return keep_ends(compact(value), 2, 2, min_hidden=4)


class UsccOperator(MaskOperator):
    """M-USCC: first 8 (authority, type, region) + last 2 of a unified social credit code."""

    name = MaskRule.USCC

    def _mask(self, value: str, variant: str | None) -> str:
        return keep_ends(compact(value), 8, 2, min_hidden=6)


class PlateOperator(MaskOperator):
    """M-PLATE: province, issuing letter, first and last character of the serial."""

    name = MaskRule.PLATE

    def _mask(self, value: str, variant: str | None) -> str:
        return keep_ends(compact(value), 3, 1, min_hidden=3)


class GenericOperator(MaskOperator):
    """M-GEN: first 2 + last 2 of any other identifier, which keeps its own punctuation."""

    name = MaskRule.GEN

    def _mask(self, value: str, variant: str | None) -> str:
        return keep_ends(value.strip(), 2, 2, min_hidden=4)
