"""Entry point of the `cdp` command: one command, one unit of work."""

from __future__ import annotations

import os

import typer

from cdp.bootstrap import NotInitialised, init_store
from cdp.cli import audit, campaign, clients, consent, demo, keys, masked, policy, segment, tags
from cdp.cli.common import EXIT_USAGE, err, out, settings
from cdp.cli.ingest import ingest
from cdp.cli.read import read
from cdp.cli.scan import scan
from cdp.cli.search import search
from cdp.cli.serve import serve_cmd
from cdp.crypto import CryptoError
from cdp.settings import SettingsError

app = typer.Typer(
    name="cdp",
    help="privacy-cdp: encrypted, governed customer profiles for banks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command()(ingest)
app.command()(search)
app.command()(read)
app.command()(scan)
app.command("serve")(serve_cmd)
app.command()(demo.synth)
app.command()(demo.demo)
app.add_typer(keys.app, name="keys")
app.add_typer(policy.app, name="policy")
app.add_typer(consent.app, name="consent")
app.add_typer(audit.app, name="audit")
app.add_typer(masked.app, name="masked")
app.add_typer(clients.app, name="clients")
app.add_typer(segment.app, name="segment")
app.add_typer(campaign.app, name="campaign")
app.add_typer(tags.app, name="tags")


@app.command()
def init() -> None:
    """Create ./var, the key-encryption key, the blind-index key and the schema (idempotent)."""
    try:
        report = init_store(settings())
    except (NotInitialised, SettingsError, CryptoError) as exc:
        err.print(f"[red]init failed:[/] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    made = "created" if report.created_kek else "found"
    out.print(
        f"keys: KEK v{report.active_kek} active ({made}); versions {report.kek_versions}; "
        f"schema at {report.revision}"
    )


def main() -> None:
    """Runs the CLI; files it creates (database, WAL, logs, keys) are private to the owner."""
    os.umask(0o077)
    app()
