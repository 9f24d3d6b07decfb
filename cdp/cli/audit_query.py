"""`cdp audit query` and `cdp audit report ...`: compliance questions answered from signed bodies.

Exit 0 when every selected row verified, 1 when one failed its MAC or disagreed with its index
(named on stderr by chain and seq only), 2 for bad arguments.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import Connection

from audit.keys import AuditKey
from audit.tags import AuditTag, Decision
from cdp.auditing.export import EVENT_COLUMNS, flat_cells
from cdp.auditing.query import AuditFilter, Hit, QueryInvalid, QueryRow, RowProblem, find_events
from cdp.auditing.reports import (
    CustomerAccess,
    DeniedAttempts,
    FieldAccess,
    Report,
    denied_by_actor,
    event_document,
    field_access,
    json_ready,
    who_accessed,
)
from cdp.bootstrap import Platform
from cdp.cli.common import EXIT_FAILED_ROWS, EXIT_OK, EXIT_USAGE, err, out, platform
from cdp.db.engine import transaction
from cdp.timezones import CHINA_STANDARD_TIME

Since = Annotated[
    str | None,
    typer.Option(
        help="From this ISO 8601 date or instant, inclusive (naive: China Standard Time)."
    ),
]
Until = Annotated[
    str | None,
    typer.Option(help="Before this ISO 8601 instant; a date includes that whole day."),
]
AsCsv = Annotated[bool, typer.Option("--csv", help="Print CSV with a header; lists joined by `;`.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON lines, one object per line.")]

EVENT_TABLE = (
    *("at", "actor", "roles", "purpose", "action", "decision", "customer_ids"),
    *("fields_clear", "fields_masked", "fields_denied", "reason"),
)


def register(app: typer.Typer) -> None:
    """Adds `query` and the `report` commands to the `cdp audit` app."""
    app.command("query")(query_cmd)
    reports = typer.Typer(help="Compliance reports over the audit trail.", no_args_is_help=True)
    reports.command("who-accessed")(who_accessed_cmd)
    reports.command("denied")(denied_cmd)
    reports.command("fields")(fields_cmd)
    app.add_typer(reports, name="report")


def query_cmd(
    customer: Annotated[str | None, typer.Option(help="Events naming this customer id.")] = None,
    actor: Annotated[str | None, typer.Option(help="Events by this actor id.")] = None,
    role: Annotated[
        str | None, typer.Option(help="Events by a principal holding this role.")
    ] = None,
    purpose: Annotated[str | None, typer.Option(help="Events declaring this purpose.")] = None,
    action: Annotated[
        str | None, typer.Option(help="A tag (profile:read), a prefix (dsr:*), or a list.")
    ] = None,
    decision: Annotated[str | None, typer.Option(help="allow, deny or error.")] = None,
    since: Since = None,
    until: Until = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many events.")] = None,
    as_csv: AsCsv = False,
    as_json: AsJson = False,
) -> None:
    """Find audit events by customer, actor, role, purpose, action, decision and time."""
    shape = _shape(as_csv, as_json)
    flt = _checked(
        lambda: AuditFilter(
            customer=customer,
            actor=actor,
            role=role,
            purpose=purpose,
            action=action,
            decision=decision,
            since=_moment(since, "--since"),
            until=_moment(until, "--until", end=True),
            limit=limit,
        )
    )
    failed: list[RowProblem] = []
    with platform() as built:
        _audited(built, "query", customer)
        with built.engine.connect() as conn:
            rows = find_events(conn, built.audit.key, flt)
            _emit(shape, EVENT_COLUMNS, _documents(rows, failed), "audit events", EVENT_TABLE)
    raise typer.Exit(EXIT_FAILED_ROWS if failed else EXIT_OK)


def who_accessed_cmd(
    customer: Annotated[str, typer.Option(help="The customer id.")],
    since: Since = None,
    until: Until = None,
    as_csv: AsCsv = False,
    as_json: AsJson = False,
) -> None:
    """Who accessed one customer and which fields: the basis of a data subject's access report."""
    window = _window(since, until)
    _report(
        lambda conn, key: who_accessed(conn, key, customer, **window),
        CustomerAccess,
        f"access to {customer}",
        _shape(as_csv, as_json),
        ("who-accessed", customer),
    )


