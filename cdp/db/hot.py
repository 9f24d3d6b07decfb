"""Fixed SQL run straight on the driver cursor, for per-request and per-batch hot paths.

SQLAlchemy builds, caches and wraps every statement (about 200 µs a query here); a lookup that
must answer in well under 100 µs cannot afford that. Statements are written once with `?`
placeholders and translated for PostgreSQL; values come back as the driver returns them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection


class HotQuery:
    """One SELECT with a fixed shape, executed on the connection's own DB-API cursor."""

    __slots__ = ("_by_dialect",)

    def __init__(self, sql: str):
        self._by_dialect = {"sqlite": sql, "postgresql": sql.replace("?", "%s")}

    def all(self, conn: Connection, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Runs the query inside the connection's transaction and returns every row."""
        cursor = conn.connection.cursor()
        try:
            cursor.execute(self._by_dialect[conn.dialect.name], tuple(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()


class HotStream(HotQuery):
    """A SELECT read in blocks, so a ten-million-row walk never sits in memory at once."""

    __slots__ = ()

    def stream(
        self, conn: Connection, params: Sequence[Any], block: int = 10_000
    ) -> Iterator[tuple[Any, ...]]:
        """Yields the rows in order, fetching `block` at a time (server-side on PostgreSQL)."""
        raw = conn.connection
        if conn.dialect.name == "postgresql":  # a client cursor would buffer every row
            cursor = raw.dbapi_connection.cursor(name=f"cdp_stream_{uuid.uuid4().hex}")  # type: ignore[union-attr]
        else:
            cursor = raw.cursor()
        try:
            cursor.execute(self._by_dialect[conn.dialect.name], tuple(params))
            while rows := cursor.fetchmany(block):
                yield from rows
        finally:
            cursor.close()


class HotInQuery:
    """A SELECT whose last condition is `column IN (...)`, one statement per list length."""

    __slots__ = ("_cache", "_template")

    def __init__(self, template: str):
        if "{marks}" not in template:
            raise ValueError("template needs a {marks} placeholder")
        self._template = template
        self._cache: dict[int, HotQuery] = {}

    def all(
        self, conn: Connection, fixed: Sequence[Any], values: Sequence[Any], chunk: int = 500
    ) -> list[tuple[Any, ...]]:
        """Runs the query for every chunk of `values` and concatenates the rows."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), chunk):
            part = values[start : start + chunk]
            rows.extend(self._query(len(part)).all(conn, [*fixed, *part]))
        return rows

    def _query(self, size: int) -> HotQuery:
        query = self._cache.get(size)
        if query is None:
            marks = ", ".join("?" * size)
            query = self._cache[size] = HotQuery(self._template.format(marks=marks))
        return query


class HotStatement(HotQuery):
    """One fixed write statement (no result rows), executed on the driver cursor."""

    __slots__ = ()

    def run(self, conn: Connection, params: Sequence[Any]) -> int:
        """Runs the statement in the connection's transaction; returns the rows it changed."""
        cursor = conn.connection.cursor()
        try:
            cursor.execute(self._by_dialect[conn.dialect.name], tuple(params))
            return int(cursor.rowcount)
        finally:
            cursor.close()
