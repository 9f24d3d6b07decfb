"""`cdp campaign`: a run's audience on a channel, consent-checked send, responses, report."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy import Connection

from cdp.auditing.context import cli_actor
from cdp.campaigns.service import (
    CHANNELS,
    CampaignDenied,
    CampaignError,
    CampaignNotFound,
    CampaignService,
    build_service,
)
from cdp.cli.common import EXIT_DENIED, EXIT_FAILED_ROWS, EXIT_USAGE, err, out, platform
from governance.decision import Principal

app = typer.Typer(
    help="Campaigns: a run's audience on one channel; send, responses, report.",
    no_args_is_help=True,
)
RoleOpt = Annotated[list[str] | None, typer.Option("--role", help="Role(s) acting.")]
MAX_RESPONSES = 100_000
T = TypeVar("T")


def _acting(
    role: list[str] | None,
    default: str,
    call: Callable[[CampaignService, Connection, Principal], T],
) -> T:
    """Runs one service call as the local account; a refusal commits its audit record, then
    exits with its code."""
    principal = Principal(cli_actor(), frozenset(role or [default]))
    try:
        with platform() as built, built.engine.begin() as conn:
            try:
                return call(build_service(built), conn, principal)
            except CampaignError as exc:
                if exc.rolls_back:
                    raise  # out of the transaction: nothing of the call is kept
                failure = exc
    except CampaignError as exc:
        failure = exc
    raise _fail(failure)


def _fail(exc: CampaignError) -> typer.Exit:
    err.print(f"[red]{exc.code}:[/] {exc}", markup=True)
    if isinstance(exc, CampaignDenied):
        return typer.Exit(EXIT_DENIED)
    return typer.Exit(EXIT_USAGE if not isinstance(exc, CampaignNotFound) else EXIT_FAILED_ROWS)


@app.command("create")
def create_cmd(
    run_id: Annotated[str, typer.Argument(help="A segment run id (its purpose must be P07).")],
    channel: Annotated[str, typer.Option("--channel", help=f"One of {', '.join(CHANNELS)}.")],
    content_id: Annotated[str, typer.Option("--content", help="The content (template) id.")],
    role: RoleOpt = None,
) -> None:
    """Create a campaign from a run's audience snapshot (default role marketing_analyst)."""
    made = _acting(
        role,
        "marketing_analyst",
        lambda svc, conn, who: svc.create(conn, who, run_id, channel, content_id),
    )
    out.print(
        f"campaign {made.campaign_id}: {made.channel} {made.content_id} for {made.purpose}, "
        f"{made.recipients} recipients pending",
        markup=False,
    )


@app.command("export")
def export_cmd(
    campaign_id: Annotated[str, typer.Argument(help="Campaign id.")],
    out_file: Annotated[Path, typer.Option("--out", help="Write the pseudonyms here.")],
    role: RoleOpt = None,
) -> None:
    """Export the audience as marketing-domain pseudonyms, one per line (never ids)."""
    found = _acting(
        role, "marketing_analyst", lambda svc, conn, who: svc.export(conn, who, campaign_id)
    )
    out_file.write_text("".join(p + "\n" for p in found), encoding="ascii")
    out.print(f"{len(found)} pseudonyms written to {out_file}", markup=False)


@app.command("send")
def send_cmd(
    campaign_id: Annotated[str, typer.Argument(help="Campaign id.")],
    emit: Annotated[
        bool,
        typer.Option(
            "--emit", help="Print {pseudonym, address} JSON lines for the delivery system."
        ),
    ] = False,
    role: RoleOpt = None,
) -> None:
    """Resolve addresses for valid consent now, one audited batch (default campaign_delivery)."""
    sent = _acting(
        role, "campaign_delivery", lambda svc, conn, who: svc.send(conn, who, campaign_id)
    )
    if emit:
        for item in sent.deliveries:
            sys.stdout.write(
                json.dumps({"pseudonym": item.pseudonym, "address": item.address}) + "\n"
            )
        return
    out.print(
        f"campaign {campaign_id}: {len(sent.deliveries)} addresses resolved, "
        f"{sent.skipped_consent} skipped (consent), {sent.unreachable} unreachable",
        markup=False,
    )


def _responses(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":  # an empty cell is an absent value (e.g. no `at`)
        rows = csv.DictReader(text.splitlines())
        return [{k: v for k, v in row.items() if v not in ("", None)} for row in rows]
    return [_json_line(line) for line in text.splitlines() if line.strip()]


def _json_line(line: str) -> Any:
    """One JSONL line; a malformed one becomes None, rejected at its own position."""
    try:
        return json.loads(line)
    except ValueError:
        return None


@app.command("respond")
def respond_cmd(
    path: Annotated[Path, typer.Argument(help="Responses: .csv or .jsonl (response_id, ...).")],
    role: RoleOpt = None,
) -> None:
    """Import channel responses (idempotent on response_id); opted_out withdraws P07 consent."""
    try:
        rows = _responses(path)
    except (OSError, UnicodeDecodeError, ValueError):
        err.print("[red]cannot read the responses file[/]")
        raise typer.Exit(EXIT_USAGE) from None
    if len(rows) > MAX_RESPONSES:
        err.print(f"[red]at most {MAX_RESPONSES} responses per file[/]")
        raise typer.Exit(EXIT_USAGE)
    results = _acting(
        role, "consent_intake", lambda svc, conn, who: svc.record_responses(conn, who, rows)
    )
    counts = {s: sum(r.status == s for r in results) for s in ("recorded", "duplicate", "rejected")}
    out.print(", ".join(f"{k} {v}" for k, v in counts.items()), markup=False)
    for r in results:
        if r.status == "rejected":
            err.print(f"line {r.position + 1}: {r.reason}", markup=False)
    if counts["rejected"]:
        raise typer.Exit(EXIT_FAILED_ROWS)


@app.command("report")
def report_cmd(
    campaign_id: Annotated[str, typer.Argument(help="Campaign id.")],
    k: Annotated[
        int | None, typer.Option("--k", help="Minimum group size (>= configured).")
    ] = None,
    role: RoleOpt = None,
) -> None:
    """Counts by status, conversion by AUM tier and lifecycle stage; cells below k hidden."""
    report = _acting(
        role, "marketing_analyst", lambda svc, conn, who: svc.report(conn, who, campaign_id, k)
    )
    out.print_json(json.dumps(report, ensure_ascii=False))
