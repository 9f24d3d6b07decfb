"""Operators that do not look inside the value: free text and C1 fields shown as they are."""

from __future__ import annotations

from collections.abc import Callable

from masking.operators.rules import MaskRule

HIDDEN = "***"


class FreeTextOperator:
    """M-TEXT: masks each PII span a detector finds; with no detector, hides the whole text."""

    name = MaskRule.TEXT
    variants: frozenset[str] = frozenset()
    strictest: str | None = None

    def __init__(self, anonymize: Callable[[str], str] | None = None) -> None:
        self._anonymize = anonymize

    def mask(self, value: str, variant: str | None = None) -> str:
        """Returns the text with its PII masked; a text without PII is shown as it is."""
        if not value:
            return ""
        if self._anonymize is None:
            return HIDDEN
        try:
            return self._anonymize(value)
        except Exception:  # fail closed: an error message could carry the text into a log
            return HIDDEN


class NoMaskOperator:
    """none: shows a C1 value as it is; the only operator allowed to echo its input."""

    name = MaskRule.NONE
    variants: frozenset[str] = frozenset()
    strictest: str | None = None

    def mask(self, value: str, variant: str | None = None) -> str:
        """Returns `value` unchanged."""
        return value
