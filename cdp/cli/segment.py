"""`cdp segment`: stored, versioned segments over the masked view, and consent-aware runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import yaml
from sqlalchemy import Connection

from cdp.auditing.context import cli_actor
from cdp.cli.common import EXIT_DENIED, EXIT_USAGE, err, out, platform
from cdp.rules import RuleInvalid
from cdp.segments.service import (
    PiaRequired,
    SegmentDenied,
    SegmentError,
    SegmentNotFound,
    SegmentService,
    build_service,
)
from governance.decision import Principal

T = TypeVar("T")

app = typer.Typer(
    help="Segments: rules over the masked view, runs for P05/P06/P07.", no_args_is_help=True
)
RoleOpt = Annotated[
    list[str] | None, typer.Option("--role", help="Role(s) (default marketing_analyst).")
]


def _acting(
    role: list[str] | None, call: Callable[[SegmentService, Connection, Principal], T]
) -> T:
    """Runs one service call as the local account; a refusal commits its audit record, then
    exits with its code."""
    principal = Principal(cli_actor(), frozenset(role or ["marketing_analyst"]))
    with platform() as built, built.engine.begin() as conn:
        try:
            return call(build_service(built), conn, principal)
        except (RuleInvalid, SegmentError) as exc:
            failure = exc
    raise _fail(failure)


def _rule(text: str) -> Any:
    path = Path(text)
    source = (
        path.read_text(encoding="utf-8")
        if not text.lstrip().startswith(("{", "[")) and path.is_file()
        else text
    )
    return yaml.safe_load(source)  # YAML is a superset of JSON


def _fail(exc: Exception) -> typer.Exit:
    if isinstance(exc, RuleInvalid):
        err.print(f"[red]rule invalid:[/] {exc}", markup=True)
        return typer.Exit(EXIT_USAGE)
    denied = isinstance(exc, SegmentDenied | PiaRequired)
    err.print(f"[red]{getattr(exc, 'code', 'error')}:[/] {exc}", markup=True)
    return typer.Exit(EXIT_DENIED if denied else EXIT_USAGE)


@app.command("create")
def create_cmd(
    name: Annotated[str, typer.Argument(help="Segment name (a new version if it exists).")],
    rule: Annotated[str, typer.Option("--rule", help="Rule file (YAML/JSON) or inline JSON.")],
    role: RoleOpt = None,
) -> None:
    """Store a segment (or a new version of one) after validating its rule."""
    try:
        doc = _rule(rule)
    except (OSError, yaml.YAMLError):
        err.print("[red]cannot read the rule[/]")
        raise typer.Exit(EXIT_USAGE) from None
    made = _acting(role, lambda svc, conn, who: svc.create(conn, who, name, doc))
    sensitive = (
        " (uses sensitive attributes: publish needs --pia-id)" if made.uses_sensitive else ""
    )
    out.print(f"segment {made.name} v{made.version} stored{sensitive}", markup=False)


@app.command("list")
def list_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List segments with their latest version."""
    with platform() as built, built.engine.connect() as conn:
        rows = build_service(built).list(conn)
    if as_json:
        out.print_json(
            json.dumps(
                [
                    {
                        "name": r.name,
                        "version": r.latest_version,
                        "uses_sensitive": r.uses_sensitive,
                        "published": r.published,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
            )
        )
        return
    for r in rows:
        flags = ("sensitive " if r.uses_sensitive else "") + (
            "published" if r.published else "draft"
        )
        out.print(f"{r.name}  v{r.latest_version}  {flags}", markup=False)


@app.command("show")
def show_cmd(
    name: Annotated[str, typer.Argument(help="Segment name.")],
    version: Annotated[
        int | None, typer.Option("--version", help="Version (default latest).")
    ] = None,
) -> None:
    """Print one version of a segment as JSON."""
    with platform() as built, built.engine.connect() as conn:
        try:
            found = build_service(built).show(conn, name, version)
        except SegmentNotFound as exc:
            raise _fail(exc) from None
    doc = {
        "name": found.name,
        "version": found.version,
        "rule": found.rule,
        "attributes": list(found.attributes),
        "uses_sensitive": found.uses_sensitive,
        "created_by": found.created_by,
        "created_at": found.created_at,
        "pia_id": found.pia_id,
        "published_at": found.published_at,
    }
    out.print_json(json.dumps(doc, default=str, ensure_ascii=False))


@app.command("publish")
def publish_cmd(
    name: Annotated[str, typer.Argument(help="Segment name.")],
    pia_id: Annotated[
        str | None, typer.Option("--pia-id", help="PIA record id (PIPL Art 55).")
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="Version (default latest).")
    ] = None,
    role: RoleOpt = None,
) -> None:
    """Publish a version for marketing (a PIA id is required when it uses sensitive attributes)."""
    done = _acting(role, lambda svc, conn, who: svc.publish(conn, who, name, pia_id, version))
    out.print(f"segment {done.name} v{done.version} published", markup=False)


@app.command("run")
def run_cmd(
    name: Annotated[str, typer.Argument(help="Segment name.")],
    purpose: Annotated[str, typer.Option("--purpose", help="P05, P06 or P07.")],
    include_minors: Annotated[bool, typer.Option("--include-minors", help="Keep 14-17s.")] = False,
    k: Annotated[
        int | None, typer.Option("--k", help="Minimum group size (>= configured).")
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="Version (default latest).")
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the audience here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    role: RoleOpt = None,
) -> None:
    """Run a segment: size and breakdowns (k-suppressed); the audience only with --out."""
    result = _acting(
        role,
        lambda svc, conn, who: svc.run(
            conn,
            who,
            name,
            purpose,
            version=version,
            include_minors=include_minors,
            k=k,
        ),
    )
    report = result.as_report()
    if out_file is not None:
        if result.suppressed:
            err.print(f"audience below k={result.k}: not exported")
            raise typer.Exit(EXIT_DENIED)
        out_file.write_text("".join(p + "\n" for p in result.audience), encoding="ascii")
        report["audience_file"] = str(out_file)
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
        return
    size = f"<{result.k}" if result.suppressed else f"{result.size:,}"
    out.print(
        f"run {result.run_id}: {name} v{result.version} for {purpose}: size {size}", markup=False
    )
    for column, cells in result.breakdowns.items():
        shown = ", ".join(
            f"{key} {'<' + str(result.k) if n is None else n}" for key, n in cells.items()
        )
        out.print(f"  by {column}: {shown or '-'}", markup=False)
