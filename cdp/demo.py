"""The demo: a readable story of what the platform does, on synthetic customers.

Only masked values are ever printed; the store holds ciphertext and blind indexes.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection, func, select

from cdp.auditing.context import call_context
from cdp.auditing.reports import CustomerAccess, denied_by_actor, who_accessed
from cdp.auditing.verifying import trusted_start, verify_log
from cdp.bootstrap import Platform, build_platform, init_store
from cdp.cli.search import find_customers
from cdp.db.hot import HotQuery
from cdp.db.models import BlindIndex, Customer, Profile, SourceLink
from cdp.demo_marketing import marketing_demo
from cdp.governed.errors import AccessDenied
from cdp.profiles.ingest import IngestSummary
from cdp.profiles.validators import validate_field
from cdp.settings import Settings
from governance.decision import Access, Principal
from masking.display import mask_email, mask_id, mask_mobile, mask_pan

console = Console(highlight=False, width=None if sys.stdout.isatty() else 110)
SOURCES = ("core_banking", "credit_card", "mobile_app")
DEMO_SEARCHER = Principal("demo:service-desk", frozenset({"customer_service"}))
LOOKUPS = (
    ("id_number", mask_id),
    ("mobile", mask_mobile),
    ("email", mask_email),
    ("card_no", mask_pan),
)


@dataclass(frozen=True, slots=True)
class IngestLine:
    """One source file's ingest result with its timing."""

    source: str
    summary: IngestSummary
    seconds: float


def run_demo(settings: Settings, *, customers: int, seed: int, reset: bool) -> None:
    """Runs keys, synthetic data, ingest, lookups and the summary, printing each step."""
    if reset:
        _reset_sqlite(settings)
    started = time.perf_counter()
    _step(1, "keys and schema")
    report = init_store(settings)
    console.print(
        f"  KEK v{report.active_kek} ({settings.kek_provider.value}, {settings.key_dir}), "
        f"cipher {settings.cipher_suite.value}, blind indexes keyed per column; "
        f"schema at revision {report.revision}"
    )
    files = _generate(settings, customers, seed)
    platform = build_platform(settings)
    try:
        with call_context(actor="demo:etl", channel="batch", source="demo"):
            lines = [_ingest(platform, source, files[source]) for source in SOURCES]
            _print_ingest(lines)
            customer = _lookups(platform, [files[source] for source in SOURCES])
            _stored(platform, lines, time.perf_counter() - started)
            _consents(platform, settings, customers, seed)
            with platform.engine.connect() as conn:
                consenting = _with_status(conn, "P05", "granted")
            if consenting or customer:
                _governed_reads(platform, consenting or customer or "")
            _consent_reads(platform)
            _audit_trail(platform, consenting or customer)
            _step(10, "segments and a campaign over the masked view (pseudonyms and bands only)")
            marketing_demo(platform, console)
    finally:
        platform.close()


def _step(number: int, title: str) -> None:
    console.print(f"\n[bold cyan]{number}. {title}[/]")


def _reset_sqlite(settings: Settings) -> None:
    database = settings.database_url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(database + suffix).unlink(missing_ok=True)


def _generate(settings: Settings, customers: int, seed: int) -> dict[str, Path]:
    from cdp.synth.files import generate_demo_files

    _step(2, "synthetic source exports")
    out_dir = settings.var_dir / "demo"
    files, summary = generate_demo_files(out_dir, customers, seed, error_rate=0.002)
    for source in SOURCES:
        console.print(f"  {source:<13} {files[source].name:<18} {summary.rows[source]:>7,} rows")
    console.print(
        f"  {len(summary.injected)} rows deliberately broken to show per-row errors; "
        f"files are private (0600) under {out_dir}"
    )
    return files


def _ingest(platform: Platform, source: str, path: Path) -> IngestLine:
    from cdp.cli.common import progress

    if source == SOURCES[0]:
        _step(3, "ingest: validate, resolve identities, encrypt, index")
    errors: list[str] = []
    with progress() as bar:
        task = bar.add_task(f"  {source}", total=None)
        started = time.perf_counter()
        summary = platform.ingestor().ingest_file(
            path,
            source,
            on_progress=lambda n: bar.advance(task, n),
            on_error=lambda e: errors.append(f"row {e.row}: {e.field or 'record'}: {e.reason}"),
        )
        seconds = time.perf_counter() - started
    for line in errors[:3]:
        console.print(f"  [yellow]{source} {line}[/]")
    return IngestLine(source, summary, seconds)


def _print_ingest(lines: list[IngestLine]) -> None:
    table = Table(title="ingest summary")
    for name in (
        "source",
        "read",
        "created",
        "merged",
        "updated",
        "unchanged",
        "rejected",
        "c3_refused",
        "rows/s",
    ):
        table.add_column(name, justify="left" if name == "source" else "right")
    for line in lines:
        counts = line.summary.as_counts()
        rate = counts["read"] / line.seconds if line.seconds else 0
        table.add_row(line.source, *(f"{v:,}" for v in counts.values()), f"{rate:,.0f}")
    console.print(table)


