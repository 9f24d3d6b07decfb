"""`cdp synth` and `cdp demo`: synthetic customers from three sources, ingested and looked up."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from cdp.cli.common import EXIT_USAGE, err, out, settings
from cdp.settings import Environment


def synth(
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the source files.")],
    customers: Annotated[int, typer.Option(help="How many people to generate.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same files.")] = 20261123,
    error_rate: Annotated[float, typer.Option(help="Share of rows deliberately broken.")] = 0.0,
) -> None:
    """Generate synthetic source exports (core_banking, credit_card, mobile_app)."""
    from cdp.synth.files import generate_demo_files

    files, summary = generate_demo_files(out_dir, customers, seed, error_rate)
    for source, path in files.items():
        out.print(f"{source}: {path} ({summary.rows[source]:,} rows)")


def demo(
    customers: Annotated[int, typer.Option(help="How many people to generate.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Seed for the synthetic data.")] = 20261123,
    reset: Annotated[
        bool, typer.Option("--reset", help="Start from an empty embedded SQLite database.")
    ] = False,
) -> None:
    """Run the platform's story end to end on synthetic data."""
    from cdp.demo import run_demo

    loaded = settings()
    if loaded.environment is not Environment.DEV:
        err.print("the demo loads synthetic customers and prints what roles see: dev only")
        raise typer.Exit(EXIT_USAGE)
    if reset and not loaded.is_sqlite:
        err.print("--reset only empties the embedded SQLite database, never a server")
        raise typer.Exit(EXIT_USAGE)
    started = time.perf_counter()
    run_demo(loaded, customers=customers, seed=seed, reset=reset)
    out.print(f"\n[bold]demo finished in {time.perf_counter() - started:.1f} s[/]")
