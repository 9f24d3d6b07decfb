"""Shared CLI plumbing: settings, the platform, consoles, exit codes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cdp.auditing.context import cli_call
from cdp.bootstrap import NotInitialised, Platform, build_platform
from cdp.logs import configure_logging
from cdp.settings import Settings
from governance.sources import PolicyInvalid

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_FAILED_ROWS, EXIT_USAGE, EXIT_DENIED = 0, 1, 2, 3


def settings() -> Settings:
    """Reads settings, turning invalid ones into a clear error and exit code 2."""
    try:
        loaded = Settings()
    except ValueError as exc:
        err.print(f"[red]invalid settings:[/] {_first_error(exc)}")
        raise typer.Exit(EXIT_USAGE) from None
    configure_logging(loaded.effective_log_file, loaded.log_level)
    return loaded


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(map(str, first.get('loc', ())))}: {first.get('msg')}".strip(": ")
    return str(exc)


@contextmanager
def platform() -> Iterator[Platform]:
    """Builds the platform for one command (audited as the local account) and releases it."""
    try:
        built = build_platform(settings())
    except NotInitialised as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(EXIT_USAGE) from None
    except PolicyInvalid as exc:
        err.print("[red]refusing to start: the policy files are invalid[/]")
        for problem in exc.problems:
            err.print(f"  {problem}", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    try:
        with cli_call():
            yield built
    finally:
        built.close()


def progress() -> Progress:
    """Returns a progress bar on stderr (quiet when stderr is not a terminal)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not sys.stderr.isatty(),
        transient=False,
    )


def count_lines(path: Path) -> int | None:
    """Counts the lines of a file for a progress bar's total (None when it cannot be read)."""
    try:
        with path.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return None
