"""`cdp consent`: import channel files, check and show consent, proof for regulators, outbox."""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cdp.bootstrap import Platform
from cdp.cli.common import EXIT_FAILED_ROWS, EXIT_OK, EXIT_USAGE, err, out, platform, progress
from cdp.consents import repository as repo
from cdp.consents.files import read_events
from cdp.consents.proof import build_proof
from cdp.consents.service import EventResult
from cdp.profiles.readers import IngestFileError
from cdp.timezones import CHINA_STANDARD_TIME

app = typer.Typer(help="The consent ledger.", no_args_is_help=True)
BATCH = 2000


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="JSONL (wire shape) or CSV (dotted columns).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import consent events; each event succeeds or fails on its own (exit 1 if any failed)."""
    counts: Counter[str] = Counter()
    with platform() as built, progress() as bar:
        task = bar.add_task("consent events", total=None)
        try:
            rows = read_events(file)
            while batch := list(islice(rows, BATCH)):
                for result in _import_batch(built, batch):
                    counts[result.status] += 1
                    _report(result)
                bar.advance(task, len(batch))
        except (IngestFileError, OSError) as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(EXIT_USAGE) from None
    summary = {k: counts.get(k, 0) for k in ("recorded", "duplicate", "rejected")}
    out.print_json(json.dumps(summary)) if as_json else out.print(summary)
    raise typer.Exit(EXIT_FAILED_ROWS if counts["rejected"] else EXIT_OK)


def _import_batch(built: Platform, batch: list[tuple[int, Any, str | None]]) -> list[EventResult]:
    readable = [(row, event) for row, event, _ in batch if event is not None]
    with built.engine.begin() as conn:
        results = built.consents.record(conn, [event for _, event in readable])
    rows = [row for row, _ in readable]
    mapped = [
        EventResult(rows[r.position], r.event_id, r.status, r.field, r.reason) for r in results
    ]
    broken = [
        EventResult(row, None, "rejected", None, reason)
        for row, event, reason in batch
        if event is None
    ]
    return sorted(mapped + broken, key=lambda r: r.position)


def _report(result: EventResult) -> None:
    if result.status == "rejected":
        where = f"{result.field}: " if result.field else ""
        err.print(f"row {result.position}: {where}{result.reason}", markup=False)


@app.command("check")
def check_cmd(
    customer_id: Annotated[str, typer.Argument()],
    purpose: Annotated[str, typer.Argument()],
    at: Annotated[str | None, typer.Option("--at", help="ISO 8601 instant (default now).")] = None,
) -> None:
    """Exit 0 when processing for PURPOSE is covered (valid grant or no consent needed), else 1."""
    moment = _instant(at)
    with platform() as built, built.engine.connect() as conn:
        if built.purposes.get(purpose) is None:
            err.print(f"unknown purpose {purpose!r}")
            raise typer.Exit(EXIT_USAGE)
        verdict = built.consents.check(conn, customer_id, purpose, moment)
        prompt = built.consents.may_prompt(conn, customer_id, purpose, moment)
    snap = verdict.snapshot
    out.print(
        f"{purpose}: {'valid' if verdict.valid else 'not valid'} ({verdict.reason}); "
        f"status {snap.status}, notice {snap.notice_version}, event {snap.event_id}",
        markup=False,
    )
    if not verdict.valid:
        when = "may ask again now" if prompt else "may not ask again yet (refusal cooldown)"
        out.print(f"channels {when}", markup=False)
    raise typer.Exit(EXIT_OK if verdict.valid else EXIT_FAILED_ROWS)


def _instant(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        err.print("--at must be an ISO 8601 timestamp")
        raise typer.Exit(EXIT_USAGE) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_STANDARD_TIME)


@app.command("show")
def show_cmd(customer_id: Annotated[str, typer.Argument()]) -> None:
    """Show the state per purpose and the full history of one customer."""
    with platform() as built, built.engine.connect() as conn:
        states = repo.all_states_of(conn, customer_id)
        ledger = repo.ledger_of(conn, customer_id)
    table = Table(title=f"consent of {customer_id}")
    for column in ("purpose", "status", "notice", "valid until", "deciding event"):
        table.add_column(column)
    for purpose, state in sorted(states.items()):
        table.add_row(
            purpose,
            state["status"],
            state.get("notice_version") or "",
            state.get("valid_until") or "",
            state.get("event_id") or "",
        )
    out.print(table)
    history = Table(title="history (by occurrence)")
    for column in ("occurred", "purpose", "action", "channel", "actor", "event"):
        history.add_column(column)
    for doc, _ in ledger:
        history.add_row(
            doc["occurred_at"],
            doc["purpose"],
            doc["action"],
            doc["channel"],
            doc["actor"]["kind"],
            doc["event_id"],
        )
    out.print(history)


@app.command("proof")
def proof_cmd(
    customer_id: Annotated[str, typer.Argument()],
    purpose: Annotated[str, typer.Argument()],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Events, notice versions (text hashes), channels, actors and evidence behind a state."""
    with platform() as built, built.engine.connect() as conn:
        proof = build_proof(built.consents, built.notices, conn, customer_id, purpose)
    if as_json:
        typer.echo(json.dumps(proof, ensure_ascii=False, indent=2))
        return
    out.print_json(json.dumps(proof, ensure_ascii=False))


@app.command("outbox")
def outbox_cmd(
    out_file: Annotated[Path, typer.Option("--out", help="JSONL file to append to.")],
    limit: Annotated[int, typer.Option(help="Rows per drain transaction.")] = 5000,
) -> None:
    """Drain consent.changed events to JSONL, at least once (appended and synced, then marked)."""
    drained = 0
    with platform() as built:
        while True:
            with built.engine.begin() as conn:
                rows = repo.pending_outbox(conn, limit)
                if not rows:
                    break
                _append_jsonl(out_file, rows)
                repo.mark_delivered(conn, [r[0] for r in rows], datetime.now(UTC))
            drained += len(rows)
    out.print(f"{drained:,} outbox events written to {out_file}")


def _append_jsonl(path: Path, rows: list[tuple[int, str, str, Any, Any]]) -> None:
    with path.open("a", encoding="utf-8") as handle:
        for row_id, topic, _customer, payload, created in rows:
            record = {"id": row_id, "topic": topic, "created_at": created.isoformat(), **payload}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


@app.command("report")
def report_cmd(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Coverage per purpose and channel: counts only."""
    with platform() as built, built.engine.connect() as conn:
        states = conn.exec_driver_sql(
            "SELECT purpose, status, count(*) FROM consent_state GROUP BY purpose, status"
        ).all()
        channels = conn.exec_driver_sql(
            "SELECT purpose, channel, count(*) FROM consent_event GROUP BY purpose, channel"
        ).all()
    report: dict[str, dict[str, Any]] = {}
    for purpose, status, count in states:
        report.setdefault(purpose, {"status": {}, "channels": {}})["status"][status] = count
    for purpose, channel, count in channels:
        report.setdefault(purpose, {"status": {}, "channels": {}})["channels"][channel] = count
    if as_json:
        typer.echo(json.dumps(report, sort_keys=True))
        return
    table = Table(title="consent coverage (counts only)")
    for column in ("purpose", "by status", "events by channel"):
        table.add_column(column)
    for purpose in sorted(report):
        entry = report[purpose]
        table.add_row(
            purpose,
            ", ".join(f"{k} {v:,}" for k, v in sorted(entry["status"].items())),
            ", ".join(f"{k} {v:,}" for k, v in sorted(entry["channels"].items())),
        )
    out.print(table)
