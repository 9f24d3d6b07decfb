"""`cdp read`: a governed read as a local principal (exit 0 allowed, 3 denied as a whole)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from cdp.auditing.context import cli_actor
from cdp.cli.common import EXIT_DENIED, EXIT_FAILED_ROWS, EXIT_OK, err, out, platform
from cdp.governed.errors import AccessDenied
from cdp.governed.read import GovernedRead
from cdp.profiles.store import CustomerErased, CustomerNotFound
from governance.decision import Access, Principal


def read(
    customer_id: Annotated[str, typer.Argument(help="Customer id (from `cdp search`).")],
    role: Annotated[list[str], typer.Option("--role", help="Role(s) of the local principal.")],
    purpose: Annotated[str, typer.Option("--purpose", help="Purpose code, e.g. P01.")],
    fields: Annotated[
        str | None, typer.Option("--fields", help="Comma-separated field names (default all).")
    ] = None,
    branches: Annotated[
        str | None, typer.Option("--branches", help="The principal's branches (its book).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Read one customer for a declared purpose; each field comes back clear, masked or denied."""
    attributes = {"branches": branches} if branches else {}
    principal = Principal(cli_actor(), frozenset(role), attributes)
    wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    outcome: GovernedRead | AccessDenied | LookupError
    with platform() as built, built.engine.begin() as conn:
        # a denial is an outcome, not an error: the transaction commits what observers recorded
        try:
            outcome = built.reader.read(conn, principal, purpose, customer_id, wanted)
        except AccessDenied as denied:
            outcome = denied
        except (CustomerNotFound, CustomerErased) as missing:
            outcome = missing
    if isinstance(outcome, AccessDenied):
        _print_denied(outcome, as_json)
        raise typer.Exit(EXIT_DENIED)
    if isinstance(outcome, LookupError):
        err.print(f"[red]{type(outcome).__name__}:[/] {customer_id}", markup=True)
        raise typer.Exit(EXIT_FAILED_ROWS)
    _print_read(outcome, as_json)
    raise typer.Exit(EXIT_OK)


def read_as_json(result: GovernedRead) -> dict[str, object]:
    """Shapes a governed read as the documented JSON object."""
    fields: dict[str, dict[str, object]] = {}
    for name, value in result.fields.items():
        entry: dict[str, object] = {"access": value.access.value}
        if value.access is not Access.DENIED:
            entry["value"] = value.value
        fields[name] = entry
    return {
        "customer_id": result.customer_id,
        "purpose": result.purpose,
        "policy_version": result.policy_version,
        "fields": fields,
    }


def _print_denied(denied: AccessDenied, as_json: bool) -> None:
    if as_json:
        body: dict[str, object] = {"denied": True, "reason": denied.reason}
        if denied.fields:
            body["fields"] = list(denied.fields)
        typer.echo(json.dumps(body))
    else:
        err.print(f"[red]denied:[/] {denied}", markup=True)


def _print_read(result: GovernedRead, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(read_as_json(result), ensure_ascii=False))
        return
    table = Table(title=f"{result.customer_id} for {result.purpose}")
    for column in ("field", "access", "value", "rule"):
        table.add_column(column)
    for name, value in result.fields.items():
        shown = "" if value.value is None else value.value
        table.add_row(name, value.access.value, shown, value.rule or value.reason or "")
    out.print(table)
