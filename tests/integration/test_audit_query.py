"""Compliance queries and reports over the audit trail, on SQLite and PostgreSQL, and the CLI."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import typer
from click.testing import Result
from sqlalchemy import Connection, event, insert, select, update
from typer.testing import CliRunner

from audit.events import AuditEvent, ConsentSnapshot
from audit.tags import AuditTag, Decision
from cdp.auditing.query import AuditFilter, Hit, Problem, QueryInvalid, RowProblem, find_events
from cdp.auditing.recorder import AuditRecorder
from cdp.auditing.reports import (
    CustomerAccess,
    DeniedAttempts,
    FieldAccess,
    ReasonCount,
    denied_by_actor,
    field_access,
    who_accessed,
)
from cdp.bootstrap import Platform, audit_key
from cdp.cli.audit_query import EVENT_COLUMNS, register
from cdp.db.models import AuditLink, AuditSubject
from cdp.governed.errors import AccessDenied
from governance.decision import Principal
from tests.conftest import cli_env

CA, CB = "0c9f1a52-5f7e-4c1e-9a53-3f0d6a7e1a01", "0c9f1a52-5f7e-4c1e-9a53-3f0d6a7e1b02"
T0 = datetime(2026, 11, 1, 8, tzinfo=UTC)  # 16:00 China Standard Time: e9 is 00:00 on the 2nd
R, FR = AuditTag.PROFILE_READ, AuditTag.PROFILE_FIELD_READ
ALLOW, DENY = Decision.ALLOW, Decision.DENY
KYC_TELLER = ("kyc_officer", "teller")
CONSENT = ConsentSnapshot("granted", "N-2026-01", "ce-1")
Entry = tuple[int, AuditTag, Decision, dict[str, Any]]


def entry(hour: int, action: AuditTag, decision: Decision, **details: Any) -> Entry:
    """One event of the test trail: its hour after T0, action, decision and details."""
    return hour, action, decision, details


# the label is stored as the event's request id
TRAIL: dict[str, Entry] = {
    "e1": entry(
        0, R, ALLOW, actor="u1", roles=KYC_TELLER, purpose="P02", customer_ids=(CA,),
        fields_clear=("mobile", "full_name"), fields_masked=("id_number",), consent=CONSENT,
        trace_id="t-1", rules=("policy.csv:7",),
    ),
    "e2": entry(
        1, FR, DENY, actor="u2", roles=("marketing",), purpose="P05", customer_ids=(CA,),
        fields_denied=("mobile",), reason="purpose_not_allowed",
    ),
    "e3": entry(
        2, AuditTag.DSR_ERASE, ALLOW, actor="u3", roles=("dpo",), customer_ids=(CB, CA),
        ticket_id="T-1",
    ),
    "e4": entry(
        3, AuditTag.DSR_ACCESS, DENY, actor="u2", roles=("marketing",), customer_ids=(CB,),
        reason="consent_missing",
    ),
    "e5": entry(4, AuditTag.KEY_ROTATE, ALLOW, actor="admin1", roles=("admin",)),
    "e6": entry(
        5, R, ALLOW, actor="u1", roles=("teller",), purpose="P01", customer_ids=(CB,),
        fields_masked=("mobile",),
    ),
    "e7": entry(
        6, AuditTag.PROFILE_SEARCH, Decision.ERROR, actor="u4", roles=("teller",),
        purpose="P01", fields_denied=("id_number",),
    ),
    "e8": entry(
        7, R, ALLOW, actor="u1", roles=KYC_TELLER, purpose="P02", customer_ids=(CA,),
        fields_clear=("birth_date",),
    ),
    "e9": entry(
        8, R, DENY, actor="u2", roles=("marketing",), purpose="P05", customer_ids=(CB,),
        fields_denied=("mobile", "email"), reason="purpose_not_allowed",
    ),
}  # fmt: skip
ALL = list(TRAIL)


def at(hour: int) -> datetime:
    """The instant of the trail's event `hour` hours after T0."""
    return T0 + timedelta(hours=hour)


@pytest.fixture
def trail(platform: Platform) -> dict[str, AuditEvent]:
    """The events of TRAIL, recorded by the real recorder at their hours, one transaction each."""
    recorded = {}
    for label, (hour, action, decision, details) in TRAIL.items():
        recorder = AuditRecorder(platform.audit, clock=lambda hour=hour: at(hour))
        with platform.engine.begin() as conn:
            recorded[label] = recorder.record(conn, action, decision, request_id=label, **details)
    return recorded


