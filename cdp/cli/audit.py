"""`cdp audit`: verify the chains, export checkpoints, prune past retention, query the trail."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from audit.checkpoint import HmacSigner, sign
from audit.checkpoint_wire import export, parse
from audit.errors import CheckpointInvalid
from audit.report import log_document
from audit.sweep import LogReport, checkpoint_of
from audit.tags import AuditTag, Decision
from cdp.auditing.checkpoints import SqlCheckpointStore
from cdp.auditing.prune import PrunePlan, PruneRefused, plan, prune
from cdp.auditing.verifying import PROGRESS_FILE, Start, expected_links, trusted_start, verify_log
from cdp.bootstrap import Platform
from cdp.cli.audit_query import register as register_queries
from cdp.cli.common import EXIT_FAILED_ROWS, EXIT_OK, EXIT_USAGE, err, out, platform, progress
from cdp.db.engine import transaction
from cdp.profiles.resolution import utcnow

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
register_queries(app)


def _start(built: Platform, full: bool, checkpoint: Path | None, resume: bool) -> Start:
    """Chooses the trusted start, or exits 1 naming a forged or unreadable checkpoint."""
    key = built.audit.key
    try:
        external = parse(checkpoint.read_text("utf-8")) if checkpoint else None
        resume_path = built.settings.var_dir / PROGRESS_FILE if resume else None
        with built.engine.connect() as conn:
            return trusted_start(conn, key, full=full, external=external, resume=resume_path)
    except (CheckpointInvalid, OSError) as problem:
        err.print(f"[red]untrusted checkpoint:[/] {problem}")
        raise typer.Exit(EXIT_FAILED_ROWS) from None


def _verify(built: Platform, start: Start, resumable: bool) -> LogReport:
    """Walks every chain with a progress bar, keeping a resume point under var/."""
    key = built.audit.key
    chains = built.settings.audit_chains
    resume_path = built.settings.var_dir / PROGRESS_FILE if resumable else None
    with built.engine.connect() as conn, progress() as bar:
        task = bar.add_task("verify audit chains", total=expected_links(conn, start, chains))
        return verify_log(
            conn,
            key,
            chains,
            start,
            on_progress=lambda done: bar.advance(task, done),
            progress_file=resume_path,
        )


def _record(built: Platform, action: AuditTag, report: LogReport, **details: object) -> None:
    """Audits the audit operation itself, in its own transaction."""
    broken = [str(chain.chain) for chain in report.chains if not chain.intact]
    with transaction(built.engine) as conn:
        built.recorder.record(
            conn,
            action,
            Decision.ALLOW if report.intact else Decision.ERROR,
            record_count=report.checked,
            reason=None if report.intact else "broken_chains:" + ",".join(broken),
            **details,
        )


@app.command("verify")
def verify_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Start at the last prune's floor (or genesis).")
    ] = False,
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", help="Start at this exported checkpoint (kept outside)."),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted run from its resume point.")
    ] = False,
) -> None:
    """Verify every chain from the last trusted checkpoint; exit 0 only if every chain holds."""
    with platform() as built:
        start = _start(built, full, checkpoint, resume)
        report = _verify(built, start, resumable=True)
        _record(built, AuditTag.AUDIT_VERIFY, report)
    document = log_document(report) | {"from": start.origin}
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False))
    else:
        _print_report(report, start)
    raise typer.Exit(EXIT_OK if report.intact else EXIT_FAILED_ROWS)


def _print_report(report: LogReport, start: Start) -> None:
    table = Table(title=f"audit chains (verified from {start.origin})")
    for column in ("chain", "from seq", "checked", "verified to", "status"):
        table.add_column(column)
    for chain in report.chains:
        broken = chain.broken
        status = "intact" if broken is None else f"{broken.kind} at seq {broken.seq}"
        table.add_row(
            str(chain.chain),
            str(chain.start.seq),
            f"{chain.checked:,}",
            str(chain.verified.seq),
            status,
        )
    out.print(table)


@app.command("checkpoint")
def checkpoint_cmd(
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the signed checkpoint here (else stdout)."),
    ] = None,
) -> None:
    """Verify, then sign the chain heads, keep them in the database and export them."""
    with platform() as built:
        start = _start(built, False, None, False)
        report = _verify(built, start, resumable=False)
        if not report.intact:
            _record(built, AuditTag.AUDIT_CHECKPOINT, report)
            err.print("[red]the audit log does not verify: no checkpoint written[/]")
            raise typer.Exit(EXIT_FAILED_ROWS)
        key = built.audit.key
        signed = sign(checkpoint_of(report, utcnow()), HmacSigner(key))
        with transaction(built.engine) as conn:
            SqlCheckpointStore(conn).save(signed)
            built.recorder.record(
                conn, AuditTag.AUDIT_CHECKPOINT, Decision.ALLOW, record_count=report.checked
            )
    line = export(signed)
    if out_file is None:
        typer.echo(line)
    else:
        out_file.write_text(line + "\n", "utf-8")
        err.print(f"checkpoint of {signed.checkpoint.count:,} links written to {out_file}")
    raise typer.Exit(EXIT_OK)


@app.command("prune")
def prune_cmd(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would go; remove nothing.")
    ] = False,
    now: Annotated[
        str | None, typer.Option("--now", help="Prune as of this ISO 8601 instant (tests).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """Remove whole months past each event class's retention; a signed floor keeps verify green."""
    moment = _instant(now)
    with platform() as built:
        key = built.audit.key
        chains, policy = built.settings.audit_chains, built.settings.retention
        try:
            if dry_run:
                with built.engine.connect() as conn:
                    planned = plan(conn, key, chains, policy, moment)
            else:
                planned = prune(built.engine, key, chains, policy, moment, built.recorder)
        except PruneRefused as refused:
            err.print(f"[red]prune refused:[/] {refused}")
            raise typer.Exit(EXIT_FAILED_ROWS) from None
    _print_plan(planned, dry_run, as_json)
    raise typer.Exit(EXIT_OK)


def _instant(text: str | None) -> datetime:
    if text is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        err.print("[red]--now must be an ISO 8601 instant with a UTC offset[/]")
        raise typer.Exit(EXIT_USAGE) from None
    if moment.tzinfo is None:
        err.print("[red]--now must carry a UTC offset[/]")
        raise typer.Exit(EXIT_USAGE)
    return moment


def _print_plan(planned: PrunePlan, dry_run: bool, as_json: bool) -> None:
    if as_json:
        doc = {
            "dry_run": dry_run,
            "boundary": planned.boundary.isoformat(),
            "removed": planned.removed,
            "chains": [
                {"chain": c, "through_seq": h.seq, "removed": planned.counts[c]}
                for c, h in sorted(planned.through.items())
            ],
        }
        typer.echo(json.dumps(doc))
        return
    verb = "would remove" if dry_run else "removed"
    out.print(f"{verb} {planned.removed:,} audit events before {planned.boundary:%Y-%m-%d} (UTC)")
