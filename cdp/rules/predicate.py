"""The Python backend: a rule compiled once into a closure, cheap enough for bulk tagging.

Rows map column names to values. A leaf on a NULL or missing value is false, and `not` is plain
negation, exactly as `to_sql` renders them (docs/rules.md, "NULL semantics").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import reduce
from typing import Any

from cdp.rules.nodes import (
    AllOf,
    AnyOf,
    Between,
    Compare,
    CompareOp,
    HasTag,
    IsBool,
    Member,
    Node,
    Not,
    Rule,
)

Predicate = Callable[[Mapping[str, Any]], bool]
TAG_CONTAINERS = (list, tuple, set, frozenset)


def evaluate(rule: Rule, row: Mapping[str, Any]) -> bool:
    """Tells whether one row matches (compile once with compile_predicate for many rows)."""
    return compile_predicate(rule)(row)


def compile_predicate(rule: Rule) -> Predicate:
    """Compiles the rule into a function of a row."""
    return _compile(rule.root)


def _compile(node: Node) -> Predicate:
    match node:
        case AllOf(children):
            return reduce(_both, [_compile(child) for child in children])
        case AnyOf(children):
            return reduce(_either, [_compile(child) for child in children])
        case Not(child):
            inner = _compile(child)
            return lambda row: not inner(row)
        case _:
            return _leaf(node)


def _leaf(node: Node) -> Predicate:
    match node:
        case Compare(attribute, op, value):
            return COMPARE[op](attribute.column, value)
        case Member(attribute, values):
            column, members = attribute.column, frozenset(values)
            return lambda row: row.get(column) in members  # None is never a member
        case Between(attribute, low, high):
            column = attribute.column
            return lambda row: (v := row.get(column)) is not None and low <= v <= high
        case IsBool(attribute, value):
            column = attribute.column
            return lambda row: (v := row.get(column)) is not None and bool(v) is value
        case HasTag(attribute, tag):
            column = attribute.column
            return lambda row: isinstance(v := row.get(column), TAG_CONTAINERS) and tag in v
    raise TypeError(f"not a rule node: {type(node).__name__}")


def _both(first: Predicate, second: Predicate) -> Predicate:
    return lambda row: first(row) and second(row)  # a generator per row would cost twice this


def _either(first: Predicate, second: Predicate) -> Predicate:
    return lambda row: first(row) or second(row)


def _eq(column: str, value: Any) -> Predicate:
    return lambda row: row.get(column) == value  # the value is never None


def _ne(column: str, value: Any) -> Predicate:
    return lambda row: (v := row.get(column)) is not None and v != value


def _lt(column: str, value: Any) -> Predicate:
    return lambda row: (v := row.get(column)) is not None and v < value


def _le(column: str, value: Any) -> Predicate:
    return lambda row: (v := row.get(column)) is not None and v <= value


def _gt(column: str, value: Any) -> Predicate:
    return lambda row: (v := row.get(column)) is not None and v > value


def _ge(column: str, value: Any) -> Predicate:
    return lambda row: (v := row.get(column)) is not None and v >= value


# one closure per operator: calling operator.lt from a shared closure costs a call per row
COMPARE: dict[CompareOp, Callable[[str, Any], Predicate]] = {
    CompareOp.EQ: _eq,
    CompareOp.NE: _ne,
    CompareOp.LT: _lt,
    CompareOp.LE: _le,
    CompareOp.GT: _gt,
    CompareOp.GE: _ge,
}