def run_query(platform: Platform, **criteria: Any) -> tuple[list[str], list[RowProblem]]:
    """Runs a filtered query; returns the labels of the hits in order, and the failed rows."""
    labels: list[str] = []
    problems: list[RowProblem] = []
    with platform.engine.connect() as conn:
        key = audit_key(platform.settings, create=False)
        for row in find_events(conn, key, AuditFilter(**criteria)):
            if isinstance(row, Hit):
                labels.append(str(row.event.request_id))
            else:
                problems.append(row)
    return labels, problems


def report(platform: Platform, build: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Runs one report with the platform's audit key."""
    with platform.engine.connect() as conn:
        return build(conn, audit_key(platform.settings, create=False), *args, **kwargs)


def cdp_audit(platform: Platform, *args: str) -> Result:
    """Invokes the registered `query` and `report` commands in-process against the store."""
    app = typer.Typer()
    register(app)
    env = {**cli_env(platform.settings), "COLUMNS": "300"}  # a table wide enough to read
    return CliRunner().invoke(app, list(args), env=env)


def position(platform: Platform, label: str) -> tuple[int, int]:
    """Finds the chain and seq of the trail's event by label."""
    hits = [row for row in _all_rows(platform) if row.event.request_id == label]
    return hits[0].chain, hits[0].seq


def _all_rows(platform: Platform) -> list[Hit]:
    with platform.engine.connect() as conn:
        key = audit_key(platform.settings, create=False)
        return [r for r in find_events(conn, key, AuditFilter()) if isinstance(r, Hit)]


def tamper(platform: Platform, label: str, table: Any, **values: Any) -> tuple[int, int]:
    """Rewrites columns of one stored row (link or subject), as someone with SQL access could."""
    chain, seq = position(platform, label)
    with platform.engine.begin() as conn:
        conn.execute(update(table).where(table.chain == chain, table.seq == seq).values(**values))
    return chain, seq


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({}, ALL),  # no filter: the whole trail in time order
        ({"customer": CA}, ["e1", "e2", "e3", "e8"]),  # any event naming the customer
        ({"customer": CB, "decision": "deny"}, ["e4", "e9"]),  # customer and decision together
        ({"actor": "u2"}, ["e2", "e4", "e9"]),
        ({"role": "teller"}, ["e1", "e6", "e7", "e8"]),  # one of several roles counts
        ({"role": "kyc"}, []),  # a role matches whole, never as a substring
        ({"purpose": "P02"}, ["e1", "e8"]),
        ({"action": "profile:read"}, ["e1", "e6", "e8", "e9"]),  # exact: not profile:field:read
        ({"action": "profile:*"}, ["e1", "e2", "e6", "e7", "e8", "e9"]),  # prefix wildcard
        ({"action": "dsr:*"}, ["e3", "e4"]),
        ({"action": "profile:field:*,key:rotate"}, ["e2", "e5"]),  # a list of patterns
        ({"decision": "deny"}, ["e2", "e4", "e9"]),
        ({"decision": "error"}, ["e7"]),
        ({"since": at(1)}, ALL[1:]),  # since is inclusive
        ({"until": at(1)}, ["e1"]),  # until is exclusive
        ({"since": at(1), "until": at(3)}, ["e2", "e3"]),
        ({"customer": CA, "since": at(1), "until": at(7)}, ["e2", "e3"]),  # window on subjects
        ({"since": at(1) + timedelta(microseconds=1)}, ALL[2:]),  # microseconds count
        ({"limit": 2}, ["e1", "e2"]),  # the first events in time order
        ({"customer": CA, "limit": 3}, ["e1", "e2", "e3"]),
    ],
)
def test_when_filtering_then_exactly_the_matching_events_come_back_in_time_order(
    platform: Platform, trail: dict[str, AuditEvent], criteria: dict[str, Any], expected: list[str]
) -> None:
    assert run_query(platform, **criteria) == (expected, [])


@pytest.mark.parametrize(
    "criteria",
    [
        {"action": "dsx:*"},  # no such domain
        {"action": "profile:reed"},  # a typo names no action
        {"decision": "maybe"},
        {"since": at(2), "until": at(1)},  # an inverted window
        {"since": datetime(2026, 11, 1)},  # a naive instant has no zone
        {"role": "a|b"},  # the separator of the roles column
        {"limit": 0},
    ],
)
def test_when_a_filter_cannot_match_as_written_then_it_is_refused(criteria: dict[str, Any]) -> None:
    with pytest.raises(QueryInvalid):
        AuditFilter(**criteria)


