"""Reads profiles back: plain columns as stored, encrypted ones opened through the vault only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from cdp.db.hot import HotQuery
from cdp.profiles.vault import ProfileVault, StoredKey, ct_column
from governance.catalogue import FieldCatalogue


class CustomerNotFound(LookupError):
    """No profile exists for that customer id."""


class CustomerErased(LookupError):
    """The customer's data key was destroyed; their PII can never be read again."""


@dataclass(frozen=True, slots=True)
class ProfileValues:
    """Field values of one customer in canonical text form (None where unknown)."""

    customer_id: str
    values: dict[str, str | None]


class ProfileStore:
    """Fetches one customer's row and opens only the fields asked for."""

    def __init__(self, *, catalogue: FieldCatalogue, vault: ProfileVault):
        self._catalogue = catalogue
        self._vault = vault
        self._queries: dict[tuple[str, ...], HotQuery] = {}

    def read(
        self, conn: Connection, customer_id: str, fields: Iterable[str] | None = None
    ) -> ProfileValues:
        """Returns the requested fields (default all); decrypts nothing that was not asked for."""
        wanted = tuple(fields) if fields is not None else self._catalogue.names
        columns = tuple(self._column(name) for name in wanted)
        rows = self._query(columns).all(conn, (customer_id,))
        if not rows:
            raise CustomerNotFound(customer_id)
        *stored, wrapped, kek_version, dek_version = rows[0]
        data = dict(zip(wanted, stored, strict=True))
        secret = [name for name in wanted if self._catalogue.get(name).encrypted]
        values = {name: _plain(data[name]) for name in wanted if name not in secret}
        if secret:
            if wrapped is None:
                raise CustomerErased(customer_id)
            key = StoredKey(bytes(wrapped), kek_version, dek_version)
            values.update(self._vault.open_fields(customer_id, key, data, secret))
        return ProfileValues(customer_id, {name: values[name] for name in wanted})

    def _column(self, name: str) -> str:
        return ct_column(name) if self._catalogue.get(name).encrypted else name

    def _query(self, columns: tuple[str, ...]) -> HotQuery:
        query = self._queries.get(columns)
        if query is None:
            picked = ", ".join(f"p.{c}" for c in columns)
            query = self._queries[columns] = HotQuery(
                # column names come from the catalogue, the id is bound: no injection path
                f"SELECT {picked}{', ' if picked else ''}k.wrapped_key, k.kek_version, "  # noqa: S608
                "k.dek_version FROM profile p LEFT JOIN customer_key k "
                "ON k.customer_id = p.customer_id WHERE p.customer_id = ?"
            )
        return query


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
