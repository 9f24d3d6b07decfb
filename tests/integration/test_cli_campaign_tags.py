"""`cdp campaign` and `cdp tags` through the CLI on SQLite and PostgreSQL: exit codes, messages,
deny events committed, addresses only with `--emit`, no customer id or PII in any output."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from cdp.auditing.context import cli_actor
from cdp.bootstrap import Platform, policy_dir
from cdp.campaigns.tables import campaign_recipient_t, campaign_response_t, campaign_t
from cdp.cli.main import app
from cdp.db.models import AuditLink
from cdp.tags.config import load_tag_config
from cdp.tags.service import customer_deletions
from tests.conftest import cli_env
from tests.integration.test_campaigns import N, consent, mobile
from tests.integration.test_campaigns import seeded as seeded  # the fixture: 60 women, a P07 run
from tests.integration.test_tags import ADULT, tags_of
from tests.integration.test_tags import adult as adult  # the fixture: one tagged senior

Seeded = tuple[Platform, dict[int, str], str]
HEX32 = re.compile(r"[0-9a-f]{32}")
CREATED = re.compile(
    r"campaign ([0-9a-f]{32}): sms cny-2027-fund for P07, (\d+) recipients pending"
)
CHANNEL_ROLE = ("--role", "consent_intake")
AN_HOUR_AGO = (datetime.now(UTC) - timedelta(hours=1)).isoformat()  # after the grants, not ahead
ADULT_PII = (ADULT["full_name"], ADULT["id_number"], ADULT["home_address"], ADULT["birth_date"])


def cdp(platform: Platform, *args: str) -> Result:
    """Runs one `cdp` command in-process against the test store."""
    return CliRunner().invoke(app, list(args), env=cli_env(platform.settings))


def text_of(result: Result) -> str:
    return result.stdout + result.stderr


def assert_no_ids(result: Result, cids: Iterable[str]) -> None:
    shown = text_of(result)
    assert not [c for c in cids if c in shown], "a customer id was printed"


def assert_no_contact(result: Result) -> None:
    shown = text_of(result)
    assert not [i for i in range(N) if mobile(i) in shown], "a mobile number was printed"
    assert "@example.cn" not in shown, "an e-mail address was printed"


def create(platform: Platform, run_id: str) -> str:
    made = cdp(
        platform,
        "campaign",
        "create",
        run_id,
        "--channel",
        "sms",
        "--content",
        "cny-2027-fund",
    )
    assert made.exit_code == 0, made.output
    found = CREATED.fullmatch(made.stdout.strip())
    assert found, made.stdout
    assert int(found.group(2)) == N
    return found.group(1)


def marketing(platform: Platform, cids: dict[int, str]) -> dict[int, str]:
    return {i: platform.pseudonyms.pseudonym("marketing", cid) for i, cid in cids.items()}


def audit_rows(platform: Platform, action: str) -> list[tuple[str, str, str | None]]:
    """(decision, actor, roles) of every audit event with this action (chain order)."""
    with platform.engine.connect() as conn:
        rows = conn.execute(
            select(AuditLink.decision, AuditLink.actor, AuditLink.roles)
            .where(AuditLink.action == action)
            .order_by(AuditLink.chain, AuditLink.seq)
        ).all()
    return [(str(d), str(a), r) for d, a, r in rows]


def count(platform: Platform, table: Any, **where: str) -> int:
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with platform.engine.connect() as conn:
        return int(conn.scalar(query) or 0)


def statuses(platform: Platform, campaign_id: str) -> dict[str, str]:
    r = campaign_recipient_t
    with platform.engine.connect() as conn:
        rows = conn.execute(select(r.c.pseudonym, r.c.status).where(r.c.campaign_id == campaign_id))
        return {str(p): str(s) for p, s in rows}


def p07_status(platform: Platform, cid: str) -> str | None:
    with platform.engine.connect() as conn:
        state = platform.consents.state(conn, cid, "P07")
    return None if state is None else str(state.status.value)


def emitted(result: Result) -> dict[str, str]:
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert all(set(line) == {"pseudonym", "address"} for line in lines)
    return {line["pseudonym"]: line["address"] for line in lines}


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["response_id", "campaign_id", "pseudonym", "kind", "at"])
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# -- campaign create / export ------------------------------------------------------------------


def test_create_prints_the_campaign_id_and_export_writes_pseudonyms_only(
    seeded: Seeded, tmp_path: Path
) -> None:
    platform, cids, run_id = seeded
    campaign_id = create(platform, run_id)
    with platform.engine.connect() as conn:
        row = conn.execute(select(campaign_t).where(campaign_t.c.campaign_id == campaign_id)).one()
    assert (row.run_id, row.channel, row.content_id, row.purpose) == (
        run_id,
        "sms",
        "cny-2027-fund",
        "P07",
    )
    assert [(d, a) for d, a, _ in audit_rows(platform, "campaign:create")] == [
        ("allow", cli_actor())
    ]

    target = tmp_path / "audience.txt"
    done = cdp(platform, "campaign", "export", campaign_id, "--out", str(target))
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == f"{N} pseudonyms written to {target}"
    lines = target.read_text(encoding="ascii").splitlines()
    assert len(lines) == N == len(set(lines))
    assert all(HEX32.fullmatch(line) for line in lines)
    assert set(lines) == set(marketing(platform, cids).values())
    assert not set(lines) & set(cids.values())  # pseudonyms, not customer ids
    assert not any(p in done.output for p in lines)  # the audience goes to the file only
    assert_no_ids(done, cids.values())
    assert_no_contact(done)


def test_create_refuses_an_unknown_channel_a_bad_content_id_and_an_unknown_run(
    seeded: Seeded,
) -> None:
    platform, cids, run_id = seeded
    fax = cdp(platform, "campaign", "create", run_id, "--channel", "fax", "--content", "c1")
    assert fax.exit_code == 2
    assert "campaign_invalid: channel: one of sms, email, app_push, phone, wechat" in fax.stderr
    spaced = cdp(platform, "campaign", "create", run_id, "--channel", "sms", "--content", "a b")
    assert spaced.exit_code == 2
    assert "campaign_invalid: content id" in spaced.stderr
    unknown = cdp(platform, "campaign", "create", "f" * 32, "--channel", "sms", "--content", "c1")
    assert unknown.exit_code == 1  # _fail maps "not found" to 1 (undocumented for create)
    assert "campaign_not_found: no such segment run" in unknown.stderr
    for result in (fax, spaced, unknown):
        assert result.stdout == ""
        assert_no_ids(result, cids.values())
    assert count(platform, campaign_t) == 0
    assert count(platform, campaign_recipient_t) == 0


def test_create_by_a_role_without_rights_exits_3_and_commits_a_deny_event(
    seeded: Seeded,
) -> None:
    platform, cids, run_id = seeded
    before = sorted(audit_rows(platform, "campaign:create"))
    denied = cdp(
        platform,
        "campaign",
        "create",
        run_id,
        "--channel",
        "sms",
        "--content",
        "c1",
        "--role",
        "campaign_delivery",
    )
    assert denied.exit_code == 3
    assert "campaign_denied: not permitted to run campaigns for P07" in denied.stderr
    assert denied.stdout == ""
    assert_no_ids(denied, cids.values())
    after = sorted(audit_rows(platform, "campaign:create"))
    assert after == sorted([*before, ("deny", cli_actor(), "|campaign_delivery|")])
    assert count(platform, campaign_t) == 0


# -- campaign send ---------------------------------------------------------------------------


def test_send_emits_addresses_only_with_emit_skips_a_withdrawn_customer_and_sends_once(
    seeded: Seeded,
) -> None:
    platform, cids, run_id = seeded
    pseudo = marketing(platform, cids)
    emitting, quiet = create(platform, run_id), create(platform, run_id)
    consent(platform, cids[1], "withdraw")  # after the run, before the send
    expected = {pseudo[i]: mobile(i) for i in range(2, N)}  # 0: grant scoped to e-mail only

    denied = cdp(platform, "campaign", "send", emitting, "--role", "marketing_analyst", "--emit")
    assert denied.exit_code == 3
    assert "campaign_denied: not permitted to read mobile for P07" in denied.stderr
    assert denied.stdout == ""
    assert audit_rows(platform, "campaign:send") == [("deny", cli_actor(), "|marketing_analyst|")]
    assert set(statuses(platform, emitting).values()) == {"pending"}  # nothing was sent

    sent = cdp(platform, "campaign", "send", emitting, "--role", "campaign_delivery", "--emit")
    assert sent.exit_code == 0, sent.output
    assert emitted(sent) == expected
    assert_no_ids(sent, cids.values())
    assert "@example.cn" not in sent.output
    after = statuses(platform, emitting)
    assert after[pseudo[1]] == after[pseudo[0]] == "skipped_consent"
    assert {after[p] for p in expected} == {"sent"}

    again = cdp(platform, "campaign", "send", emitting, "--role", "campaign_delivery", "--emit")
    assert again.exit_code == 2
    assert "campaign_already_sent: the campaign was sent already" in again.stderr
    assert again.stdout == ""

    plain = cdp(platform, "campaign", "send", quiet)  # default role campaign_delivery
    assert plain.exit_code == 0, plain.output
    assert plain.stdout.strip() == (
        f"campaign {quiet}: {N - 2} addresses resolved, 2 skipped (consent), 0 unreachable"
    )
    assert_no_contact(plain)  # without --emit no address is printed
    assert_no_ids(plain, cids.values())
    assert not any(p in plain.output for p in pseudo.values())
    decisions = sorted(d for d, _, _ in audit_rows(platform, "campaign:send"))
    assert decisions == ["allow", "allow", "deny"]  # one audited batch per send

    with platform.engine.connect() as conn:  # `--emit` stores nothing
        for table in (campaign_t, campaign_recipient_t):
            for row in conn.execute(select(table)):
                assert not any(mobile(i) in " ".join(map(str, row)) for i in range(N))


# -- campaign respond ------------------------------------------------------------------------


def test_respond_csv_records_counts_reports_a_bad_line_and_withdraws_on_opt_out(
    seeded: Seeded, tmp_path: Path
) -> None:
    platform, cids, run_id = seeded
    pseudo = marketing(platform, cids)
    campaign_id = create(platform, run_id)
    assert cdp(platform, "campaign", "send", campaign_id).exit_code == 0

    def response(rid: str, i: int, kind: str, at: str = AN_HOUR_AGO) -> dict[str, str]:
        return {
            "response_id": rid,
            "campaign_id": campaign_id,
            "pseudonym": pseudo[i],
            "kind": kind,
            "at": at,
        }

    rows = [response(f"r-conv-{i}", i, "converted") for i in range(2, 54)]
    rows.insert(2, response("r-bad", 2, "clicked"))  # line 3
    rows += [response(f"r-open-{i}", i, "opened", at="") for i in range(54, 57)]  # no instant
    rows.append(response("r-stop-57", 57, "opted_out"))
    path = write_csv(tmp_path / "responses.csv", rows)
    assert p07_status(platform, cids[57]) == "granted"

    denied = cdp(platform, "campaign", "respond", str(path), "--role", "marketing_analyst")
    assert denied.exit_code == 3
    assert "campaign_denied" in denied.stderr
    assert audit_rows(platform, "campaign:response") == [
        ("deny", cli_actor(), "|marketing_analyst|")
    ]
    assert count(platform, campaign_response_t) == 0

    first = cdp(platform, "campaign", "respond", str(path), *CHANNEL_ROLE)
    assert first.exit_code == 1
    assert first.stdout.strip() == "recorded 56, duplicate 0, rejected 1"
    assert first.stderr.strip() == "line 3: kind: one of delivered, opened, converted, opted_out"
    assert count(platform, campaign_response_t, campaign_id=campaign_id) == 56
    now = statuses(platform, campaign_id)
    assert now[pseudo[2]] == "converted"
    assert now[pseudo[55]] == "opened"
    assert now[pseudo[57]] == "opted_out"
    assert p07_status(platform, cids[57]) == "withdrawn"  # the opt-out is in the ledger
    assert p07_status(platform, cids[56]) == "granted"
    with platform.engine.connect() as conn:
        assert not platform.consents.check(conn, cids[57], "P07").valid

    again = cdp(platform, "campaign", "respond", str(path))  # default role consent_intake
    assert again.exit_code == 1
    assert again.stdout.strip() == "recorded 0, duplicate 56, rejected 1"
    assert count(platform, campaign_response_t) == 56
    for result in (denied, first, again):
        assert_no_ids(result, cids.values())
        assert_no_contact(result)


def test_respond_jsonl_reports_malformed_lines_by_position_and_records_the_rest(
    seeded: Seeded, tmp_path: Path
) -> None:
    platform, cids, run_id = seeded
    pseudo = marketing(platform, cids)
    campaign_id = create(platform, run_id)

    def response(rid: str, i: int, kind: str) -> str:
        return json.dumps(
            {"response_id": rid, "campaign_id": campaign_id, "pseudonym": pseudo[i], "kind": kind}
        )

    lines = [
        response("j-open-3", 3, "opened"),
        "{not json",
        response("j-stop-5", 5, "opted_out"),
        json.dumps(
            {
                "response_id": "j-x",
                "campaign_id": campaign_id,
                "pseudonym": "0" * 32,
                "kind": "converted",
            }
        ),
        response("j-open-3", 3, "opened"),
        response("j-open-3", 3, "converted"),
    ]
    path = tmp_path / "responses.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = cdp(platform, "campaign", "respond", str(path), *CHANNEL_ROLE)
    assert done.exit_code == 1, done.output
    assert done.stdout.strip() == "recorded 2, duplicate 1, rejected 3"
    assert done.stderr.splitlines() == [
        "line 2: response: an object",
        "line 4: pseudonym: not a recipient",
        "line 6: conflict: same response id, different content",
    ]
    assert count(platform, campaign_response_t, campaign_id=campaign_id) == 2
    now = statuses(platform, campaign_id)
    assert (now[pseudo[3]], now[pseudo[5]], now[pseudo[4]]) == ("opened", "opted_out", "pending")
    assert p07_status(platform, cids[5]) == "withdrawn"
    assert p07_status(platform, cids[3]) == "granted"
    assert_no_ids(done, cids.values())


def test_respond_refuses_an_unreadable_file(seeded: Seeded, tmp_path: Path) -> None:
    platform, _, _ = seeded
    missing = cdp(platform, "campaign", "respond", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2
    assert "cannot read the responses file" in missing.stderr
    assert audit_rows(platform, "campaign:response") == []


# -- campaign report -------------------------------------------------------------------------


def test_report_prints_the_structure_hides_small_groups_and_refuses_a_small_k(
    seeded: Seeded, tmp_path: Path
) -> None:
    platform, cids, run_id = seeded
    pseudo = marketing(platform, cids)
    campaign_id = create(platform, run_id)
    consent(platform, cids[1], "withdraw")
    assert cdp(platform, "campaign", "send", campaign_id).exit_code == 0
    rows = [
        {
            "response_id": f"c{i}",
            "campaign_id": campaign_id,
            "pseudonym": pseudo[i],
            "kind": "converted" if i < 54 else "opened",
            "at": "",
        }
        for i in range(2, 57)
    ]
    path = write_csv(tmp_path / "r.csv", rows)
    assert cdp(platform, "campaign", "respond", str(path)).exit_code == 0

    def report(*extra: str) -> dict[str, Any]:
        done = cdp(platform, "campaign", "report", campaign_id, *extra)
        assert done.exit_code == 0, done.output
        assert_no_ids(done, cids.values())
        assert not any(p in done.output for p in pseudo.values())
        found = json.loads(done.stdout)
        assert isinstance(found, dict)
        return found

    shown = report()
    assert set(shown) == {
        "campaign_id",
        "purpose",
        "channel",
        "content_id",
        "k",
        "size",
        "suppressed",
        "status",
        "conversion",
    }
    assert (shown["campaign_id"], shown["purpose"], shown["channel"]) == (campaign_id, "P07", "sms")
    assert (shown["k"], shown["size"], shown["suppressed"]) == (50, N, False)
    assert shown["status"] == {  # 52 shown; every cell below 50 hidden
        "converted": 52,
        "opened": None,
        "sent": None,
        "skipped_consent": None,
    }
    assert set(shown["conversion"]) == {"aum_tier", "lifecycle_stage"}
    assert shown["conversion"]["aum_tier"] == {
        "财富": {"reached": 58, "converted": 52, "rate": round(52 / 58, 4)}
    }

    stricter = report("--k", "55")
    assert (stricter["k"], stricter["size"]) == (55, N)
    assert stricter["status"]["converted"] is None
    assert stricter["conversion"]["aum_tier"] == {
        "财富": {"reached": 58, "converted": None, "rate": None}
    }

    whole = report("--k", str(N + 1))
    assert (whole["size"], whole["suppressed"], whole["status"]) == (None, True, {})
    assert whole["conversion"] == {"aum_tier": {}, "lifecycle_stage": {}}

    small = cdp(platform, "campaign", "report", campaign_id, "--k", "49")
    assert small.exit_code == 2
    assert "campaign_invalid: k must be an integer >= 50" in small.stderr
    assert small.stdout == ""
    unknown = cdp(platform, "campaign", "report", "0" * 32)
    assert unknown.exit_code == 1
    assert "campaign_not_found" in unknown.stderr


# -- tags ------------------------------------------------------------------------------------


def test_tags_catalogue_prints_every_definition(platform: Platform) -> None:
    config = load_tag_config(policy_dir(platform.settings))
    plain = cdp(platform, "tags", "catalogue")
    assert plain.exit_code == 0, plain.output
    lines = plain.stdout.splitlines()
    assert [line.split("  ")[0] for line in lines] == [t.id for t in config.tags]
    vip = next(line for line in lines if line.startswith("T_VIP  "))
    tag = config.get("T_VIP")
    assert tag is not None
    assert vip == (
        f"T_VIP  {tag.family}  {tag.tag_class}{' sensitive' if tag.sensitive else ''}  "
        f"[{','.join(tag.purposes)}]  {tag.description}"
    )
    as_json = cdp(platform, "tags", "catalogue", "--json")
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == [t.as_json() for t in config.tags]


def test_tags_list_and_delete_for_good_through_a_masked_rebuild(
    platform: Platform, adult: str
) -> None:
    config = load_tag_config(policy_dir(platform.settings))
    before = tags_of(platform, adult)
    assert {"T_VIP", "T_SENIOR"} <= set(before)
    listed = cdp(platform, "tags", "list", adult)
    assert listed.exit_code == 0, listed.output
    assert [line.split("  ")[0] for line in listed.stdout.splitlines()] == before
    vip = config.get("T_VIP")
    assert vip is not None
    assert f"T_VIP  {vip.family}  {vip.description}" in listed.stdout.splitlines()
    as_json = cdp(platform, "tags", "list", adult, "--json")
    assert [t["id"] for t in json.loads(as_json.stdout)] == before

    deleted = cdp(platform, "tags", "delete", adult, "T_VIP", "--channel", "app")
    assert deleted.exit_code == 0, deleted.output
    assert deleted.stdout.strip() == "tag T_VIP deleted"
    assert "T_VIP" not in tags_of(platform, adult)
    assert customer_deletions_of(platform, adult) == ["T_VIP"]
    after = cdp(platform, "tags", "list", adult)
    assert [line.split("  ")[0] for line in after.stdout.splitlines()] == [
        t for t in before if t != "T_VIP"
    ]

    twice = cdp(platform, "tags", "delete", adult, "T_VIP")  # default channel app
    assert twice.exit_code == 0, twice.output
    assert twice.stdout.strip() == "tag T_VIP was already deleted"
    assert [d for d, _, _ in audit_rows(platform, "tag:delete")] == ["allow", "allow"]

    rebuilt = cdp(platform, "masked", "rebuild", "--batch-size", "1")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "T_VIP" not in tags_of(platform, adult)
    assert "T_SENIOR" in tags_of(platform, adult)
    relisted = cdp(platform, "tags", "list", adult, "--json")
    assert "T_VIP" not in [t["id"] for t in json.loads(relisted.stdout)]
    for result in (listed, as_json, deleted, after, twice, rebuilt, relisted):
        assert adult not in result.output  # the customer id is an argument, never echoed
        assert not [v for v in ADULT_PII if v in text_of(result)]


@pytest.mark.parametrize(
    ("customer", "tag", "channel", "message"),
    [
        (None, "T_NOPE", "app", "error: unknown tag"),
        (None, "T_VIP", "carrier_pigeon", "error: channel must be one of api, app, branch,"),
        ("no-such-customer", "T_VIP", "app", "error: no masked profile for this customer"),
    ],
)
def test_tags_delete_refuses_an_unknown_tag_channel_or_customer(
    platform: Platform, adult: str, customer: str | None, tag: str, channel: str, message: str
) -> None:
    refused = cdp(platform, "tags", "delete", customer or adult, tag, "--channel", channel)
    assert refused.exit_code == 2
    assert message in refused.stderr
    assert refused.stdout == ""
    assert adult not in refused.output
    assert customer_deletions_of(platform, adult) == []
    assert "T_VIP" in tags_of(platform, adult)
    assert audit_rows(platform, "tag:delete") == []


def test_tags_list_refuses_an_unknown_customer(platform: Platform, adult: str) -> None:
    refused = cdp(platform, "tags", "list", "no-such-customer")
    assert refused.exit_code == 2
    assert "error: no masked profile for this customer" in refused.stderr
    assert refused.stdout == ""


def customer_deletions_of(platform: Platform, customer_id: str) -> list[str]:
    with platform.engine.connect() as conn:
        return customer_deletions(conn, customer_id)