def test_when_reporting_who_accessed_a_customer_then_groups_carry_counts_times_and_fields(
    platform: Platform, trail: dict[str, AuditEvent]
) -> None:
    result = report(platform, who_accessed, CA)
    assert result.problems == ()
    assert result.rows == (
        CustomerAccess(
            "u1", KYC_TELLER, "P02", "profile:read", "allow", 2, at(0), at(7),
            ("birth_date", "full_name", "mobile"), ("id_number",), (),
        ),
        CustomerAccess(
            "u2", ("marketing",), "P05", "profile:field:read", "deny", 1, at(1), at(1),
            (), (), ("mobile",),
        ),
        CustomerAccess("u3", ("dpo",), None, "dsr:erase", "allow", 1, at(2), at(2), (), (), ()),
    )  # fmt: skip
    assert report(platform, who_accessed, CA, since=at(1), until=at(7)).rows == result.rows[1:]


def test_when_reporting_denials_then_each_actor_has_counts_by_reason(
    platform: Platform, trail: dict[str, AuditEvent]
) -> None:
    reasons = (ReasonCount("purpose_not_allowed", 2), ReasonCount("consent_missing", 1))
    assert report(platform, denied_by_actor).rows == (
        DeniedAttempts("u2", 3, reasons, at(1), at(8)),
    )
    later = report(platform, denied_by_actor, since=at(2)).rows
    assert later == (
        DeniedAttempts(
            "u2", 2, (ReasonCount("consent_missing", 1), ReasonCount("purpose_not_allowed", 1)),
            at(3), at(8),
        ),
    )  # fmt: skip


def test_when_reporting_field_access_then_reads_count_once_per_role_and_searches_not_at_all(
    platform: Platform, trail: dict[str, AuditEvent]
) -> None:
    rows = report(platform, field_access).rows
    assert [(r.role, r.purpose, r.field, r.access, r.count) for r in rows] == [
        ("kyc_officer", "P02", "birth_date", "clear", 1),
        ("kyc_officer", "P02", "full_name", "clear", 1),
        ("kyc_officer", "P02", "id_number", "masked", 1),
        ("kyc_officer", "P02", "mobile", "clear", 1),
        ("marketing", "P05", "email", "denied", 1),
        ("marketing", "P05", "mobile", "denied", 2),  # e2 (field read) and e9 (read)
        ("teller", "P01", "mobile", "masked", 1),  # e7's search is not a read
        ("teller", "P02", "birth_date", "clear", 1),
        ("teller", "P02", "full_name", "clear", 1),
        ("teller", "P02", "id_number", "masked", 1),
        ("teller", "P02", "mobile", "clear", 1),
    ]
    assert report(platform, field_access, since=at(5)).rows == (
        FieldAccess("kyc_officer", "P02", "birth_date", "clear", 1),
        FieldAccess("marketing", "P05", "email", "denied", 1),
        FieldAccess("marketing", "P05", "mobile", "denied", 1),
        FieldAccess("teller", "P01", "mobile", "masked", 1),
        FieldAccess("teller", "P02", "birth_date", "clear", 1),
    )


def test_when_printing_json_then_each_line_is_one_event_with_the_documented_keys(
    platform: Platform, trail: dict[str, AuditEvent]
) -> None:
    result = cdp_audit(platform, "query", "--customer", CA, "--json")
    assert result.exit_code == 0, result.output
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    lines = [line for line in printed if line["action"] != "audit:query"]
    assert [line["request_id"] for line in lines] == ["e1", "e2", "e3", "e8"]
    (query,) = [line for line in printed if line["action"] == "audit:query"]
    assert (query["customer_ids"], query["reason"]) == ([CA], "query")  # queries are audited
    first = lines[0]
    assert set(first) == {
        *("id", "at", "actor", "roles", "purpose", "action", "decision", "reason"),
        *("customer_ids", "fields", "consent", "trace_id", "chain", "seq", "request_id"),
        *("channel", "source", "rules", "policy_version", "record_count", "ticket_id"),
    }
    assert first["id"] == trail["e1"].event_id
    assert first["at"] == "2026-11-01T08:00:00.000000Z"
    assert first["roles"] == ["kyc_officer", "teller"]
    assert first["fields"] == {
        "clear": ["mobile", "full_name"],
        "masked": ["id_number"],
        "denied": [],
    }
    assert first["consent"] == {
        "status": "granted",
        "notice_version": "N-2026-01",
        "event_id": "ce-1",
    }
    assert (first["trace_id"], first["rules"], first["customer_ids"]) == (
        "t-1",
        ["policy.csv:7"],
        [CA],
    )
    assert lines[1]["consent"] is None
    assert lines[2]["ticket_id"] == "T-1"  # fmt: skip


