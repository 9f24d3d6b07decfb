"""A customer's campaign responsiveness for the masked view (issue 8 part 6), from their responses.

The campaign loop stores each channel response (delivered, opened, converted, opted_out) under
the recipient's marketing pseudonym. The masked view keeps one coarse label per customer, the
input of the 营销信息 response tags: over a configurable window (default 180 days) the best
response (converted > opened > delivered), or `opted_out` when an opt-out is the latest response
in the window. No response in the window leaves the label None. The label ages: a rebuild or the
next refresh after the window has passed drops it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

OPTED_OUT = "opted_out"
BEST_FIRST = ("converted", "opened", "delivered")
LABELS = (*BEST_FIRST, OPTED_OUT)


class ResponseRuleInvalid(ValueError):
    """The response window is malformed; the message names the key."""


@dataclass(frozen=True, slots=True)
class ResponseRule:
    """Labels a customer's latest response instants per kind (pure logic)."""

    window_days: int = 180

    def __post_init__(self) -> None:
        if type(self.window_days) is not int or not 1 <= self.window_days <= 3660:
            raise ResponseRuleInvalid("campaign_responses.window_days: a whole number, 1-3660")

    def label(self, latest: Mapping[str, datetime] | None, now: datetime) -> str | None:
        """The label of one customer given the latest instant of each response kind."""
        if not latest:
            return None
        since = now - timedelta(days=self.window_days)
        recent = {kind: at for kind, at in latest.items() if at >= since}
        if not recent:
            return None
        opted = recent.pop(OPTED_OUT, None)
        if opted is not None and all(opted >= at for at in recent.values()):
            return OPTED_OUT
        return next((kind for kind in BEST_FIRST if kind in recent), None)
