"""Exact-match lookup through blind indexes: canonicalise, digest, query; never decrypts."""

from __future__ import annotations

from sqlalchemy import Connection

from cdp.profiles import repository as repo
from cdp.profiles.validators import FieldInvalid, validate_field
from cdp.profiles.vault import ProfileVault
from governance.catalogue import FieldCatalogue


class InvalidLookup(ValueError):
    """The looked-up value is not valid for its field (the value is never echoed)."""


def find_by_identifier(
    conn: Connection, catalogue: FieldCatalogue, vault: ProfileVault, field_name: str, value: str
) -> list[str]:
    """Returns ids of customers known by one identifier value."""
    spec = catalogue.get(field_name)
    if not spec.blind_index:
        raise InvalidLookup(f"{field_name} has no blind index")
    try:
        canonical = validate_field(spec, value.strip())
    except FieldInvalid as exc:
        raise InvalidLookup(exc.reason) from None
    return repo.customers_by_digest(conn, field_name, vault.digest(field_name, canonical))