def _lookups(platform: Platform, paths: list[Path]) -> str | None:
    _step(4, "blind-index lookups (exact match, nothing decrypted)")
    samples: dict[str, str] = {}
    for path in reversed(paths):
        samples |= _first_values(path)
    found: str | None = None
    for field_name, mask in LOOKUPS:
        value = samples.get(field_name)
        if not value:
            continue
        ids = find_customers(platform, DEMO_SEARCHER, "P01", field_name, value)
        shown = mask(validate_field(platform.catalogue.get(field_name), value))
        if not isinstance(ids, list):
            console.print(f"  {field_name:<10} {shown:<24} -> refused ({ids}), and audited")
            continue
        found = found or (ids[0] if ids else None)
        console.print(
            f"  {field_name:<10} {shown:<24} -> {len(ids)} customer(s) "
            f"{', '.join(i[:8] + '…' for i in ids)}"
        )
    return found


def _first_values(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in _rows(path):
        for field_name, _ in LOOKUPS:
            if row.get(field_name) and field_name not in found:
                found[field_name] = str(row[field_name])
        if len(found) == len(LOOKUPS):
            break
    return found


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        if path.suffix == ".csv":
            yield from csv.DictReader(handle)
        else:
            yield from (json.loads(line) for line in handle if line.strip())


def _stored(platform: Platform, lines: list[IngestLine], elapsed: float) -> None:
    _step(5, "what the store now holds")
    with platform.engine.connect() as conn:
        count = {
            name: conn.execute(select(func.count()).select_from(model)).scalar_one()
            for name, model in (
                ("customers", Customer),
                ("source links", SourceLink),
                ("blind-index entries", BlindIndex),
            )
        }
        sample = conn.execute(
            select(Profile.mobile_ct).where(Profile.mobile_ct.is_not(None))
        ).first()
        spread = Counter(
            n
            for (n,) in conn.execute(
                select(func.count()).select_from(SourceLink).group_by(SourceLink.customer_id)
            )
        )
    merges = sum(line.summary.merged for line in lines)
    for name, value in count.items():
        console.print(f"  {name:<20} {value:>8,}")
    console.print(f"  {'records merged':<20} {merges:>8,}")
    known = ", ".join(f"{spread[n]:,} by {n}" for n in sorted(spread))
    console.print(f"  customers known to 1, 2, 3 source systems: {known}")
    if sample and sample[0]:
        blob = bytes(sample[0])
        console.print(
            f"  a stored mobile is {len(blob)} bytes of AES-GCM envelope: "
            f"{blob[:4].hex(' ')} … (format, suite, key version, nonce, ciphertext, tag)"
        )
    console.print(f"  elapsed {elapsed:.1f} s")


DEMO_READS = (
    ("customer_service", "P01", "客服: serve a caller"),
    ("kyc_officer", "P02", "KYC: verify identity"),
    ("relationship_manager", "P05", "RM: own book, tiering"),
)
DEMO_FIELDS = ("full_name", "id_number", "mobile", "birth_date", "aum", "home_address")


def _governed_reads(platform: Platform, customer_id: str) -> None:
    _step(7, "one customer, three roles, three purposes (policy decides field by field)")
    with platform.engine.begin() as conn:
        branch = platform.store.read(conn, customer_id, ["open_branch"]).values["open_branch"]
        results = [
            platform.reader.read(
                conn,
                Principal(f"demo:{role}", frozenset({role}), {"branches": branch or ""}),
                purpose,
                customer_id,
                DEMO_FIELDS,
            )
            for role, purpose, _ in DEMO_READS
        ]
        refused = _refused(platform, conn, customer_id)
    table = Table(title=f"customer {customer_id[:8]}… (values are synthetic)")
    table.add_column("field")
    for role, purpose, label in DEMO_READS:
        table.add_column(f"{role}\n{purpose} {label}")
    style = {Access.CLEAR: "green", Access.MASKED: "yellow", Access.DENIED: "dim"}
    for name in DEMO_FIELDS:
        cells = []
        for result in results:
            value = result.fields[name]
            text = value.value if value.access is not Access.DENIED else "denied"
            cells.append(f"[{style[value.access]}]{text}[/]")
        table.add_row(name, *cells)
    console.print(table)
    console.print(f"  marketing_analyst asking to read for P06: {refused}")
    console.print(
        f"  policy version {results[0].policy_version[:16]}…; "
        "explain any cell with `cdp policy explain`"
    )


def _refused(platform: Platform, conn: Connection, customer_id: str) -> str:
    analyst = Principal("demo:marketing_analyst", frozenset({"marketing_analyst"}))
    try:
        platform.reader.read(conn, analyst, "P06", customer_id, DEMO_FIELDS)
    except AccessDenied as denied:
        return f"denied ({denied.reason})"
    return "allowed (unexpected: check the policy)"


def _consents(platform: Platform, settings: Settings, customers: int, seed: int) -> None:
    from cdp.consents.files import read_events
    from cdp.synth.consents import consent_events, write_consent_files
    from cdp.synth.people import generate_people

    _step(6, "consent ledger: events from every channel")
    events, plan = consent_events(generate_people(customers, seed), seed)
    files = write_consent_files(events, settings.var_dir / "demo")
    counts: Counter[str] = Counter()
    for path in files.values():
        batch = [event for _, event, _ in read_events(path) if event is not None]
        for start in range(0, len(batch), 5000):
            with platform.engine.begin() as conn:
                results = platform.consents.record(conn, batch[start : start + 5000])
            counts.update(r.reason or r.status for r in results)
    actions = ", ".join(f"{k} {v:,}" for k, v in sorted(plan.by_action.items()))
    console.print(
        f"  {plan.events:,} events ({actions}) from app, web, branch, call centre, SMS, WeChat,"
        f" IVR and paper; {plan.minors:,} children under 14 consented through a guardian"
    )
    console.print("  results: " + ", ".join(f"{k} {v:,}" for k, v in counts.most_common()))


def _consent_reads(platform: Platform) -> None:
    _step(8, "consent decides too: the same read with and without a valid grant")
    with platform.engine.begin() as conn:
        granted = _with_status(conn, "P05", "granted")
        withdrawn = _with_status(conn, "P05", "withdrawn")
        for label, customer_id in (("granted", granted), ("withdrew", withdrawn)):
            if customer_id is None:
                continue
            branch = platform.store.read(conn, customer_id, ["open_branch"]).values["open_branch"]
            manager = Principal(
                "demo:rm", frozenset({"relationship_manager"}), {"branches": branch or ""}
            )
            try:
                result = platform.reader.read(conn, manager, "P05", customer_id, ["aum"])
                outcome = f"allowed, AUM {result.fields['aum'].value}"
            except AccessDenied as denied:
                outcome = f"denied ({denied.reason})"
            console.print(f"  RM reads customer {customer_id[:8]}… who {label} P05: {outcome}")
        _notice_bump(platform, conn)


_FIRST_WITH_STATUS = HotQuery(
    "SELECT customer_id FROM consent_state WHERE purpose = ? AND status = ? "
    "ORDER BY customer_id LIMIT 1"
)


def _with_status(conn: Connection, purpose: str, status: str) -> str | None:
    rows = _FIRST_WITH_STATUS.all(conn, (purpose, status))
    return str(rows[0][0]) if rows else None


def _notice_bump(platform: Platform, conn: Connection) -> None:
    from consent.notices import publish

    customer_id = _with_status(conn, "P06", "granted")
    if customer_id is None:
        return
    before = platform.consents.check(conn, customer_id, "P06")
    platform.consents.notices = publish(
        platform.consents.notices,
        purpose="P06",
        published_at=date(2026, 11, 1),
        text="个性化推荐现使用资产与交易数据。Personalised offers now use asset data.",
        requires_reconsent=True,
    )
    after = platform.consents.check(conn, customer_id, "P06")
    console.print(
        f"  notice P06-v2 published with requires_reconsent: customer "
        f"{customer_id[:8]}… P06 was {before.reason}, now {after.reason}"
    )


def _audit_trail(platform: Platform, customer_id: str | None) -> None:
    _step(9, "the audit trail: every step above, keyed hash chains, queried by compliance")
    key = platform.audit.key
    with platform.engine.connect() as conn:
        report = verify_log(conn, key, platform.settings.audit_chains, trusted_start(conn, key))
        who = who_accessed(conn, key, customer_id).rows if customer_id else ()
        denied = denied_by_actor(conn, key).rows
    state = "intact" if report.intact else "BROKEN: run `cdp audit verify` for details"
    console.print(
        f"  {report.checked:,} events verified over {len(report.chains)} chains: {state} "
        "(what `cdp audit verify` runs)"
    )
    if customer_id:
        _print_who(customer_id, who)
    table = Table(title="denied attempts by actor (`cdp audit report denied`)")
    for column in ("actor", "denied", "reasons"):
        table.add_column(column)
    for row in denied:
        reasons = ", ".join(f"{r.reason} x{r.count}" for r in row.reasons)
        table.add_row(row.actor, str(row.count), reasons)
    console.print(table)


def _print_who(customer_id: str, rows: Sequence[CustomerAccess]) -> None:
    table = Table(
        title=f"who accessed customer {customer_id[:8]}… "
        "(`cdp audit report who-accessed --customer ID`)"
    )
    for column in ("actor", "roles", "purpose", "action", "decision", "times", "fields"):
        table.add_column(column)
    for row in rows:
        fields = "; ".join(
            f"{kind} {', '.join(names)}"
            for kind, names in (
                ("clear", row.fields_clear),
                ("masked", row.fields_masked),
                ("denied", row.fields_denied),
            )
            if names
        )
        table.add_row(
            row.actor,
            ",".join(row.roles),
            row.purpose or "",
            row.action,
            row.decision,
            str(row.count),
            fields,
        )
    console.print(table)
