"""The validator contract: the refusal exception, per-field errors and the name registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Validator = Callable[[str], str]
VALIDATORS: dict[str, Validator] = {}


class FieldInvalid(ValueError):
    """A raw value failed validation; `reason` is a short phrase that never contains the value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class FieldError:
    """One refused field of a record: its name and why, never its value."""

    field: str
    reason: str


def register(name: str, fn: Validator) -> None:
    """Makes `fn` available under the validator name that fields.yaml refers to."""
    if name in VALIDATORS:
        raise ValueError(f"validator {name} is registered twice")
    VALIDATORS[name] = fn
