"""Tags in the masked view on SQLite and PostgreSQL: computed on change and in rebuilds, listed,
deleted for good (Algorithm Provisions Art 17), audited, and no longer targeted by `has_tag`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cdp.bootstrap import Platform, policy_dir
from cdp.db.models import AuditLink, MaskedProfile, table_of
from cdp.profiles.repository import as_json
from cdp.rules import parse_rule, to_sql
from cdp.segments.config import load_segment_config
from cdp.segments.service import build_service as build_segments
from cdp.tags.config import TagConfig, load_tag_config
from cdp.tags.repository import customers_who_deleted, deleted_tags
from cdp.tags.service import TagRequestInvalid, customer_deletions, delete_tag, list_tags
from cdp.tags.tables import tag_deletion_t
from tests.integration.test_masked_view import ingest

masked_t = table_of(MaskedProfile)
ADULT = {
    "source_key": "A1",
    "observed_at": "2025-01-01T09:00:00+08:00",
    "full_name": "张伟",
    "id_number": "11010519491231002X",
    "birth_date": "1949-12-31",
    "home_address": "北京市海淀区中关村大街1号3单元502室",
    "aum": "123456.78",
    "gender": "F",
    "risk_tolerance": "C2",
    "preferred_channel": "branch",
}


def config(platform: Platform) -> TagConfig:
    return load_tag_config(policy_dir(platform.settings))


def tags_of(platform: Platform, customer_id: str) -> list[str]:
    with platform.engine.connect() as conn:
        value = conn.execute(
            select(masked_t.c.tags).where(masked_t.c.customer_id == customer_id)
        ).scalar_one()
    found = as_json(value)
    assert isinstance(found, list)
    return found


def selected_by(platform: Platform, tag_id: str) -> set[str]:
    """The customers a segment rule `{has_tag: tag_id}` selects (the SQL segment runs use)."""
    rule = parse_rule(
        {"has_tag": tag_id}, load_segment_config(policy_dir(platform.settings)).attributes
    )
    with platform.engine.connect() as conn:
        return set(
            conn.execute(select(masked_t.c.customer_id).where(to_sql(rule, masked_t))).scalars()
        )


@pytest.fixture
def adult(platform: Platform) -> str:
    ingest(platform, ADULT)
    with platform.engine.connect() as conn:
        return str(conn.execute(select(masked_t.c.customer_id)).scalar_one())


def test_when_a_profile_is_ingested_then_its_row_carries_its_tags_sorted(
    platform: Platform, adult: str
) -> None:
    tags = tags_of(platform, adult)
    assert {"T_VIP", "T_SENIOR", "T_RISK_AVERSE", "T_PREFERS_BRANCH"} <= set(tags)
    assert "T_WEALTH" not in tags
    assert tags == sorted(tags)
    with platform.engine.connect() as conn:
        shown = list_tags(conn, config(platform), adult)
    assert [t.id for t in shown] == tags
    vip = next(t for t in shown if t.id == "T_VIP")
    assert vip.family == "客户价值"
    assert vip.description


def test_when_a_tag_is_deleted_then_it_stays_deleted_through_refresh_and_rebuild(
    platform: Platform, adult: str
) -> None:
    assert adult in selected_by(platform, "T_VIP")
    with platform.engine.begin() as conn:
        assert delete_tag(conn, config(platform), platform.recorder, adult, "T_VIP", "app")
    assert "T_VIP" not in tags_of(platform, adult)
    assert "T_SENIOR" in tags_of(platform, adult)
    assert adult not in selected_by(platform, "T_VIP")

    ingest(platform, ADULT | {"aum": "223456.78", "observed_at": "2025-02-01T09:00:00+08:00"})
    assert "T_VIP" not in tags_of(platform, adult)  # refreshed on change
    with platform.engine.begin() as conn:
        platform.masked.refresh(conn, [adult])
    assert "T_VIP" not in tags_of(platform, adult)
    platform.masked.rebuild(platform.engine, batch_size=1)
    assert "T_VIP" not in tags_of(platform, adult)
    assert "T_SENIOR" in tags_of(platform, adult)
    assert adult not in selected_by(platform, "T_VIP")
    assert adult in selected_by(platform, "T_SENIOR")

    with platform.engine.begin() as conn:  # idempotent
        assert not delete_tag(conn, config(platform), platform.recorder, adult, "T_VIP", "branch")
        assert customer_deletions(conn, adult) == ["T_VIP"]
        assert deleted_tags(conn, [adult, "nobody"]) == {adult: frozenset({"T_VIP"})}


def test_when_a_tag_is_deleted_then_the_deletion_is_audited_without_personal_data(
    platform: Platform, adult: str
) -> None:
    with platform.engine.begin() as conn:
        delete_tag(conn, config(platform), platform.recorder, adult, "T_SENIOR", "app")
    with platform.engine.connect() as conn:
        bodies = (
            conn.execute(select(AuditLink.body).where(AuditLink.action == "tag:delete"))
            .scalars()
            .all()
        )
    assert len(bodies) == 1
    body = bodies[0].decode("utf-8", "replace")
    assert "T_SENIOR deleted" in body
    assert "张伟" not in body


def test_when_a_deletion_is_malformed_then_it_is_refused_and_nothing_is_stored(
    platform: Platform, adult: str
) -> None:
    with platform.engine.begin() as conn:
        for customer, tag, channel in [
            (adult, "T_NOPE", "app"),
            (adult, "T_VIP", "carrier_pigeon"),
            ("no-such-customer", "T_VIP", "app"),
        ]:
            with pytest.raises(TagRequestInvalid):
                delete_tag(conn, config(platform), platform.recorder, customer, tag, channel)
        assert customer_deletions(conn, adult) == []
        with pytest.raises(TagRequestInvalid):
            list_tags(conn, config(platform), "no-such-customer")


def test_when_a_tag_is_deleted_then_runs_over_it_or_its_attributes_leave_the_customer_out(
    platform: Platform, adult: str
) -> None:
    segments = build_segments(platform)
    vip = segments.parse({"attr": "aum_tier", "op": "ge", "value": "财富"})
    by_tag = {"has_tag": "T_VIP"}
    shadowing = segments.shadowing_tags({"attr": "aum_tier", "op": "ge", "value": "财富"}, vip)
    assert {"T_VIP", "T_WEALTH", "T_PRIVATE_BANKING"} <= set(shadowing)
    assert "T_PREFERS_BRANCH" not in shadowing
    assert segments.shadowing_tags(by_tag, segments.parse(by_tag)) == ["T_VIP"]
    gender = {"attr": "gender", "op": "eq", "value": "F"}
    assert not {"T_VIP", "T_PREFERS_BRANCH"} & set(
        segments.shadowing_tags(gender, segments.parse(gender))
    )
    with platform.engine.begin() as conn:
        assert customers_who_deleted(conn, ["T_VIP"]) == frozenset()
        delete_tag(conn, config(platform), platform.recorder, adult, "T_VIP", "app")
        assert customers_who_deleted(conn, ["T_VIP", "T_WEALTH"]) == {adult}
        assert customers_who_deleted(conn, ["T_WEALTH"]) == frozenset()
        assert customers_who_deleted(conn, []) == frozenset()
    assert adult not in selected_by(platform, "T_VIP")


def test_when_the_clock_is_injected_then_the_deletion_keeps_its_instant(
    platform: Platform, adult: str
) -> None:
    at = datetime(2026, 11, 23, 12, tzinfo=UTC)
    with platform.engine.begin() as conn:
        delete_tag(
            conn, config(platform), platform.recorder, adult, "T_VIP", "app", clock=lambda: at
        )
        row = conn.execute(select(tag_deletion_t)).mappings().one()
    assert row["channel"] == "app"
    assert row["tag_id"] == "T_VIP"
    assert row["deleted_at"].replace(tzinfo=UTC) == at