def test_when_printing_csv_then_a_header_row_and_lists_joined_by_semicolons(
    platform: Platform, trail: dict[str, AuditEvent]
) -> None:
    result = cdp_audit(platform, "query", "--action", "profile:read", "--csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ",".join(EVENT_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["request_id"] for row in rows] == ["e1", "e6", "e8", "e9"]
    assert rows[0]["roles"] == "kyc_officer;teller"
    assert rows[0]["fields_clear"] == "mobile;full_name"
    assert (rows[0]["consent_status"], rows[0]["consent_event_id"]) == ("granted", "ce-1")
    assert (rows[3]["fields_denied"], rows[3]["consent_status"]) == ("mobile;email", "")
    assert rows[0]["at"] == "2026-11-01T08:00:00.000000Z"


def test_when_printing_a_table_then_it_lists_the_events(
    platform: Platform, trail: dict[str, AuditEvent]
) -> None:
    result = cdp_audit(platform, "query", "--actor", "admin1")
    assert result.exit_code == 0, result.output
    assert "key:rotate" in result.stdout
    assert "u2" not in result.stdout


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (("--since", "2026-11-01T17:00"), ALL[1:]),  # naive is China Standard Time: T0 + 1 h
        (("--since", "2026-11-01T09:00:00Z"), ALL[1:]),  # an instant with its zone
        (("--until", "2026-11-01T18:00+08:00"), ["e1", "e2"]),  # until is exclusive
        (("--until", "2026-11-01"), ALL[:-1]),  # a date is its whole CST day: e9 is 00:00 on 2nd
        (("--since", "2026-11-02", "--until", "2026-11-02"), ["e9"]),  # one whole day
    ],
)
def test_when_the_cli_reads_since_and_until_then_dates_and_naive_times_are_cst(
    platform: Platform, trail: dict[str, AuditEvent], window: tuple[str, ...], expected: list[str]
) -> None:
    result = cdp_audit(platform, "query", *window, "--json")
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["request_id"] for e in found if e["action"] != "audit:query"] == expected


@pytest.mark.parametrize(
    "args",
    [
        ("query", "--decision", "maybe"),
        ("query", "--action", "nope:*"),
        ("query", "--since", "2026-11-02", "--until", "2026-11-01"),
        ("query", "--since", "yesterday"),
        ("query", "--limit", "0"),
        ("query", "--csv", "--json"),
        ("report", "denied", "--since", "2026-11-02T00:00", "--until", "2026-11-01T00:00"),
        ("report", "who-accessed"),  # the customer is required
    ],
)
def test_when_arguments_are_bad_then_the_cli_exits_2(
    platform: Platform, args: tuple[str, ...]
) -> None:
    assert cdp_audit(platform, *args).exit_code == 2


def test_when_the_reports_print_then_json_and_csv_carry_the_rows(
    platform: Platform, trail: dict[str, AuditEvent]
) -> None:
    who = cdp_audit(platform, "report", "who-accessed", "--customer", CA, "--json")
    assert who.exit_code == 0, who.output
    first = json.loads(who.stdout.splitlines()[0])
    assert (first["actor"], first["count"], first["first"]) == (
        "u1",
        2,
        "2026-11-01T08:00:00.000000Z",
    )
    assert first["fields_clear"] == ["birth_date", "full_name", "mobile"]
    denied = cdp_audit(platform, "report", "denied", "--csv")
    assert denied.exit_code == 0, denied.output
    assert denied.stdout.splitlines() == [
        "actor,count,reasons,first,last",
        "u2,3,purpose_not_allowed=2;consent_missing=1,2026-11-01T09:00:00.000000Z,"
        "2026-11-01T16:00:00.000000Z",
    ]
    fields = cdp_audit(platform, "report", "fields", "--since", "2026-11-01T21:00", "--json")
    assert json.loads(fields.stdout.splitlines()[0]) == {
        "role": "kyc_officer",
        "purpose": "P02",
        "field": "birth_date",
        "access": "clear",
        "count": 1,
    }
    assert cdp_audit(platform, "report", "fields").exit_code == 0  # fmt: skip


