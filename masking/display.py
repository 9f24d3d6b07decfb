"""Display masks for identifiers (DOMAIN.md §4.2) used wherever a value is shown to a person."""

from __future__ import annotations


def _stars(count: int) -> str:
    return "*" * max(count, 0)


def mask_id(value: str) -> str:
    """M-ID: first 1 and last 1 characters of an ID number."""
    if len(value) <= 2:
        return _stars(len(value))
    return value[0] + _stars(len(value) - 2) + value[-1]


def mask_mobile(value: str) -> str:
    """M-MOBILE: first 3 and last 4 digits."""
    if len(value) < 8:
        return _stars(len(value))
    return value[:3] + _stars(len(value) - 7) + value[-4:]


def mask_email(value: str) -> str:
    """M-EMAIL: first character of the local part and the full domain."""
    local, at, domain = value.partition("@")
    if not at or not local:
        return _stars(len(value))
    return local[0] + _stars(len(local) - 1) + "@" + domain


def mask_pan(value: str) -> str:
    """M-PAN: first 6 and last 4 digits of a card number."""
    digits = value.replace(" ", "")
    if len(digits) < 11:
        return _stars(len(digits))
    return digits[:6] + _stars(len(digits) - 10) + digits[-4:]
