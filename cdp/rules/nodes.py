"""The parsed rule tree: small frozen nodes both backends walk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cdp.rules.attributes import Attribute

Scalar = int | str | date


class CompareOp(StrEnum):
    """Binary comparisons kept as such after parsing (ordered enums become `Member`)."""

    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"


@dataclass(frozen=True, slots=True)
class AllOf:
    """True when every child is."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """True when some child is."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """True when the child is false (leaves are two-valued, so this is plain negation)."""

    child: Node


@dataclass(frozen=True, slots=True)
class Compare:
    """`attribute <op> value`; false when the attribute is NULL."""

    attribute: Attribute
    op: CompareOp
    value: Scalar


@dataclass(frozen=True, slots=True)
class Member:
    """`attribute in values` (sorted for stable SQL); false when the attribute is NULL."""

    attribute: Attribute
    values: tuple[Scalar, ...]


@dataclass(frozen=True, slots=True)
class Between:
    """`low <= attribute <= high`; false when the attribute is NULL."""

    attribute: Attribute
    low: Scalar
    high: Scalar


@dataclass(frozen=True, slots=True)
class IsBool:
    """`attribute is true|false`; false when the attribute is NULL."""

    attribute: Attribute
    value: bool


@dataclass(frozen=True, slots=True)
class HasTag:
    """The str_set attribute holds `tag`; false when it is NULL or not a list."""

    attribute: Attribute
    tag: str


Node = AllOf | AnyOf | Not | Compare | Member | Between | IsBool | HasTag


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated rule with what segments must know about it before running it."""

    root: Node
    attributes: frozenset[str]  # names of the attributes used
    uses_sensitive: bool  # some attribute used derives from sensitive personal information