def test_when_a_body_is_altered_then_its_row_is_left_out_named_and_the_exit_code_is_1(
    platform: Platform, trail: dict[str, AuditEvent]
) -> None:
    with platform.engine.connect() as conn:
        body = conn.execute(
            select(AuditLink.body).where(AuditLink.event_id == trail["e2"].event_id)
        ).scalar_one()
    chain, seq = tamper(platform, "e2", AuditLink, body=body.replace(b'"deny"', b'"allow"'))
    assert run_query(platform, customer=CA) == (
        ["e1", "e3", "e8"],
        [RowProblem(chain, seq, Problem.MAC)],
    )
    result = cdp_audit(platform, "query", "--actor", "u2", "--json")
    assert result.exit_code == 1
    assert [json.loads(line)["request_id"] for line in result.stdout.splitlines()] == ["e4", "e9"]
    assert f"chain {chain} seq {seq}" in result.stderr
    assert "purpose_not_allowed" not in result.stderr  # a position, never a body
    assert trail["e2"].event_id not in result.stdout
    for command in (("who-accessed", "--customer", CA), ("denied",), ("fields",)):
        failed = cdp_audit(platform, "report", *command, "--json")
        assert failed.exit_code == 1, command
        assert f"chain {chain} seq {seq}" in failed.stderr  # fmt: skip


@pytest.mark.parametrize(
    ("table", "values", "criteria", "expected"),
    [
        (AuditLink, {"actor": "u1"}, {"actor": "u1"}, ["e1", "e6", "e8"]),  # relabelled actor
        (AuditLink, {"decision": "allow"}, {"decision": "allow"}, ["e1", "e3", "e5", "e6", "e8"]),
        (AuditLink, {"roles": "|teller|"}, {"role": "teller"}, ["e1", "e6", "e7", "e8"]),
        (AuditLink, {"action": "dsr:erase"}, {"action": "dsr:*"}, ["e3", "e4"]),
        (AuditLink, {"occurred_at": at(9)}, {"since": at(9)}, []),  # moved in time
        (AuditLink, {"occurred_at": at(0)}, {"until": at(1)}, ["e1"]),  # until stays exclusive
        (AuditSubject, {"customer_id": CB}, {"customer": CB}, ["e3", "e4", "e6", "e9"]),
        (AuditSubject, {"occurred_at": at(9)}, {"customer": CA, "since": at(8)}, []),
        (AuditSubject, {"occurred_at": at(9)}, {"customer": CA}, ["e1", "e3", "e8"]),  # not moved
    ],
)
def test_when_an_index_column_is_altered_then_no_event_appears_under_the_wrong_filter(
    platform: Platform,
    trail: dict[str, AuditEvent],
    table: Any,
    values: dict[str, Any],
    criteria: dict[str, Any],
    expected: list[str],
) -> None:
    chain, seq = tamper(platform, "e2", table, **values)
    assert run_query(platform, **criteria) == (expected, [RowProblem(chain, seq, Problem.INDEX)])


def test_when_a_subject_row_is_added_then_the_event_is_not_counted_twice(
    platform: Platform, trail: dict[str, AuditEvent]
) -> None:
    chain, seq = position(platform, "e1")
    with platform.engine.begin() as conn:
        conn.execute(
            insert(AuditSubject).values(customer_id=CA, occurred_at=at(9), chain=chain, seq=seq)
        )
    assert run_query(platform, customer=CA) == (
        ["e1", "e2", "e3", "e8"],
        [RowProblem(chain, seq, Problem.INDEX)],
    )
    assert report(platform, who_accessed, CA).rows[0].count == 2  # e1 and e8, not e1 twice


def test_when_a_link_column_disagrees_with_its_body_then_the_event_shows_as_signed(
    platform: Platform, trail: dict[str, AuditEvent]
) -> None:
    chain, seq = tamper(platform, "e2", AuditLink, actor="u1", purpose="P01")
    labels, problems = run_query(platform, customer=CA)
    assert (labels, problems) == (["e1", "e2", "e3", "e8"], [RowProblem(chain, seq, Problem.INDEX)])
    result = cdp_audit(platform, "query", "--customer", CA, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout.splitlines()[1])["actor"] == "u2"  # fmt: skip