def denied_cmd(
    since: Since = None, until: Until = None, as_csv: AsCsv = False, as_json: AsJson = False
) -> None:
    """Denied attempts per actor, by reason."""
    window = _window(since, until)
    _report(
        lambda conn, key: denied_by_actor(conn, key, **window),
        DeniedAttempts,
        "denied attempts",
        _shape(as_csv, as_json),
        ("denied", None),
    )


def fields_cmd(
    since: Since = None, until: Until = None, as_csv: AsCsv = False, as_json: AsJson = False
) -> None:
    """Field access by role and purpose (clear, masked, denied) over governed reads."""
    window = _window(since, until)
    _report(
        lambda conn, key: field_access(conn, key, **window),
        FieldAccess,
        "field access",
        _shape(as_csv, as_json),
        ("fields", None),
    )


def _audited(built: Platform, name: str, customer: str | None) -> None:
    """Records the compliance query itself before anything is shown (fail closed)."""
    with transaction(built.engine) as conn:
        built.recorder.record(
            conn,
            AuditTag.AUDIT_QUERY,
            Decision.ALLOW,
            customer_ids=(customer,) if customer else (),
            reason=name,
        )


def _report(
    run: Callable[[Connection, AuditKey], Report[Any]],
    row_type: type,
    title: str,
    shape: str,
    audited: tuple[str, str | None],
) -> None:
    """Runs one report, warns about failed rows and prints it; exits 1 if any row failed."""
    with platform() as built:
        _audited(built, *audited)
        with built.engine.connect() as conn:
            report = run(conn, built.audit.key)
    for problem in report.problems:
        _warn(problem)
    names = tuple(f.name for f in fields(row_type))
    _emit(shape, names, map(json_ready, report.rows), title, names)
    raise typer.Exit(EXIT_FAILED_ROWS if report.problems else EXIT_OK)


def _shape(as_csv: bool, as_json: bool) -> str:
    """Picks the output format; both at once is a usage error."""
    if as_csv and as_json:
        err.print("choose one of --csv and --json", markup=False)
        raise typer.Exit(EXIT_USAGE)
    return "csv" if as_csv else "json" if as_json else "table"


def _checked(build: Callable[[], AuditFilter]) -> AuditFilter:
    """Builds a filter, turning an invalid one into exit code 2."""
    try:
        return build()
    except QueryInvalid as exc:
        err.print(f"invalid filter: {exc}", markup=False)
        raise typer.Exit(EXIT_USAGE) from None


def _window(since: str | None, until: str | None) -> dict[str, datetime | None]:
    """Parses and checks a report's time window."""
    flt = _checked(
        lambda: AuditFilter(
            since=_moment(since, "--since"), until=_moment(until, "--until", end=True)
        )
    )
    return {"since": flt.since, "until": flt.until}


def _moment(text: str | None, option: str, *, end: bool = False) -> datetime | None:
    """Parses an ISO 8601 date or instant; naive means China Standard Time."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        day = None
    if day is not None:
        start = datetime.combine(day, time(), CHINA_STANDARD_TIME)
        return start + timedelta(days=1) if end else start
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        err.print(f"{option} must be an ISO 8601 date or timestamp", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_STANDARD_TIME)


def _documents(rows: Iterator[QueryRow], failed: list[RowProblem]) -> Iterator[dict[str, Any]]:
    """Shapes the hits as documents, warning about (and collecting) the rows that failed."""
    for row in rows:
        if isinstance(row, Hit):
            yield event_document(row)
        else:
            _warn(row)
            failed.append(row)


def _warn(problem: RowProblem) -> None:
    """Names a failed row on stderr by its position, never by its content."""
    err.print(
        f"warning: audit link chain {problem.chain} seq {problem.seq}: {problem.problem}",
        markup=False,
    )


def _emit(
    shape: str,
    columns: tuple[str, ...],
    docs: Iterable[Mapping[str, Any]],
    title: str,
    shown: tuple[str, ...],
) -> None:
    """Prints documents as JSON lines, CSV (streamed) or a table."""
    if shape == "json":
        for doc in docs:
            typer.echo(json.dumps(doc, ensure_ascii=False))
    elif shape == "csv":
        writer = csv.DictWriter(
            sys.stdout, columns, restval="", extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for doc in docs:
            writer.writerow(flat_cells(doc))
    else:
        table = Table(*shown, title=title)
        for doc in docs:
            flat = flat_cells(doc)
            table.add_row(*(Text(flat.get(name, "")) for name in shown))
        out.print(table)
