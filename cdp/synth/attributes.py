"""Draws single customer attributes (birth, opening, wealth, job, risk, channel) from a seeded RNG.

Proportions follow the brief for the synthetic bank: about 3% of customers under 14 and 3% aged
14-17, AUM long-tailed (most below 50,000; ~10% above 500,000; ~1% above 6,000,000).
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from cdp.synth.tables import CHANNEL_WEIGHTS, CHANNELS, JOBS, RISK_LEVELS, RISK_WEIGHTS

SNAPSHOT = date(2026, 10, 31)  # "today" of the synthetic world: ages are judged on this day
OPEN_FROM = date(1995, 1, 1)
OPEN_UNTIL = date(2025, 12, 31)
_ELDERLY_RISK_WEIGHTS = (25, 35, 30, 8, 2)
_ELDERLY_CHANNEL_WEIGHTS = (15, 15, 25, 2, 13, 30)
_JOB_WEIGHTS = tuple(weight for _, _, weight in JOBS)


def between(rng: random.Random, first: date, last: date) -> date:
    """Draws a day from first..last inclusive."""
    return date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def age_on(birth: date, day: date) -> int:
    """Returns the age in whole years on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def add_years(day: date, years: int) -> date:
    """Moves a date by whole years; 29 February becomes 1 March in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, month=3, day=1)


def birth_date(rng: random.Random) -> date:
    """Draws a birth date between 1940 and 2022 with ~3% under 14 and ~3% aged 14-17."""
    u = rng.random()
    if u < 0.03:
        return between(rng, add_years(SNAPSHOT, -14) + timedelta(days=1), date(2022, 12, 31))
    if u < 0.06:
        return between(rng, add_years(SNAPSHOT, -18) + timedelta(days=1), add_years(SNAPSHOT, -14))
    first, last = date(1940, 1, 1).toordinal(), add_years(SNAPSHOT, -18).toordinal()
    return date.fromordinal(int(rng.triangular(first, last, date(1982, 6, 1).toordinal())))


def open_date(rng: random.Random, birth: date) -> tuple[date, bool]:
    """Draws the account opening date and whether a guardian opened it for a minor."""
    adult = add_years(birth, 18)
    if adult <= OPEN_UNTIL:
        return between(rng, max(adult, OPEN_FROM), OPEN_UNTIL), False
    return between(rng, max(birth, OPEN_FROM), OPEN_UNTIL), True


_AUM_TIERS = ((0.01, 6_000_000, 60_000_000), (0.10, 500_000, 6_000_000), (0.30, 50_000, 500_000))


def aum(rng: random.Random, minor: bool) -> str:
    """Draws assets under management with two decimals from a long-tailed distribution."""
    u = rng.random() if not minor else 0.3 + 0.7 * rng.random()
    for share, low, high in _AUM_TIERS:
        if u < share:
            cents = int(math.exp(rng.uniform(math.log(low), math.log(high))) * 100)
            break
    else:
        cents = int(rng.lognormvariate(8.5, 1.5) * 100)
        while cents >= 5_000_000:  # redraw rather than clip, so 49,999.99 does not pile up
            cents = int(rng.lognormvariate(8.5, 1.5) * 100)
    return f"{cents // 100}.{cents % 100:02d}"


def job(rng: random.Random, age: int) -> tuple[str | None, str | None]:
    """Draws (occupation, industry); students and retirees have no industry."""
    if age < 18 or (age <= 22 and rng.random() < 0.4):
        return "学生", None
    if age >= 60 and rng.random() < 0.75:
        return "退休人员", None
    if rng.random() < 0.04:
        return None, None
    occupation, industry, _ = rng.choices(JOBS, _JOB_WEIGHTS)[0]
    return occupation, industry


def risk_tolerance(rng: random.Random, age: int) -> str | None:
    """Draws the suitability rating C1-C5; minors are not assessed."""
    if age < 18:
        return None
    return rng.choices(RISK_LEVELS, _ELDERLY_RISK_WEIGHTS if age >= 65 else RISK_WEIGHTS)[0]


def preferred_channel(rng: random.Random, age: int, has_email: bool) -> str:
    """Draws the preferred contact channel; older customers lean to branch and phone."""
    channel = rng.choices(CHANNELS, _ELDERLY_CHANNEL_WEIGHTS if age >= 65 else CHANNEL_WEIGHTS)[0]
    return "app" if channel == "email" and not has_email else channel
