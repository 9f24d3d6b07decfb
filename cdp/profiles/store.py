"""Reads profiles back: plain columns as stored, encrypted ones opened through the vault only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from cdp.db.hot import HotInQuery, HotQuery
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


@dataclass(frozen=True, slots=True)
class _ReadPlan:
    """The statement and field split for one tuple of wanted fields, built once."""

    wanted: tuple[str, ...]
    secret: tuple[str, ...]
    plain: tuple[str, ...]
    query: HotQuery


class ProfileStore:
    """Fetches one customer's row and opens only the fields asked for."""

    def __init__(self, *, catalogue: FieldCatalogue, vault: ProfileVault):
        self._catalogue = catalogue
        self._vault = vault
        self._plans: dict[tuple[str, ...], _ReadPlan] = {}
        self._bulk: dict[tuple[str, ...], HotInQuery] = {}

    def read(
        self, conn: Connection, customer_id: str, fields: Iterable[str] | None = None
    ) -> ProfileValues:
        """Returns the requested fields (default all); decrypts nothing that was not asked for."""
        wanted = tuple(fields) if fields is not None else self._catalogue.names
        values = self.values(conn, customer_id, wanted)
        return ProfileValues(customer_id, {name: values[name] for name in wanted})

    def values(
        self, conn: Connection, customer_id: str, wanted: tuple[str, ...]
    ) -> dict[str, str | None]:
        """Returns the wanted fields by name, in no particular order (the hot-path variant)."""
        plan = self._plan(wanted)
        rows = plan.query.all(conn, (customer_id,))
        if not rows:
            raise CustomerNotFound(customer_id)
        *stored, wrapped, kek_version, dek_version = rows[0]
        if wrapped is None:  # every customer has a data key until it is shredded
            raise CustomerErased(customer_id)
        data = dict(zip(plan.wanted, stored, strict=True))
        values = {name: _plain(data[name]) for name in plan.plain}
        if plan.secret:
            key = StoredKey(bytes(wrapped), kek_version, dek_version)
            values.update(self._vault.open_fields(customer_id, key, data, plan.secret))
        return values

    def values_many(
        self, conn: Connection, customer_ids: Sequence[str], wanted: tuple[str, ...]
    ) -> dict[str, dict[str, str | None] | None]:
        """Returns the wanted fields of many customers at once (projections); None if erased.

        Customers without a profile are left out. Decryption still goes through the vault.
        """
        plan = self._plan(wanted)
        query = self._bulk.get(wanted)
        if query is None:
            columns = ["customer_id", *self._columns(wanted)]
            query = HotInQuery(_select_sql(columns, "p.customer_id IN ({marks})"))
            self._bulk[wanted] = query
        found: dict[str, dict[str, str | None] | None] = {}
        for cid, *stored, wrapped, kek_version, dek_version in query.all(conn, (), customer_ids):
            if wrapped is None:
                found[cid] = None
                continue
            data = dict(zip(plan.wanted, stored, strict=True))
            values = {name: _plain(data[name]) for name in plan.plain}
            if plan.secret:
                key = StoredKey(bytes(wrapped), kek_version, dek_version)
                values.update(self._vault.open_fields(cid, key, data, plan.secret))
            found[cid] = values
        return found

    def _plan(self, wanted: tuple[str, ...]) -> _ReadPlan:
        plan = self._plans.get(wanted)
        if plan is None:
            specs = [self._catalogue.get(name) for name in wanted]
            query = HotQuery(_select_sql(self._columns(wanted), "p.customer_id = ?"))
            secret = tuple(s.name for s in specs if s.encrypted)
            plain = tuple(s.name for s in specs if not s.encrypted)
            plan = self._plans[wanted] = _ReadPlan(wanted, secret, plain, query)
        return plan

    def _columns(self, wanted: tuple[str, ...]) -> list[str]:
        specs = [self._catalogue.get(name) for name in wanted]
        return [ct_column(s.name) if s.encrypted else s.name for s in specs]


def _select_sql(columns: list[str], condition: str) -> str:
    """Builds the profile + data key SELECT; column names come from the catalogue only."""
    picked = "".join(f"p.{c}, " for c in columns)
    return (
        f"SELECT {picked}k.wrapped_key, k.kek_version, k.dek_version "  # noqa: S608
        "FROM profile p LEFT JOIN customer_key k ON k.customer_id = p.customer_id "
        f"WHERE {condition}"
    )


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
