"""Reads profiles back: plain columns as stored, encrypted ones opened through the vault only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from cdp.profiles import repository as repo
from cdp.profiles.vault import ProfileVault, ct_column
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

    def read(
        self, conn: Connection, customer_id: str, fields: Iterable[str] | None = None
    ) -> ProfileValues:
        """Returns the requested fields (default all); decrypts nothing that was not asked for."""
        wanted = list(fields) if fields is not None else list(self._catalogue.names)
        row = conn.execute(
            select(repo.profile_t).where(repo.profile_t.c.customer_id == customer_id)
        ).first()
        if row is None:
            raise CustomerNotFound(customer_id)
        data = row._mapping
        values = {name: _plain(data[name]) for name in wanted if not self._is_encrypted(name)}
        secret = [name for name in wanted if self._is_encrypted(name)]
        if secret:
            values.update(self._open(conn, customer_id, data, secret))
        return ProfileValues(customer_id, {name: values[name] for name in wanted})

    def _is_encrypted(self, name: str) -> bool:
        return self._catalogue.get(name).encrypted

    def _open(
        self, conn: Connection, customer_id: str, data: Any, names: list[str]
    ) -> dict[str, str | None]:
        key = repo.load_keys(conn, [customer_id]).get(customer_id)
        if key is None:
            raise CustomerErased(customer_id)
        ciphertexts = {name: data[ct_column(name)] for name in names}
        return self._vault.open_fields(customer_id, key, ciphertexts, names)


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
