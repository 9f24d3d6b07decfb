"""Bulk writes through the driver's executemany, for hot paths that move thousands of rows.

SQLAlchemy's per-row bind processing costs more than SQLite's insert itself, so hot paths hand
pre-adapted tuples straight to the DB-API. Values are adapted here exactly as SQLAlchemy's own
types store them, so ORM and Core reads see the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, Table
from sqlalchemy.exc import DBAPIError

Adapter = Callable[[Any], Any]


class _SqliteDatetime:
    """Renders datetimes as SQLAlchemy's SQLite DATETIME does (UTC wall time), memoised."""

    def __init__(self) -> None:
        self._last: tuple[datetime | None, str | None] = (None, None)

    def __call__(self, value: datetime | str | None) -> str | None:
        if value is None or isinstance(value, str):  # text read from a DATETIME column: as stored
            return value
        if self._last[0] is value:
            return self._last[1]
        zone = value.tzinfo
        if zone is UTC:  # the usual case (utcnow): no conversion needed
            moment = value.replace(tzinfo=None)
        else:
            moment = value.astimezone(UTC).replace(tzinfo=None) if zone else value
        text = moment.isoformat(" ", "microseconds")
        self._last = (value, text)
        return text


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class RawJson(str):
    """JSON text already encoded by the caller (e.g. the canonical form it also hashed)."""

    __slots__ = ()


def _json(value: Any) -> str | None:
    if value is None or isinstance(value, RawJson):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _adapter(column_type: Any, dialect: str) -> Adapter | None:
    if isinstance(column_type, JSON):
        return _json
    if dialect == "sqlite" and isinstance(column_type, DateTime):
        return _SqliteDatetime()
    if dialect == "sqlite" and isinstance(column_type, Date):
        return _sqlite_date
    return None


class BulkInsert:
    """A prepared INSERT for one table and column list on one dialect."""

    def __init__(self, table: Table, columns: Sequence[str], dialect: str, *, ignore_dupes: bool):
        self.columns = tuple(columns)
        mark = "?" if dialect == "sqlite" else "%s"
        names = ", ".join(f'"{c}"' for c in self.columns)
        marks = ", ".join([mark] * len(self.columns))
        verb = "INSERT OR IGNORE" if ignore_dupes and dialect == "sqlite" else "INSERT"
        tail = " ON CONFLICT DO NOTHING" if ignore_dupes and dialect != "sqlite" else ""
        self.sql = f'{verb} INTO "{table.name}" ({names}) VALUES ({marks}){tail}'
        adapters = ((i, _adapter(table.c[c].type, dialect)) for i, c in enumerate(self.columns))
        self.adapters = tuple((i, fn) for i, fn in adapters if fn is not None)
        self._getter = itemgetter(*self.columns)

    def adapt(self, rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
        """Adapts tuples given in column order (untouched when no column needs it)."""
        if not self.adapters:
            return list(rows)
        adapted: list[Sequence[Any]] = []
        for row in rows:
            values = list(row)
            for index, fn in self.adapters:
                values[index] = fn(values[index])
            adapted.append(tuple(values))
        return adapted

    def from_dicts(self, dicts: Sequence[dict[str, Any]]) -> list[Sequence[Any]]:
        """Turns row dicts (holding every column) into adapted tuples in column order."""
        getter = self._getter
        if len(self.columns) == 1:
            return self.adapt([(getter(row),) for row in dicts])
        return self.adapt([getter(row) for row in dicts])

    def execute(self, conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
        """Writes adapted rows in one executemany on the driver's cursor, in the open transaction.

        SQLAlchemy's statement wrapper costs about 50 µs a call here, more than a one-row insert
        into SQLite; the rows are already adapted, so the driver gets them directly.
        """
        if not rows:
            return
        if not conn.in_transaction():
            raise RuntimeError("bulk writes run inside a transaction (engine.begin())")
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(self.sql, rows)
        except conn.dialect.loaded_dbapi.Error as error:  # surface it as SQLAlchemy would
            raise DBAPIError.instance(
                self.sql, None, error, conn.dialect.loaded_dbapi.Error, hide_parameters=True
            ) from error
        finally:
            cursor.close()


class BulkUpdate(BulkInsert):
    """A prepared UPDATE of some columns by key columns, run as one executemany."""

    def __init__(self, table: Table, columns: Sequence[str], keys: Sequence[str], dialect: str):
        super().__init__(table, [*columns, *keys], dialect, ignore_dupes=False)
        mark = "?" if dialect == "sqlite" else "%s"
        sets = ", ".join(f'"{c}" = {mark}' for c in columns)
        where = " AND ".join(f'"{k}" = {mark}' for k in keys)
        # identifiers come from our own table metadata, values are bound: no injection path
        self.sql = f'UPDATE "{table.name}" SET {sets} WHERE {where}'  # noqa: S608


class BulkInserts:
    """Caches one BulkInsert per (dialect, table, columns, mode)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, tuple[str, ...], bool], BulkInsert] = {}

    def statement(
        self, conn: Connection, table: Table, columns: Sequence[str], ignore_dupes: bool
    ) -> BulkInsert:
        """Returns the cached statement for these columns."""
        key = (conn.dialect.name, table.name, tuple(columns), ignore_dupes)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = BulkInsert(
                table, columns, conn.dialect.name, ignore_dupes=ignore_dupes
            )
        return found

    def insert(
        self,
        conn: Connection,
        table: Table,
        dicts: Sequence[dict[str, Any]],
        *,
        ignore_dupes: bool = False,
    ) -> None:
        """Inserts row dicts (all with the same keys) into `table`."""
        if dicts:
            statement = self.statement(conn, table, tuple(dicts[0]), ignore_dupes)
            statement.execute(conn, statement.from_dicts(dicts))

    def update(
        self,
        conn: Connection,
        table: Table,
        keys: Sequence[str],
        dicts: Sequence[dict[str, Any]],
    ) -> None:
        """Updates rows identified by `keys`, setting every other key of the dicts."""
        if not dicts:
            return
        columns = tuple(c for c in dicts[0] if c not in keys)
        cache_key = (conn.dialect.name, table.name, (*columns, "|", *keys), False)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._cache[cache_key] = BulkUpdate(table, columns, keys, conn.dialect.name)
        found.execute(conn, found.from_dicts(dicts))

    def insert_tuples(
        self,
        conn: Connection,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        ignore_dupes: bool = False,
    ) -> None:
        """Inserts tuples given in `columns` order into `table`."""
        if rows:
            statement = self.statement(conn, table, columns, ignore_dupes)
            statement.execute(conn, statement.adapt(rows))
