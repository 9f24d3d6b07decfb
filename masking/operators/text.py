"""Operators that do not look inside the value: free text and C1 fields shown as they are."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from masking.operators.rules import MaskRule

HIDDEN = "***"


class _Registry(Protocol):
    def get(self, rule_id: str) -> object: ...


class TextAnonymizer(Protocol):
    """Masks the PII inside free text (a PII detector's anonymize)."""

    def __call__(self, text: str, *, held_names: Iterable[str] = ()) -> str:
        """Returns the text with every entity found masked; held names are always entities."""
        ...


class FreeTextOperator:
    """M-TEXT: masks each PII span a detector finds; with no detector, hides the whole text."""

    name = MaskRule.TEXT
    variants: frozenset[str] = frozenset()
    strictest: str | None = None

    def __init__(self, anonymize: TextAnonymizer | None = None) -> None:
        self._anonymize = anonymize

    @classmethod
    def of(cls, registry: _Registry) -> FreeTextOperator:
        """The registry's M-TEXT operator, or one that hides every text (fail closed)."""
        operator = registry.get(MaskRule.TEXT)
        return operator if isinstance(operator, FreeTextOperator) else cls()

    def mask(
        self, value: str, variant: str | None = None, *, held_names: Iterable[str] = ()
    ) -> str:
        """Returns the text with its PII masked (the subject's own names surely); else as is."""
        if not value:
            return ""
        if self._anonymize is None:
            return HIDDEN
        try:
            return self._anonymize(value, held_names=held_names)
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
