"""`cdp search`: a governed, audited search through blind indexes, decrypting nothing."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cdp.auditing.context import cli_actor
from cdp.bootstrap import Platform
from cdp.cli.common import EXIT_DENIED, EXIT_FAILED_ROWS, EXIT_OK, EXIT_USAGE, err, platform
from cdp.governed.errors import AccessDenied
from cdp.profiles.lookup import InvalidLookup
from governance.decision import Principal

SEARCHABLE = {
    "id_number": "--id-number",
    "mobile": "--mobile",
    "email": "--email",
    "card_no": "--card",
}


def find_customers(
    built: Platform, principal: Principal, purpose: str, field_name: str, value: str
) -> list[str] | AccessDenied | InvalidLookup:
    """Runs the governed search; a refusal or bad value is returned after its audit commits."""
    with built.engine.begin() as conn:
        try:
            return built.searcher.search(conn, principal, purpose, field_name, value)
        except (AccessDenied, InvalidLookup) as refused:
            return refused


def search(
    id_number: Annotated[
        str | None, typer.Option("--id-number", help="Resident ID or document.")
    ] = None,
    mobile: Annotated[str | None, typer.Option("--mobile", help="Mainland mobile number.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="E-mail address.")] = None,
    card: Annotated[str | None, typer.Option("--card", help="Bank card number.")] = None,
    role: Annotated[
        list[str] | None, typer.Option("--role", help="Role(s) of the local principal.")
    ] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="Purpose code, e.g. P01.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of ids.")] = False,
) -> None:
    """Print ids of customers matching one identifier (0 found, 1 none, 2 bad input, 3 denied)."""
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
    if not role or not purpose:
        err.print("give --role and --purpose: a search is governed and audited like a read")
        raise typer.Exit(EXIT_USAGE)
    ((field_name, value),) = given.items()
    principal = Principal(cli_actor(), frozenset(role))
    with platform() as built:
        ids = find_customers(built, principal, purpose, field_name, value)
    if isinstance(ids, InvalidLookup):
        err.print(f"[red]invalid search:[/] {SEARCHABLE[field_name]}: {ids}")
        raise typer.Exit(EXIT_USAGE)
    if isinstance(ids, AccessDenied):
        err.print(f"[red]denied:[/] {ids}")
        raise typer.Exit(EXIT_DENIED)
    if as_json:
        typer.echo(json.dumps(ids))
    else:
        for customer_id in ids:
            typer.echo(customer_id)
    raise typer.Exit(EXIT_OK if ids else EXIT_FAILED_ROWS)
