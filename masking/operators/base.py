"""The operator contract of DOMAIN.md §4.2 and a fail-closed base class for implementing it."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import ClassVar, Protocol

from masking.formats import normalise_width

_SEPARATORS = re.compile(r"[\s\-·.]")


class Operator(Protocol):
    """A masking rule that turns a clear value into what a person may see."""

    @property
    def name(self) -> str:
        """The rule id of DOMAIN.md §4.2, e.g. `M-NAME`."""
        ...

    @property
    def variants(self) -> frozenset[str]:
        """The variant names besides the default (None)."""
        ...

    @property
    def strictest(self) -> str | None:
        """The variant that hides most, used when an unknown variant is asked for."""
        ...

    def mask(self, value: str, variant: str | None = None) -> str:
        """Masks `value`; never raises, and returns `value` itself only when it is empty."""
        ...


class MaskOperator(ABC):
    """Wraps `_mask` in the contract: empty stays empty; odd input is starred, never echoed."""

    name: ClassVar[str]
    variants: ClassVar[frozenset[str]] = frozenset()
    strictest: ClassVar[str | None] = None

    def mask(self, value: str, variant: str | None = None) -> str:
        """Masks `value` with `variant`, an unknown variant getting the strictest form."""
        if not value:
            return ""
        if variant is not None and variant not in self.variants:
            variant = self.strictest
        try:
            masked = self._mask(value, variant)
        except Exception:  # an error message would carry the clear value into a log
            return stars(len(value))
        return stars(len(value)) if masked == value else masked

    @abstractmethod
    def _mask(self, value: str, variant: str | None) -> str:
        """Masks a non-empty value with a known variant (None = the default)."""


def stars(count: int) -> str:
    """Returns `count` mask characters, none for a negative count."""
    return "*" * max(count, 0)


def keep_ends(value: str, head: int, tail: int, *, min_hidden: int) -> str:
    """Shows `head` and `tail` characters around stars, or only stars when too little is hidden."""
    hidden = len(value) - head - tail
    if hidden < max(min_hidden, 1):
        return stars(len(value))
    return value[:head] + stars(hidden) + value[len(value) - tail :]


def compact(value: str) -> str:
    """Folds full width and drops whitespace, hyphens and dots typed inside identifiers."""
    return _SEPARATORS.sub("", normalise_width(value)).upper()
