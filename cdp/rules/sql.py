"""The SQL backend: a rule as a SQLAlchemy Core boolean expression with bound parameters only.

Every leaf is two-valued (`col IS NOT NULL AND ...` is FALSE, never NULL, on a NULL column), so
`not_` is plain negation and a WHERE clause keeps exactly the rows `compile_predicate` accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, false, not_, or_
from sqlalchemy.sql.expression import FromClause

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
from cdp.rules.sql_tags import has_tag

Columns = FromClause | Mapping[str, ColumnElement[Any]]
Comparison = Callable[[ColumnElement[Any], Any], ColumnElement[bool]]
COMPARISONS: dict[CompareOp, Comparison] = {
    CompareOp.EQ: lambda c, v: c == v,
    CompareOp.NE: lambda c, v: c != v,
    CompareOp.LT: lambda c, v: c < v,
    CompareOp.LE: lambda c, v: c <= v,
    CompareOp.GT: lambda c, v: c > v,
    CompareOp.GE: lambda c, v: c >= v,
}


def to_sql(rule: Rule, columns: Columns) -> ColumnElement[bool]:
    """Renders the rule over a table (columns by column name) or a column-name mapping."""
    lookup = columns.c if isinstance(columns, FromClause) else columns
    return _render(rule.root, lambda name: lookup[name])


def _render(node: Node, col: Callable[[str], ColumnElement[Any]]) -> ColumnElement[bool]:
    match node:
        case AllOf(children):
            return and_(*(_render(child, col) for child in children))
        case AnyOf(children):
            return or_(*(_render(child, col) for child in children))
        case Not(child):
            return not_(_render(child, col))
    column = col(node.attribute.column)
    return and_(column.is_not(None), _test(node, column))


def _test(node: Node, column: ColumnElement[Any]) -> ColumnElement[bool]:
    match node:
        case Compare(_, op, value):
            return COMPARISONS[op](column, value)
        case Member(_, values):
            return column.in_(values) if values else false()
        case Between(_, low, high):
            return column.between(low, high)
        case IsBool(_, value):
            return column == value
        case HasTag(_, tag):
            return has_tag(column, tag)
    raise TypeError(f"not a rule node: {type(node).__name__}")
