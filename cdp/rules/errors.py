"""Errors of the rule language: they name where and why, and never echo large input."""

from __future__ import annotations

SHOWN = 40  # characters of an offending key or value kept in a message


def show(value: object) -> str:
    """Renders an offending value for a message, truncated so input is never echoed whole."""
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


class RuleInvalid(ValueError):
    """A rule was refused; `path` locates the fault (e.g. `all[2].value`), `reason` says why."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path or '<root>'}: {reason}")


class AttributeSpecInvalid(ValueError):
    """The attribute whitelist itself is malformed (a configuration error, not user input)."""
