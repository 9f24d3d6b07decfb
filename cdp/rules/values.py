"""Checks one rule value against its attribute's type, returning the value both backends use."""

from __future__ import annotations

import re
from datetime import date, datetime

from cdp.rules.attributes import Attribute, AttrType
from cdp.rules.errors import RuleInvalid, show
from cdp.rules.nodes import Scalar

MAX_TEXT = 128  # characters of a str value
MAX_INT = 2**53  # beyond it JSON numbers lose precision
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TAG = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def check_value(attribute: Attribute, raw: object, path: str) -> Scalar:
    """Returns `raw` as a value of the attribute's type, or refuses it."""
    kind = attribute.type
    if kind in (AttrType.ENUM, AttrType.STR):
        return _text(attribute, raw, path)
    if kind is AttrType.INT:
        if type(raw) is not int or abs(raw) > MAX_INT:
            raise RuleInvalid(path, f"expected an integer within ±2**53, got {show(raw)}")
        return raw
    if kind is AttrType.DATE:
        return _date(raw, path)
    raise RuleInvalid(path, f"attribute {attribute.name} of type {kind} takes no such value")


def check_tag(attribute: Attribute, raw: object, path: str) -> str:
    """Returns a well-formed tag name (one of the declared tags, when there are any)."""
    if not isinstance(raw, str) or not TAG.fullmatch(raw):
        raise RuleInvalid(path, f"expected a tag name [A-Za-z0-9_.:-]{{1,64}}, got {show(raw)}")
    if attribute.values and raw not in attribute.values:
        raise RuleInvalid(path, f"unknown tag {show(raw)}")
    return raw


def check_bool(raw: object, path: str) -> bool:
    """Returns a JSON boolean (never 0/1 or a string)."""
    if not isinstance(raw, bool):
        raise RuleInvalid(path, f"expected true or false, got {show(raw)}")
    return raw


def _text(attribute: Attribute, raw: object, path: str) -> str:
    if not isinstance(raw, str) or not 0 < len(raw) <= MAX_TEXT:
        raise RuleInvalid(path, f"expected a string of 1 to {MAX_TEXT} characters, got {show(raw)}")
    if attribute.type is AttrType.ENUM and raw not in attribute.values:
        raise RuleInvalid(path, f"{show(raw)} is not a value of {attribute.name}")
    return raw


def _date(raw: object, path: str) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw  # YAML loads unquoted dates as date objects
    if isinstance(raw, str) and ISO_DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise RuleInvalid(path, f"expected a date YYYY-MM-DD, got {show(raw)}")
