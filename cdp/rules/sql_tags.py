"""`has_tag` over a JSON list column, rendered per dialect when the statement compiles.

SQLite: `json_type(col) = 'array' AND EXISTS (SELECT * FROM json_each(col) WHERE value = :tag)`.
PostgreSQL: `jsonb_typeof(CAST(col AS JSONB)) = 'array' AND CAST(col AS JSONB) ? :tag`.
Both test the array's string elements only, as the Python backend does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, String, and_, cast, exists, func, literal
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal


class HasTagClause(ColumnElement[bool]):
    """A JSON list column holds a string; which SQL tests it is the dialect's choice."""

    type = Boolean()
    inherit_cache = True
    # SQLAlchemy declares this an instance attribute; its cache key walks these children.
    _traverse_internals: list[tuple[str, InternalTraversal]] = [  # noqa: RUF012
        ("column", InternalTraversal.dp_clauseelement),
        ("tag", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], tag: ColumnElement[str]):
        self.column = column
        self.tag = tag

    @property
    def _from_objects(self) -> list[Any]:
        return self.column._from_objects


def has_tag(column: ColumnElement[Any], tag: str) -> ColumnElement[bool]:
    """Tests that a JSON list column contains the tag (bound as a parameter)."""
    return HasTagClause(column, literal(tag, String()))


@compiles(HasTagClause)
def _json_each(element: HasTagClause, compiler: SQLCompiler, **kw: Any) -> str:
    items = func.json_each(element.column).table_valued("value")
    test = and_(
        func.json_type(element.column) == "array",
        exists().where(items.c.value == element.tag),
    )
    return compiler.process(test, **kw)


@compiles(HasTagClause, "postgresql")
def _jsonb(element: HasTagClause, compiler: SQLCompiler, **kw: Any) -> str:
    document = cast(element.column, JSONB)
    test = and_(func.jsonb_typeof(document) == "array", document.has_key(element.tag))
    return compiler.process(test, **kw)
