"""`cdp masked`: rebuild the masked view in bulk, or look at one row by pseudonym."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from cdp.cli.common import EXIT_USAGE, err, out, platform, progress
from cdp.masked.read import show

app = typer.Typer(help="The masked view: pseudonymous, generalised profiles.", no_args_is_help=True)


@app.command("rebuild")
def rebuild_cmd(
    batch_size: Annotated[int | None, typer.Option(help="Profiles per transaction.")] = None,
) -> None:
    """Recompute every masked row (batch by batch; safe to interrupt and run again)."""
    with platform() as built, progress() as bar:
        task = bar.add_task("rebuild masked view", total=None)
        stats = built.masked.rebuild(
            built.engine,
            batch_size=batch_size or built.settings.masked_batch_size,
            on_progress=lambda done, total: bar.update(task, completed=done, total=total),
            audit=built.recorder,
        )
    notes = ", ".join(f"{how} {count:,}" for how, count in sorted(stats.notes.items()))
    out.print(
        f"masked view rebuilt: {stats.written:,} rows written, {stats.removed:,} removed "
        f"(erased); notes: {notes or 'none'}"
    )


@app.command("show")
def show_cmd(
    pseudonym: Annotated[str, typer.Option("--pseudonym", help="Analytics-domain pseudonym.")],
) -> None:
    """Print one masked row as JSON (no customer id, no PII)."""
    with platform() as built, built.engine.connect() as conn:
        row = show(conn, pseudonym)
    if row is None:
        err.print("no masked row has that pseudonym")
        raise typer.Exit(EXIT_USAGE)
    out.print_json(json.dumps(asdict(row), default=str, ensure_ascii=False))
