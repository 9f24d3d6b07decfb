"""The demo's marketing steps: three segments over the masked view, then one campaign end to end.

Only pseudonyms, bands and k-suppressed counts are printed; a withdrawal recorded between the
run and the send shows consent is checked again at send time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from cdp.bootstrap import Platform
from cdp.campaigns.service import build_service as campaign_service
from cdp.db.models import MaskedProfile
from cdp.segments.service import RunResult
from cdp.segments.service import build_service as segment_service
from governance.decision import Principal

ANALYST = Principal("demo:analyst", frozenset({"marketing_analyst"}))
DELIVERY = Principal("demo:delivery", frozenset({"campaign_delivery"}))
CHANNEL = Principal("demo:sms-gateway", frozenset({"consent_intake"}))
PIA_ID = "PIA-2026-017"

SEGMENTS: Sequence[tuple[str, str, str, dict[str, Any]]] = (
    (
        "wealth_in_decline",
        "P05",
        "retention: wealth customers whose AUM or activity is falling",
        {
            "all": [
                {"attr": "aum_tier", "op": "ge", "value": "财富"},
                {"attr": "lifecycle_stage", "op": "in", "values": ["decline", "win_back"]},
            ]
        },
    ),
    (
        "young_growth",
        "P06",
        "digital products: young customers in the growth stage",
        {
            "all": [
                {"attr": "age_band", "op": "in", "values": ["18–24", "25–29", "30–39"]},
                {"attr": "lifecycle_stage", "op": "eq", "value": "growth"},
            ]
        },
    ),
    (
        "vip_churn_risk",
        "P07",
        "outreach: VIP and above with a churn risk",
        {
            "all": [
                {"attr": "aum_tier", "op": "ge", "value": "贵宾"},
                {"attr": "churn_risk", "op": "is", "value": True},
            ]
        },
    ),
)


# the campaign's segment uses no sensitive attribute: P07 grants here are plain consent, and a
# segment over AUM-derived attributes needs separate consent (so vip_churn_risk stays under k)
CAMPAIGN_SEGMENT = (
    "active_mobile_users",
    "P07",
    "sms outreach: adults active in the last 30 days who prefer app or SMS",
    {
        "all": [
            {"attr": "preferred_channel", "op": "in", "values": ["app", "sms"]},
            {"attr": "recency_band", "op": "in", "values": ["7d", "30d"]},
        ]
    },
)


def marketing_demo(platform: Platform, console: Console) -> None:
    """Defines, publishes and runs three segments; runs one campaign through responses."""
    segments = segment_service(platform)
    runs: dict[str, RunResult] = {}
    table = Table("segment", "purpose", "what for", "audience", "by value tier")
    with platform.engine.begin() as conn:
        for name, purpose, why, rule in (*SEGMENTS, CAMPAIGN_SEGMENT):
            segments.create(conn, ANALYST, name, rule)
            segments.publish(conn, ANALYST, name, PIA_ID)  # sensitive ones need the PIA on record
            run = runs[name] = segments.run(conn, ANALYST, name, purpose)
            table.add_row(name, purpose, why, _count(run.size, run.k), _cells(run, "aum_tier"))
    console.print(table)
    console.print(
        f"  consent checked at run time; minors excluded; counts under k={runs[name].k} shown as"
        f" <{runs[name].k}; audiences are marketing-domain pseudonyms; PIA {PIA_ID} recorded;"
        " AUM-derived attributes need separate consent, which few gave for P07"
    )
    _campaign(platform, console, runs[CAMPAIGN_SEGMENT[0]])


def _campaign(platform: Platform, console: Console, run: RunResult) -> None:
    campaigns = campaign_service(platform)
    with platform.engine.begin() as conn:
        campaign = campaigns.create(conn, ANALYST, run.run_id, "sms", "retention-2026-11")
        audience = campaigns.export(conn, ANALYST, campaign.campaign_id)
    if not audience:
        console.print("  (the audience is under k in this data set: no campaign)")
        return
    withdrawn = _withdraw_one(platform, audience[0])
    with platform.engine.begin() as conn:
        sent = campaigns.send(conn, DELIVERY, campaign.campaign_id)
    console.print(
        f"  campaign {campaign.campaign_id[:8]}… (sms, P07): {len(audience)} pseudonyms exported;"
        f" one customer withdrew P07 after the run{' ' if withdrawn else ' (none found) '}->"
        f" send resolved {len(sent.deliveries)} mobile numbers in one audited governed batch,"
        f" skipped {sent.skipped_consent} for consent (addresses never stored or printed)"
    )
    responses = _responses(campaign.campaign_id, [d.pseudonym for d in sent.deliveries])
    with platform.engine.begin() as conn:
        results = campaigns.record_responses(conn, CHANNEL, responses)
        report = campaigns.report(conn, ANALYST, campaign.campaign_id)
    recorded = sum(1 for r in results if r.status == "recorded")
    console.print(
        f"  {recorded} channel responses imported (delivered, opened, converted, opted_out);"
        " opted_out became a P07 withdrawal"
    )
    status = ", ".join(f"{kind} {_count(n, report['k'])}" for kind, n in report["status"].items())
    console.print(f"  campaign report by status (k={report['k']}): {status or 'suppressed'}")
    by_tier = report["conversion"].get("aum_tier", {})
    cells = ", ".join(
        f"{tier} {_count(c['converted'], report['k'])}/{_count(c['reached'], report['k'])}"
        for tier, c in sorted(by_tier.items())
    )
    console.print(f"  converted/reached by value tier: {cells or 'suppressed'}")
    _responders(platform, console)


def _responders(platform: Platform, console: Console) -> None:
    """The closed loop: the responses just imported are tags a next segment can use."""
    segments = segment_service(platform)
    with platform.engine.begin() as conn:
        segments.create(conn, ANALYST, "engaged_responders", {"has_tag": "T_CAMPAIGN_ENGAGED"})
        run = segments.run(conn, ANALYST, "engaged_responders", "P07")
    console.print(
        "  responses fed the 营销信息 tags at once: segment engaged_responders"
        f" (has_tag T_CAMPAIGN_ENGAGED, P07) selects {_count(run.size, run.k)} for the next wave"
    )


def _withdraw_one(platform: Platform, pseudonym: str) -> bool:
    """Records a P07 withdrawal, through the ledger, for the customer behind one pseudonym."""
    with platform.engine.begin() as conn:
        ids = conn.execute(select(MaskedProfile.customer_id)).scalars().all()
        customer = next(
            (cid for cid in ids if platform.pseudonyms.pseudonym("marketing", cid) == pseudonym),
            None,
        )
        if customer is None:
            return False
        event = {
            "event_id": f"demo-withdraw-{customer[:8]}",
            "customer": {"customer_id": customer},
            "purpose": "P07",
            "action": "withdraw",
            "channel": "app",
            "actor": {"kind": "subject"},
            "occurred_at": datetime.now(UTC).isoformat(),
        }
        return platform.consents.record(conn, [event])[0].status == "recorded"


def _responses(campaign_id: str, pseudonyms: Sequence[str]) -> list[dict[str, str]]:
    """A channel's response file: delivered, opened and converted in turn, one opt-out."""
    kinds = ("delivered", "opened", "converted")
    return [
        {
            "response_id": f"sms-{i:05d}",
            "campaign_id": campaign_id,
            "pseudonym": pseudonym,
            "kind": "opted_out" if i == 4 else kinds[i % len(kinds)],
        }
        for i, pseudonym in enumerate(pseudonyms)
    ]


def _count(size: int | None, k: int) -> str:
    return f"<{k}" if size is None else f"{size:,}"


def _cells(run: RunResult, by: str) -> str:
    cells = run.breakdowns.get(by, {})
    return ", ".join(f"{name} {_count(n, run.k)}" for name, n in sorted(cells.items()))