@pytest.fixture
def customer(platform: Platform) -> str:
    """One stored customer, ingested through the real pipeline."""
    platform.ingestor().ingest_records(
        "core_banking",
        [
            {
                "source_key": "C1",
                "observed_at": "2025-01-01T09:00:00+08:00",
                "id_number": "11010519491231002X",
                "mobile": "13812345678",
                "full_name": "张伟",
            }
        ],
    )
    with platform.engine.connect() as conn:
        return str(conn.exec_driver_sql("select customer_id from customer").scalar_one())


def test_when_real_reads_happen_then_who_accessed_shows_them_without_any_value(
    platform: Platform, customer: str
) -> None:
    for role, purpose in (("kyc_officer", "P02"), ("compliance_officer", "P01")):
        with platform.engine.begin() as conn, contextlib.suppress(AccessDenied):
            platform.reader.read(conn, Principal("u1", frozenset({role})), purpose, customer)
    rows = report(platform, who_accessed, customer).rows
    reads = {(r.roles, r.decision): r for r in rows if r.action == "profile:read"}
    assert set(reads) == {(("kyc_officer",), "allow"), (("compliance_officer",), "deny")}
    assert reads[("kyc_officer",), "allow"].fields_clear
    result = cdp_audit(platform, "report", "who-accessed", "--customer", customer, "--csv")
    listed = cdp_audit(platform, "query", "--customer", customer, "--json")
    assert (result.exit_code, listed.exit_code) == (0, 0)
    for secret in ("11010519491231002X", "13812345678", "张伟"):
        assert secret not in result.stdout + listed.stdout


def explain(conn: Connection, statement: str, parameters: Any) -> str:
    """Returns the plan of one statement as text, on either backend."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return "\n".join(str(row[-1]) for row in rows)
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # tiny tables: ask if an index can
    return "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))


SUBJECT_KEY = ("sqlite_autoindex_audit_subject_1", "pk_audit_subject")


@pytest.fixture
def executed(platform: Platform) -> Iterator[list[tuple[str, Any]]]:
    """Captures the SQL the platform's engine sends to the driver, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        seen.append((statement, parameters))

    event.listen(platform.engine, "before_cursor_execute", capture)
    yield seen
    event.remove(platform.engine, "before_cursor_execute", capture)


@pytest.mark.parametrize(
    ("run", "index", "sorts"),
    [
        # the subject key serves the customer and the time order: no sort at all
        (lambda p: run_query(p, customer=CA, since=at(1)), SUBJECT_KEY, False),
        (lambda p: report(p, who_accessed, CA), SUBJECT_KEY, False),
        (lambda p: run_query(p, actor="u2"), ("ix_audit_link_actor",) * 2, False),
        (lambda p: run_query(p, action="dsr:*"), ("ix_audit_link_action",) * 2, True),
        (lambda p: report(p, field_access), ("ix_audit_link_action",) * 2, False),  # unordered
        (lambda p: run_query(p, decision="deny"), ("ix_audit_link_decision",) * 2, False),
        (lambda p: report(p, denied_by_actor), ("ix_audit_link_decision",) * 2, False),
        (lambda p: run_query(p, since=at(8)), ("ix_audit_link_occurred_at",) * 2, False),
    ],
    ids=["customer", "who-accessed", "actor", "action", "fields", "decision", "denied", "since"],
)
def test_when_a_filter_has_an_index_then_the_plan_uses_it_and_never_scans_the_trail(
    platform: Platform,
    trail: dict[str, AuditEvent],
    executed: list[tuple[str, Any]],
    run: Callable[[Platform], object],
    index: tuple[str, str],
    sorts: bool,
) -> None:
    executed.clear()
    run(platform)
    (statement, parameters), *_ = [(s, p) for s, p in executed if "audit_link" in s]
    with platform.engine.begin() as conn:
        plan = explain(conn, statement, parameters)
    sqlite = platform.engine.dialect.name == "sqlite"
    assert index[0 if sqlite else 1] in plan, plan
    assert "SCAN audit_link\n" not in plan + "\n", plan
    assert "Seq Scan on audit_link" not in plan, plan
    assert sorts or "TEMP B-TREE FOR ORDER BY" not in plan, plan  # a full sort (SQLite only)
