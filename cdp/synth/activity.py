"""Activity aggregates of synthetic customers (issue 8), drawn from their own seeded RNG.

A separate `random.Random(f"{seed}:activity")` keeps every other generated value as it was. The
figures are consistent as of the synthetic snapshot day: 30-day counts never exceed 90-day ones,
a login in the last 30 days dates the last login inside that window, about 15 % of customers are
dormant (no login for months, a few never), AUM 90 days ago rises, holds or falls against today's
AUM (a few halve it), and customers hold 1 to 6 products.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from cdp.synth.attributes import SNAPSHOT

_KINDS = ("active", "cooling", "dormant")
_KIND_WEIGHTS = (70, 15, 15)
_TRENDS = ((0.30, 0.70, 0.92), (0.40, 0.95, 1.05), (0.25, 1.15, 1.6), (0.05, 2.2, 4.0))
_PRODUCT_WEIGHTS = (30, 28, 18, 12, 8, 4)  # 1..6 products


@dataclass(frozen=True, slots=True)
class Activity:
    """One customer's aggregates in canonical text form (login fields None when never seen)."""

    last_login_date: str | None
    logins_30d: str
    logins_90d: str
    txns_30d: str
    txns_90d: str
    txn_amount_90d: str
    aum_90d_ago: str
    products_held: str


def activity(rng: random.Random, aum: str, opened: date) -> Activity:
    """Draws the aggregates of one customer with the given AUM and opening date."""
    kind = rng.choices(_KINDS, _KIND_WEIGHTS)[0]
    if kind == "dormant":
        logins_90d = logins_30d = txns_30d = 0
        txns_90d = rng.choice((0, 0, 0, 1, 2))
        last = None if rng.random() < 0.15 else SNAPSHOT - timedelta(days=rng.randint(91, 900))
    else:
        logins_90d = max(1, int(rng.lognormvariate(2.6, 0.9)))
        share = rng.uniform(0.25, 0.45) if kind == "active" else rng.uniform(0.0, 0.12)
        logins_30d = min(logins_90d, round(logins_90d * share))
        txns_90d = int(rng.lognormvariate(2.8, 1.0))
        txns_30d = min(txns_90d, round(txns_90d * share))
        recent = 29 if logins_30d else 89
        last = SNAPSHOT - timedelta(days=rng.randint(0 if logins_30d else 30, recent))
    if last is not None and last < opened:
        last = opened if opened <= SNAPSHOT else None
    cents = int(txns_90d * rng.lognormvariate(7.2, 1.1) * 100) if txns_90d else 0
    return Activity(
        last_login_date=last.isoformat() if last else None,
        logins_30d=str(logins_30d),
        logins_90d=str(logins_90d),
        txns_30d=str(txns_30d),
        txns_90d=str(txns_90d),
        txn_amount_90d=_yuan(min(cents, 10**14)),
        aum_90d_ago=_yuan(_before(rng, aum)),
        products_held=str(rng.choices(range(1, 7), _PRODUCT_WEIGHTS)[0]),
    )


def _before(rng: random.Random, aum: str) -> int:
    """AUM 90 days ago in cents: today's divided by a growth factor (up, flat, down, halved)."""
    u, cents = rng.random(), int(aum.replace(".", ""))
    for share, low, high in _TRENDS:
        if u < share:
            return min(int(cents * rng.uniform(low, high)), 10**15 - 1)
        u -= share
    return cents


def _yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
