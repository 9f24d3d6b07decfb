"""Segments and runs on SQLite and PostgreSQL: validation, consent at run time, minors, k, audit."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select

from cdp.bootstrap import Platform
from cdp.db.models import AuditLink, Customer, MaskedProfile, table_of
from cdp.resources import load_yaml, shipped_policy_dir
from cdp.rules import RuleInvalid
from cdp.segments.config import load_segment_config
from cdp.segments.service import (
    PiaRequired,
    SegmentDenied,
    SegmentInvalid,
    SegmentService,
    build_service,
)
from cdp.segments.tables import segment_audience_t, segment_run_t, segment_version_t
from consent.notices import parse_notices
from governance.decision import Principal

ANALYST = Principal("local:analyst", frozenset({"marketing_analyst"}))
TELLER = Principal("local:teller", frozenset({"teller"}))
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
GROWTH = {
    "all": [
        {"attr": "lifecycle_stage", "op": "eq", "value": "growth"},
        {"attr": "city", "op": "ne", "value": "无锡市"},
    ]
}
RICH = {
    "all": [
        {"attr": "aum_tier", "op": "ge", "value": "财富"},
        {"attr": "lifecycle_stage", "op": "eq", "value": "growth"},
    ]
}


def masked_row(cid: str, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "customer_id": cid,
        "pseudonym": uuid.uuid4().hex,
        "age_band": "30–39",
        "is_minor_u14": False,
        "is_minor_u18": False,
        "gender": "F",
        "city": "上海市",
        "aum_tier": "财富",
        "risk_level": "C3",
        "preferred_channel": "app",
        "consents": {},
        "tags": [],
        "lifecycle_stage": "growth",
        "profile_updated_at": NOW,
        "refreshed_at": NOW,
    }
    row.update(changes)
    return row


def seed(platform: Platform, rows: list[dict[str, Any]]) -> None:
    with platform.engine.begin() as conn:
        conn.execute(
            insert(table_of(Customer)),
            [{"customer_id": r["customer_id"], "created_at": NOW, "updated_at": NOW} for r in rows],
        )
        conn.execute(insert(table_of(MaskedProfile)), rows)


def consent(
    platform: Platform,
    cid: str,
    purpose: str = "P06",
    action: str = "grant",
    at: str = "2026-11-01T09:00:00+08:00",
    **extra: Any,
) -> None:
    doc: dict[str, Any] = {
        "event_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{cid}/{purpose}/{action}/{at}")),
        "customer": {"customer_id": cid},
        "purpose": purpose,
        "action": action,
        "channel": "app",
        "actor": {"kind": "subject"},
        "occurred_at": at,
    }
    if action == "grant":
        doc.update(consent_type="separate", notice_version=f"{purpose}-v1")
    doc.update(extra)
    with platform.engine.begin() as conn:
        results = platform.consents.record(conn, [doc])
    assert results[0].status == "recorded", results


def service(platform: Platform, **changes: Any) -> SegmentService:
    built = build_service(platform)
    base: dict[str, Any] = {
        "config": built.config,
        "policy": platform.policy,
        "purposes": platform.purposes,
        "notices": platform.notices,
        "pseudonyms": platform.pseudonyms,
        "audit": platform.recorder,
        "clock": lambda: NOW,
    }
    base.update(changes)
    return SegmentService(**base)


def ids(n: int, prefix: str) -> list[str]:
    return [str(uuid.uuid5(uuid.NAMESPACE_OID, f"{prefix}{i}")) for i in range(n)]


def marketing(platform: Platform, cids: list[str]) -> set[str]:
    return {platform.pseudonyms.pseudonym("marketing", c) for c in cids}


@pytest.mark.parametrize(
    "rule",
    [
        {"attr": "city; DROP TABLE masked_profile", "op": "eq", "value": "x"},
        {"attr": "pseudonym", "op": "eq", "value": "x"},
        {"attr": "customer_id", "op": "eq", "value": "x"},
        {"attr": "consents", "op": "eq", "value": "x"},
        {"attr": "masked_note", "op": "eq", "value": "x"},
        {"attr": "city", "op": "eq", "value": "x' OR '1'='1", "extra": 1},
        {"attr": "aum_tier", "op": "eq", "value": "gold"},
        {"raw_sql": "1=1"},
    ],
)
def test_when_a_rule_is_unknown_or_an_injection_then_create_refuses_it(
    platform: Platform, rule: dict[str, Any]
) -> None:
    with platform.engine.begin() as conn, pytest.raises(RuleInvalid):
        service(platform).create(conn, ANALYST, "bad", rule)
    with platform.engine.connect() as conn:
        assert service(platform).list(conn) == []


def test_when_a_quoted_value_is_used_then_it_is_a_bound_value_not_sql(platform: Platform) -> None:
    cids = ids(60, "q")
    seed(platform, [masked_row(c) for c in cids])
    for c in cids:
        consent(platform, c)
    svc = service(platform)
    rule = {"attr": "city", "op": "ne", "value": "x' OR '1'='1"}
    with platform.engine.begin() as conn:
        svc.create(conn, ANALYST, "quoted", rule)
        result = svc.run(conn, ANALYST, "quoted", "P06")
    assert result.size == 60


def test_when_a_segment_is_recreated_then_it_gets_a_new_version_and_the_old_one_stays(
    platform: Platform,
) -> None:
    svc = service(platform)
    with platform.engine.begin() as conn:
        one = svc.create(conn, ANALYST, "growth", GROWTH)
        two = svc.create(conn, ANALYST, "growth", RICH)
    assert (one.version, two.version) == (1, 2)
    assert (one.uses_sensitive, two.uses_sensitive) == (True, True)  # lifecycle_stage is sensitive
    with platform.engine.connect() as conn:
        assert svc.show(conn, "growth", 1).rule == GROWTH
        assert svc.show(conn, "growth").rule == RICH
        listed = svc.list(conn)
    assert [(s.name, s.latest_version, s.published) for s in listed] == [("growth", 2, False)]


def test_when_a_sensitive_segment_is_published_then_a_pia_id_is_required(
    platform: Platform,
) -> None:
    svc = service(platform)
    with platform.engine.begin() as conn:
        svc.create(conn, ANALYST, "rich", RICH)
    with platform.engine.begin() as conn, pytest.raises(PiaRequired):
        svc.run(conn, ANALYST, "rich", "P06")
    with platform.engine.begin() as conn, pytest.raises(PiaRequired):
        svc.publish(conn, ANALYST, "rich", None)
    with platform.engine.begin() as conn:
        done = svc.publish(conn, ANALYST, "rich", "PIA-2026-031")
    assert done.pia_id == "PIA-2026-031"
    assert done.published_at is not None


def test_when_the_role_may_not_segment_then_create_and_run_are_denied_and_audited(
    platform: Platform,
) -> None:
    svc = service(platform)
    with platform.engine.begin() as conn, pytest.raises(SegmentDenied):
        svc.create(conn, TELLER, "t", {"attr": "gender", "op": "eq", "value": "F"})
    with platform.engine.begin() as conn:
        svc.create(conn, ANALYST, "women", {"attr": "gender", "op": "eq", "value": "F"})
    with platform.engine.begin() as conn, pytest.raises(SegmentInvalid):
        svc.run(conn, ANALYST, "women", "P01")
    with platform.engine.begin() as conn, pytest.raises(SegmentDenied):
        svc.run(conn, TELLER, "women", "P06")
    with platform.engine.connect() as conn:
        actions = conn.execute(select(AuditLink.action, AuditLink.decision)).all()
    assert ("segment:create", "allow") in actions
    assert ("segment:run", "deny") in actions


def test_consent_is_checked_at_run_time(platform: Platform) -> None:
    granted, withdrawn, refused, expired, never, other = (ids(60, k) for k in "gwrenx")
    wrong_form = ids(60, "f")
    minors, kids = ids(60, "m"), ids(5, "k")
    rows = [masked_row(c) for c in granted + withdrawn + refused + expired + never + other]
    rows += [masked_row(c) for c in wrong_form]
    rows += [masked_row(c, is_minor_u18=True, age_band="<18") for c in minors]
    rows += [masked_row(c, is_minor_u18=True, is_minor_u14=True, age_band="<18") for c in kids]
    seed(platform, rows)
    for c in granted + withdrawn + expired + minors:
        consent(platform, c)
    for c in kids:
        consent(platform, c, actor={"kind": "subject"})
    for c in withdrawn:
        consent(platform, c, action="withdraw", at="2026-11-10T09:00:00+08:00")
    for c in refused:
        consent(platform, c, action="refuse")
    for c in expired:
        consent(
            platform,
            c,
            action="grant",
            at="2026-11-02T09:00:00+08:00",
            expires_at="2026-11-20T00:00:00+08:00",
        )
    for c in other:
        consent(platform, c, purpose="P07", consent_type="consent")
    for c in wrong_form:  # P07 by plain consent: fine for P07, not for a sensitive segment
        consent(platform, c, purpose="P07", consent_type="consent")
    svc = service(platform)
    with platform.engine.begin() as conn:
        svc.create(conn, ANALYST, "growth", GROWTH)
        svc.publish(conn, ANALYST, "growth", "PIA-1")
        result = svc.run(conn, ANALYST, "growth", "P06")
        with_minors = svc.run(conn, ANALYST, "growth", "P06", include_minors=True)
        p07 = svc.run(conn, ANALYST, "growth", "P07")
        audience = set(svc.audience(conn, result.run_id))
        audience_minors = set(svc.audience(conn, with_minors.run_id))
    assert audience == marketing(platform, granted)
    assert result.size == 60
    assert audience_minors == marketing(platform, granted + minors)  # under-14s never
    assert p07.size is None
    assert p07.suppressed


def test_when_a_later_notice_requires_reconsent_then_earlier_grants_drop_out(
    platform: Platform,
) -> None:
    cids = ids(60, "s")
    seed(platform, [masked_row(c) for c in cids])
    for c in cids:
        consent(platform, c)
    doc = load_yaml(shipped_policy_dir() / "notices.yaml")
    doc["notices"].append(
        {"name": "P06-v2", "published_at": "2026-11-15", "requires_reconsent": True, "text": "v2"}
    )
    stale = service(platform, notices=parse_notices(doc, platform.purposes))
    with platform.engine.begin() as conn:
        stale.create(conn, ANALYST, "growth", GROWTH)
        stale.publish(conn, ANALYST, "growth", "PIA-1")
        assert stale.run(conn, ANALYST, "growth", "P06").suppressed
        fresh = service(platform).run(conn, ANALYST, "growth", "P06")
    assert fresh.size == 60


def test_counts_below_k_are_suppressed(platform: Platform) -> None:
    big, small = ids(70, "b"), ids(20, "s")
    rows = [masked_row(c, city="上海市") for c in big] + [
        masked_row(c, city="北京市") for c in small
    ]
    seed(platform, rows)
    for c in big + small:
        consent(platform, c)
    svc = service(platform)
    with platform.engine.begin() as conn:
        svc.create(conn, ANALYST, "growth", GROWTH)
        svc.publish(conn, ANALYST, "growth", "PIA-1")
        result = svc.run(conn, ANALYST, "growth", "P06")
        tiny = svc.run(conn, ANALYST, "growth", "P06", k=100)
        stored = conn.execute(select(segment_run_t.c.size, segment_run_t.c.suppressed)).all()
    assert result.size == 90
    # 北京市 (20) is below k; alone it could be recovered from the total, so 上海市 hides too
    assert result.breakdowns["city"] == {"上海市": None, "北京市": None}
    assert result.breakdowns["aum_tier"] == {"财富": 90}
    assert tiny.size is None
    assert tiny.suppressed
    assert tiny.breakdowns == {"aum_tier": {}, "lifecycle_stage": {}, "city": {}}
    assert sorted(stored) == [(90, False), (90, True)]
    with pytest.raises(SegmentInvalid), platform.engine.begin() as conn:
        svc.run(conn, ANALYST, "growth", "P06", k=10)  # never below the configured k


def test_a_run_is_audited_once_without_customer_ids_and_the_audience_holds_pseudonyms_only(
    platform: Platform,
) -> None:
    cids = ids(60, "a")
    seed(platform, [masked_row(c) for c in cids])
    for c in cids:
        consent(platform, c)
    svc = service(platform)
    with platform.engine.begin() as conn:
        svc.create(conn, ANALYST, "growth", GROWTH)
        svc.publish(conn, ANALYST, "growth", "PIA-1")
        result = svc.run(conn, ANALYST, "growth", "P06")
    with platform.engine.connect() as conn:
        runs = (
            conn.execute(select(AuditLink.body).where(AuditLink.action == "segment:run"))
            .scalars()
            .all()
        )
        stored = conn.execute(select(segment_audience_t)).all()
        versions = conn.execute(select(segment_version_t)).all()
        analytics = set(conn.scalars(select(table_of(MaskedProfile).c.pseudonym)))
    assert len(runs) == 1
    body = runs[0].decode("utf-8", "replace")
    assert result.run_id in body
    assert '"record_count":60' in body.replace(" ", "")
    dump = json.dumps([list(map(str, r)) for r in [*stored, *versions]])
    for cid in cids:
        assert cid not in body
        assert cid not in dump
    pseudonyms = {r.pseudonym for r in stored}
    assert pseudonyms == marketing(platform, cids)
    assert not pseudonyms & analytics  # another domain than the masked view's
    assert all(re.fullmatch(r"[0-9a-f]{32}", p) for p in pseudonyms)


def test_the_same_segment_gives_the_same_audience_on_every_backend(platform: Platform) -> None:
    """Fixed ids and a fixed pseudonym key: the audience is compared to one expected set."""
    cids = [str(uuid.UUID(int=i + 1)) for i in range(200)]
    tiers, stages, cities = (
        ["大众", "贵宾", "财富", "私行"],
        ["growth", "decline", None],
        ["上海市", "无锡市", None],
    )
    rows = [
        masked_row(c, aum_tier=tiers[i % 4], lifecycle_stage=stages[i % 3], city=cities[i % 5 % 3])
        for i, c in enumerate(cids)
    ]
    seed(platform, rows)
    for i, c in enumerate(cids):
        if i % 7:
            consent(platform, c)
    svc = service(platform)
    rule = {
        "all": [
            {"attr": "aum_tier", "op": "ge", "value": "贵宾"},
            {
                "any": [
                    {"attr": "lifecycle_stage", "op": "eq", "value": "growth"},
                    {"not": {"attr": "city", "op": "eq", "value": "无锡市"}},
                ]
            },
        ]
    }
    with platform.engine.begin() as conn:
        svc.create(conn, ANALYST, "mixed", rule)
        svc.publish(conn, ANALYST, "mixed", "PIA-1")
        result = svc.run(conn, ANALYST, "mixed", "P06")
        audience = svc.audience(conn, result.run_id)
    expected = []
    for i, c in enumerate(cids):
        city = cities[i % 5 % 3]
        if i % 7 and tiers[i % 4] != "大众" and (stages[i % 3] == "growth" or city != "无锡市"):
            expected.append(c)
    assert set(audience) == marketing(platform, expected)


def test_the_shipped_whitelist_derives_only_from_catalogue_fields(platform: Platform) -> None:
    config = load_segment_config(shipped_policy_dir())
    names = {f.name for f in platform.catalogue.fields}
    for attribute in config.attributes:
        assert set(config.derives_from[attribute.name]) <= names, attribute.name
        assert attribute.column in table_of(MaskedProfile).c, attribute.column


def test_the_cli_creates_publishes_and_runs_without_printing_pseudonyms(
    platform: Platform, tmp_path: Any
) -> None:
    from typer.testing import CliRunner

    from cdp.cli.main import app
    from tests.conftest import cli_env

    cids = ids(60, "c")
    seed(platform, [masked_row(c) for c in cids])
    for c in cids:
        consent(platform, c)
    runner, env = CliRunner(), cli_env(platform.settings)
    rule = json.dumps(GROWTH)
    assert runner.invoke(app, ["segment", "create", "g", "--rule", rule], env=env).exit_code == 0
    denied = runner.invoke(app, ["segment", "run", "g", "--purpose", "P06"], env=env)
    assert denied.exit_code == 3  # sensitive and unpublished
    assert runner.invoke(app, ["segment", "publish", "g"], env=env).exit_code == 3
    ok = runner.invoke(app, ["segment", "publish", "g", "--pia-id", "PIA-7"], env=env)
    assert ok.exit_code == 0
    target = tmp_path / "audience.txt"
    done = runner.invoke(
        app, ["segment", "run", "g", "--purpose", "P06", "--json", "--out", str(target)], env=env
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["size"] == 60
    exported = set(target.read_text().split())
    assert exported == marketing(platform, cids)
    assert not any(p in done.output for p in exported)
    shown = runner.invoke(app, ["segment", "show", "g"], env=env)
    assert json.loads(shown.output)["pia_id"] == "PIA-7"
    assert "g  v1  sensitive published" in runner.invoke(app, ["segment", "list"], env=env).output
