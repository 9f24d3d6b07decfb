"""`cdp audit verify`: walk every chain and name the first broken link (exit 0 only if intact)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from audit.report import log_document
from audit.sweep import verify_store
from cdp.auditing.store import SqlAuditStore
from cdp.bootstrap import audit_key
from cdp.cli.common import EXIT_FAILED_ROWS, EXIT_OK, out, platform

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@app.command("verify")
def verify_cmd(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Verify every chain from genesis; report per chain the first break and what happened."""
    with platform() as built, built.engine.connect() as conn:
        key = audit_key(built.settings, create=False)
        report = verify_store(SqlAuditStore(conn), key, built.settings.audit_chains)
    document = log_document(report)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False))
    else:
        table = Table(title="audit chains")
        for column in ("chain", "checked", "verified to", "status"):
            table.add_column(column)
        for chain in report.chains:
            broken = chain.broken
            status = "intact" if broken is None else f"{broken.kind} at seq {broken.seq}"
            table.add_row(str(chain.chain), f"{chain.checked:,}", str(chain.verified.seq), status)
        out.print(table)
    raise typer.Exit(EXIT_OK if report.intact else EXIT_FAILED_ROWS)
