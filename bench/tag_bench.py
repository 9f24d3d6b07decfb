"""Tag computation figures: every tag of `policies/tags.yaml` and the lifecycle derivation
recomputed in memory for N synthetic masked rows (200,000 in full mode, 50,000 quick).

Per row, timed: `LifecycleRules.derive` (as `Projector.row` calls it), the lifecycle columns
set on the row, then `TagComputer.encoded` (all tag predicates, minus deletions for one row in
fifty), exactly the per-row work a rebuild adds for tags. No database: the rebuild's own figure
is `masked_rebuild_profiles_per_s`.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from cdp.masked.config import load_masking_config
from cdp.resources import shipped_policy_dir
from cdp.tags.compute import TagComputer
from cdp.tags.config import load_tag_config
from masking.lifecycle import ActivityInputs

FULL, QUICK = 200_000, 50_000
TODAY = date(2026, 11, 23)
AGES = ["18–24", "25–29", "30–39", "40–49", "50–59", "60–69", "≥70"]
TIERS = [None, 1_000.0, 80_000.0, 600_000.0, 3_000_000.0, 12_000_000.0]
CHANNELS = ["app", "sms", "phone", "email", "wechat", "branch", None]


def _rows(n: int) -> list[tuple[dict[str, Any], ActivityInputs, frozenset[str]]]:
    rng = random.Random(7)
    rows = []
    for i in range(n):
        aum = rng.choice(TIERS)
        inputs = ActivityInputs(
            TODAY - timedelta(days=rng.randrange(0, 9000)),
            aum,
            None if aum is None else aum * rng.uniform(0.5, 1.5),
            TODAY - timedelta(days=rng.randrange(0, 400)) if rng.random() < 0.9 else None,
            rng.randrange(0, 40),
            rng.randrange(0, 120),
            rng.randrange(0, 20),
            rng.randrange(0, 60),
            rng.uniform(0, 2_000_000),
            None,
        )
        row = {
            "age_band": rng.choice(AGES),
            "is_minor_u18": False,
            "gender": rng.choice("MF"),
            "city": "上海市",
            "aum_tier": None,
            "risk_level": f"C{rng.randrange(1, 6)}",
            "preferred_channel": rng.choice(CHANNELS),
            "products_held": rng.randrange(0, 6),
        }
        deleted = frozenset({"T_VIP"}) if i % 50 == 0 else frozenset()
        rows.append((row, inputs, deleted))
    return rows


def run(*, quick: bool) -> dict[str, Any]:
    """Times lifecycle + tags over N in-memory rows; returns the metric."""
    policies = shipped_policy_dir()
    masking = load_masking_config(policies)
    general, lifecycle = masking.generaliser, masking.lifecycle
    tags = TagComputer(load_tag_config(policies))
    n = QUICK if quick else FULL
    rows = _rows(n)
    tagged = 0
    started = time.perf_counter()
    for row, inputs, deleted in rows:
        tier = general.aum_tier(None if inputs.aum is None else Decimal(str(round(inputs.aum, 2))))
        derived = lifecycle.derive(inputs._replace(value_tier=tier), TODAY)
        row["aum_tier"] = tier
        row["lifecycle_stage"] = derived.lifecycle_stage
        row["tenure_years"] = derived.tenure_years
        row["aum_trend"] = derived.aum_trend
        row["recency_band"] = derived.recency_band
        row["activity_level"] = derived.activity_level
        row["contribution_band"] = derived.contribution_band
        row["churn_risk"] = derived.churn_risk
        row["tags"] = tags.encoded(row, deleted)
        tagged += len(row["tags"]) > 2
    elapsed = time.perf_counter() - started
    return {
        "tag_compute_profiles_per_s": {
            "value": round(n / elapsed),
            "unit": "profiles/s",
            "target": ">= 50000",
            "profiles": n,
            "tags": len(tags.ids),
            "tagged_profiles": tagged,
        }
    }


if __name__ == "__main__":
    import sys

    print(run(quick="--quick" in sys.argv))
