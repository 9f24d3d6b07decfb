"""`cdp search`: find customers through blind indexes, without decrypting anything."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cdp.bootstrap import Platform
from cdp.cli.common import EXIT_FAILED_ROWS, EXIT_OK, EXIT_USAGE, err, platform
from cdp.profiles.lookup import InvalidLookup, find_by_identifier

SEARCHABLE = {
    "id_number": "--id-number",
    "mobile": "--mobile",
    "email": "--email",
    "card_no": "--card",
}


def find_customers(built: Platform, field_name: str, value: str) -> list[str]:
    """Returns customer ids known by one identifier value, via its blind index."""
    with built.engine.connect() as conn:
        return find_by_identifier(conn, built.catalogue, built.vault, field_name, value)


def search(
    id_number: Annotated[
        str | None, typer.Option("--id-number", help="Resident ID or document.")
    ] = None,
    mobile: Annotated[str | None, typer.Option("--mobile", help="Mainland mobile number.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="E-mail address.")] = None,
    card: Annotated[str | None, typer.Option("--card", help="Bank card number.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of ids.")] = False,
) -> None:
    """Print ids of customers matching one identifier (exit 0 found, 1 none, 2 bad input)."""
    given = {
        k: v
        for k, v in {
            "id_number": id_number,
            "mobile": mobile,
            "email": email,
            "card_no": card,
        }.items()
        if v is not None
    }
    if len(given) != 1:
        err.print("give exactly one of --id-number, --mobile, --email, --card")
        raise typer.Exit(EXIT_USAGE)
    ((field_name, value),) = given.items()
    with platform() as built:
        try:
            ids = find_customers(built, field_name, value)
        except InvalidLookup as exc:
            err.print(f"[red]invalid search:[/] {SEARCHABLE[field_name]}: {exc}")
            raise typer.Exit(EXIT_USAGE) from None
    if as_json:
        typer.echo(json.dumps(ids))
    else:
        for customer_id in ids:
            typer.echo(customer_id)
    raise typer.Exit(EXIT_OK if ids else EXIT_FAILED_ROWS)
