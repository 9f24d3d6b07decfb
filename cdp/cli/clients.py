"""`cdp clients`: register, list and disable API clients (keys are shown once, never stored)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cdp.apiclients import ApiClient, ClientError, ClientRegistry
from cdp.cli.common import EXIT_USAGE, err, out, platform
from cdp.db.engine import transaction

app = typer.Typer(help="Registered API clients and their keys.", no_args_is_help=True)


def client_as_json(client: ApiClient) -> dict[str, object]:
    """Returns what may be shown of a client: never its key or the key's digest."""
    return {
        "client_id": client.client_id,
        "name": client.name,
        "roles": sorted(client.roles),
        "attributes": dict(client.attributes),
        "disabled": client.disabled,
        "created_at": client.created_at.isoformat() if client.created_at else None,
        "disabled_at": client.disabled_at.isoformat() if client.disabled_at else None,
    }


@app.command("add")
def add_cmd(
    name: Annotated[str, typer.Argument(help="Unique client name, e.g. crm-gateway.")],
    roles: Annotated[str, typer.Option(help="Comma-separated role names from roles.yaml.")],
    branches: Annotated[
        str | None, typer.Option(help="Comma-separated branches of a relationship manager's book.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Register a client and print its API key once (only a digest of it is stored)."""
    attributes = {"branches": branches} if branches is not None else {}
    with platform() as built:
        registry = ClientRegistry(audit=built.recorder)
        known = [role.name for role in built.policy.roles]
        try:
            with transaction(built.engine) as conn:
                client, key = registry.add(
                    conn, name, roles=roles.split(","), attributes=attributes, known_roles=known
                )
        except ClientError as exc:
            err.print(f"[red]refused:[/] {escape(str(exc))}")
            raise typer.Exit(EXIT_USAGE) from None
    err.print("[yellow]store this key now: it is not stored and cannot be shown again[/]")
    if as_json:
        typer.echo(json.dumps({**client_as_json(client), "api_key": key}, ensure_ascii=False))
        return
    out.print(f"client {client.client_id} ({escape(client.name)}) registered")
    typer.echo(f"api key: {key}")


@app.command("list")
def list_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the registered clients (never their keys)."""
    with platform() as built, built.engine.connect() as conn:
        clients = ClientRegistry(audit=built.recorder).list(conn)
    if as_json:
        typer.echo(json.dumps([client_as_json(c) for c in clients], ensure_ascii=False))
        return
    table = Table(title="API clients")
    for column in ("id", "name", "roles", "attributes", "status", "created"):
        table.add_column(column)
    for c in clients:
        status = f"disabled {c.disabled_at:%Y-%m-%d}" if c.disabled_at else "enabled"
        attrs = ", ".join(f"{k}={v}" for k, v in sorted(c.attributes.items()))
        created = f"{c.created_at:%Y-%m-%d %H:%M}" if c.created_at else ""
        row = (c.client_id, c.name, ",".join(sorted(c.roles)), attrs, status, created)
        table.add_row(*map(escape, row))
    out.print(table)


@app.command("disable")
def disable_cmd(
    name_or_id: Annotated[str, typer.Argument(help="Client name or id (cli_...).")],
) -> None:
    """Disable a client: its key and tokens stop working within seconds (idempotent)."""
    with platform() as built:
        try:
            with transaction(built.engine) as conn:
                client = ClientRegistry(audit=built.recorder).disable(conn, name_or_id)
        except ClientError as exc:
            err.print(f"[red]refused:[/] {escape(str(exc))}")
            raise typer.Exit(EXIT_USAGE) from None
    out.print(f"client {client.client_id} ({escape(client.name)}) disabled")
