"""`cdp keys`: KEK status, online rotation, retirement and crypto-shredding."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cdp import keyadmin
from cdp.cli.common import EXIT_USAGE, err, out, platform, progress
from cdp.crypto import CryptoError

app = typer.Typer(help="Key-encryption keys and data keys.", no_args_is_help=True)


@app.command("status")
def status_cmd() -> None:
    """Show KEK versions and how many data keys each still wraps."""
    with platform() as built, built.engine.connect() as conn:
        rows = keyadmin.status(conn)
    table = Table(title="key-encryption keys")
    for name in ("version", "status", "data keys"):
        table.add_column(name)
    for row in rows:
        table.add_row(str(row.version), row.status, f"{row.data_keys:,}")
    out.print(table)


@app.command("rotate")
def rotate_cmd(
    batch_size: Annotated[int | None, typer.Option(help="Data keys per transaction.")] = None,
) -> None:
    """Create a new KEK version and re-wrap every data key (resumes an unfinished rotation)."""
    with platform() as built, progress() as bar:
        task = bar.add_task("re-wrap data keys", total=None)
        try:
            report = keyadmin.rotate(
                built.engine,
                built.kek,
                built.keyring,
                batch_size=batch_size or built.settings.rotation_batch_size,
                on_progress=lambda done, total: bar.update(task, completed=done, total=total),
                audit=built.recorder,
            )
        except (keyadmin.KeyAdminError, CryptoError) as exc:
            err.print(f"[red]rotation stopped:[/] {exc}")
            raise typer.Exit(EXIT_USAGE) from None
    verb = "started" if report.started_new_version else "resumed"
    out.print(
        f"rotation {verb}: KEK v{report.target_version} active, "
        f"{report.rewrapped:,} data keys re-wrapped"
    )


@app.command("retire")
def retire_cmd(version: Annotated[int, typer.Argument(help="KEK version to destroy.")]) -> None:
    """Destroy an old KEK version once no data key depends on it."""
    with platform() as built:
        try:
            keyadmin.retire(built.engine, built.kek, version, audit=built.recorder)
        except (keyadmin.KeyAdminError, CryptoError) as exc:
            err.print(f"[red]refused:[/] {exc}")
            raise typer.Exit(EXIT_USAGE) from None
    out.print(f"KEK v{version} retired and destroyed")


@app.command("shred")
def shred_cmd(
    customer_id: Annotated[str, typer.Argument(help="Customer whose data key is destroyed.")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
) -> None:
    """Crypto-shred one customer: their PII becomes unreadable for good."""
    if not yes:
        err.print("crypto-shredding cannot be undone: repeat with --yes")
        raise typer.Exit(EXIT_USAGE)
    with platform() as built:
        try:
            keyadmin.shred(built.engine, built.keyring, customer_id, audit=built.recorder)
        except keyadmin.KeyAdminError as exc:
            err.print(f"[red]refused:[/] {exc}")
            raise typer.Exit(EXIT_USAGE) from None
    out.print(f"customer {customer_id}: data key destroyed, blind indexes removed")
