"""The whitelist of masked-view attributes a rule may name, with their types and sensitivity."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cdp.rules.errors import AttributeSpecInvalid

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,62}")
TAGS = "tags"  # the str_set attribute `has_tag` tests


class AttrType(StrEnum):
    """Value types an attribute may have; each allows its own operators."""

    ENUM = "enum"
    INT = "int"
    BOOL = "bool"
    DATE = "date"
    STR = "str"
    STR_SET = "str_set"  # a JSON list of strings, e.g. tags


@dataclass(frozen=True, slots=True)
class Attribute:
    """One whitelisted attribute; `values` are enum members (in order when `ordered`) or known
    tags of a str_set (empty: any well-formed tag)."""

    name: str
    type: AttrType
    column: str
    sensitive: bool = False
    values: tuple[str, ...] = ()
    ordered: bool = False

    def __post_init__(self) -> None:
        for label, ident in (("name", self.name), ("column", self.column)):
            if not IDENTIFIER.fullmatch(ident):
                raise AttributeSpecInvalid(f"attribute {label} {ident!r} is not an identifier")
        if self.type is AttrType.ENUM and not self.values:
            raise AttributeSpecInvalid(f"enum attribute {self.name} has no values")
        if self.values and self.type not in (AttrType.ENUM, AttrType.STR_SET):
            raise AttributeSpecInvalid(f"attribute {self.name} of type {self.type} takes no values")
        if len(set(self.values)) != len(self.values):
            raise AttributeSpecInvalid(f"attribute {self.name} repeats a value")
        if self.ordered and self.type is not AttrType.ENUM:
            raise AttributeSpecInvalid(f"only enums can be ordered ({self.name})")


def attribute_from_spec(name: str, spec: Mapping[str, Any]) -> Attribute:
    """Builds an attribute from its configuration mapping (type, values, ordered, ...)."""
    unknown = set(spec) - {"type", "values", "ordered", "sensitive", "column"}
    if unknown:
        raise AttributeSpecInvalid(f"attribute {name} has unknown keys {sorted(unknown)}")
    try:
        kind = AttrType(str(spec.get("type")))
    except ValueError:
        raise AttributeSpecInvalid(f"attribute {name} has an unknown type") from None
    values = spec.get("values", ())
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise AttributeSpecInvalid(f"attribute {name}: values must be a list of strings")
    flags = {key: spec.get(key, False) for key in ("ordered", "sensitive")}
    if not all(isinstance(flag, bool) for flag in flags.values()):
        raise AttributeSpecInvalid(f"attribute {name}: ordered and sensitive are booleans")
    column = spec.get("column", name)
    if not isinstance(column, str):
        raise AttributeSpecInvalid(f"attribute {name}: column must be a string")
    return Attribute(name, kind, column, values=tuple(values), **flags)


class AttributeSet:
    """The whitelist: rules may name these attributes and nothing else."""

    def __init__(self, attributes: Iterable[Attribute]):
        self._by_name: dict[str, Attribute] = {}
        for attribute in attributes:
            if attribute.name in self._by_name:
                raise AttributeSpecInvalid(f"attribute {attribute.name} is declared twice")
            self._by_name[attribute.name] = attribute

    @classmethod
    def from_mapping(cls, spec: Mapping[str, Mapping[str, Any]]) -> AttributeSet:
        """Builds the whitelist from configuration: attribute name -> its spec mapping."""
        return cls(attribute_from_spec(name, item) for name, item in spec.items())

    def get(self, name: str) -> Attribute | None:
        """Returns the attribute so named, or None when it is not whitelisted."""
        return self._by_name.get(name)

    def __iter__(self) -> Iterator[Attribute]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name
