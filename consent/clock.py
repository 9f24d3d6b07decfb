"""Calendar rules shared by the consent core: China Standard Time dates and ages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")
GUARDIAN_AGE = 14  # PIPL Art 31: under 14, a parent or guardian consents


def local_date(at: datetime) -> date:
    """Returns the calendar date of an instant in China, where notices and birthdays fall."""
    return at.astimezone(CST).date()


def start_of(day: date) -> datetime:
    """Returns the first instant of a Chinese calendar day, when a dated notice takes effect."""
    return datetime.combine(day, time(0), CST)


def age_on(birth: date, day: date) -> int:
    """Returns completed years of age on a day, counting a 29 February birthday on 1 March."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_minor(birth: date | None, at: datetime) -> bool:
    """Tells whether the subject is under 14 at an instant; an unknown birth date is not."""
    return birth is not None and age_on(birth, local_date(at)) < GUARDIAN_AGE
