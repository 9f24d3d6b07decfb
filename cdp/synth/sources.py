"""Spreads synthetic customers over three source systems, with overlaps, conflicts and odd spelling.

* core_banking: every customer, key `CIF` + 10 digits, canonical values, with the transaction,
  product and AUM-history aggregates.
* credit_card: ~95% of adult card holders (~45% of customers), key `CC` + 12 digits; ~15% of its
  records carry a different, more recent mobile or address than core banking (a survivorship
  conflict).
* mobile_app: ~65% of customers, key `APP` + 9 digits, ~20% with an ID number, with the login
  aggregates (last login, logins over 30/90 days); about 5% of its
  records are app-only prospects (a mobile seen nowhere else, no ID) that must stay separate.
Family members who share a mobile (see people.py) make mobile an ambiguous match key.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cdp.synth import ids, messy
from cdp.synth.people import Person, street_address
from cdp.synth.tables import REGIONS, Region
from cdp.timezones import CHINA_STANDARD_TIME

SOURCES = ("core_banking", "credit_card", "mobile_app")
CONFLICT_SHARE = 0.15
PROSPECT_SHARE = 0.05
FIRST_SEEN = datetime(2024, 1, 1, tzinfo=CHINA_STANDARD_TIME)
LAST_SEEN = datetime(2026, 10, 31, 23, 59, 59, tzinfo=CHINA_STANDARD_TIME)
_CORE_LAST_SEEN = datetime(
    2026, 6, 30, 23, 59, 59, tzinfo=CHINA_STANDARD_TIME
)  # leaves room for later news
LOGIN_FIELDS = ("last_login_date", "logins_30d", "logins_90d")  # the app's activity aggregates
_CORE_FIELDS = frozenset(Person.__dataclass_fields__) - {
    "person_no",
    "card_no",
    "preferred_channel",
    *LOGIN_FIELDS,
}
_STREET = re.compile(r"[^0-9]+")


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One record as a source system exports it; `person_no` is ground truth, never exported."""

    source: str
    source_key: str
    observed_at: str
    fields: dict[str, str]
    person_no: int | None = None


def build_source_records(people: Sequence[Person], seed: int) -> dict[str, list[SourceRecord]]:
    """Exports the customers from every source system, the same way for the same seed."""
    rng = random.Random(f"{seed}:sources")
    taken = {p.mobile for p in people}
    core = _core_banking(people, rng)
    core_seen = {r.person_no: datetime.fromisoformat(r.observed_at) for r in core}
    streets = sorted({_street_of(p.home_address) for p in people})
    builder = _Builder(rng, taken, core_seen, streets or ["人民路"])
    return {
        "core_banking": core,
        "credit_card": _sorted(builder.credit_card(people)),
        "mobile_app": _sorted(builder.mobile_app(people)),
    }


def _core_banking(people: Sequence[Person], rng: random.Random) -> list[SourceRecord]:
    keys = _keys(rng, "CIF", 10, len(people))
    records = []
    for person, key in zip(people, keys, strict=True):
        opened = datetime.fromisoformat(person.open_date).replace(tzinfo=CHINA_STANDARD_TIME)
        when = _instant(rng, max(opened, FIRST_SEEN), _CORE_LAST_SEEN)
        fields = {k: v for k, v in person.fields().items() if k in _CORE_FIELDS}
        records.append(SourceRecord("core_banking", key, when, fields, person.person_no))
    return _sorted(records)


class _Builder:
    """Draws the credit-card and app exports; holds the RNG and the mobiles already in use."""

    def __init__(
        self,
        rng: random.Random,
        taken: set[str],
        core_seen: dict[int | None, datetime],
        streets: list[str],
    ) -> None:
        self.rng, self.taken, self.core_seen, self.streets = rng, taken, core_seen, streets

    def credit_card(self, people: Sequence[Person]) -> list[SourceRecord]:
        """Exports ~95% of adult card holders; ~15% with a newer mobile or address than core."""
        rng = self.rng
        holders = [p for p in people if p.card_no and not p.is_minor and rng.random() < 0.95]
        keys = _keys(rng, "CC", 12, len(holders))
        return [self._card_record(p, key) for p, key in zip(holders, keys, strict=True)]

    def _card_record(self, person: Person, key: str) -> SourceRecord:
        rng = self.rng
        mobile = person.mobile
        address = person.home_address if rng.random() < 0.35 else None
        when = _instant(rng, FIRST_SEEN, LAST_SEEN)
        if rng.random() < CONFLICT_SHARE:
            if rng.random() < 0.5:
                mobile = self.fresh_mobile()
            else:
                address = self.moved(person.home_address)
            when = _instant(rng, self.core_seen[person.person_no] + timedelta(days=1), LAST_SEEN)
        fields = {"full_name": messy.name(rng, person.full_name), **_document(rng, person)}
        fields["mobile"] = messy.mobile(rng, mobile)
        if person.email and rng.random() < 0.3:
            fields["email"] = messy.email(rng, person.email)
        if address:
            fields["home_address"] = address
        fields["card_no"] = messy.card(rng, person.card_no or "")
        return SourceRecord("credit_card", key, when, fields, person.person_no)

    def mobile_app(self, people: Sequence[Person]) -> list[SourceRecord]:
        """Exports ~65% of customers plus app-only prospects (~5% of the export)."""
        rng = self.rng
        users = [p for p in people if rng.random() < 0.65]
        prospects = round(len(users) * PROSPECT_SHARE / (1 - PROSPECT_SHARE))
        keys = _keys(rng, "APP", 9, len(users) + prospects)
        records = [self._app_record(p, key) for p, key in zip(users, keys, strict=False)]
        names = [p.full_name for p in people if len(p.full_name) == 3]
        return records + [self._prospect(names, key) for key in keys[len(users) :]]

    def _app_record(self, person: Person, key: str) -> SourceRecord:
        rng = self.rng
        fields = {"full_name": messy.name(rng, person.full_name)}
        if rng.random() < 0.2:
            fields |= _document(rng, person)
        fields["mobile"] = messy.mobile(rng, person.mobile)
        if person.email and rng.random() < 0.8:
            fields["email"] = messy.email(rng, person.email)
        fields["preferred_channel"] = person.preferred_channel
        fields |= {k: v for k in LOGIN_FIELDS if (v := getattr(person, k)) is not None}
        when = _instant(rng, FIRST_SEEN, LAST_SEEN)
        return SourceRecord("mobile_app", key, when, fields, person.person_no)

    def _prospect(self, names: list[str], key: str) -> SourceRecord:
        rng = self.rng
        name = rng.choice(names)[0] + rng.choice(names)[1:] if names else "王小明"
        fields = {"full_name": name, "mobile": messy.mobile(rng, self.fresh_mobile())}
        fields["preferred_channel"] = "app"
        return SourceRecord("mobile_app", key, _instant(rng, FIRST_SEEN, LAST_SEEN), fields)

    def fresh_mobile(self) -> str:
        """Draws a mobile that no customer and no earlier record uses."""
        mobile = ids.mobile(self.rng)
        while mobile in self.taken:
            mobile = ids.mobile(self.rng)
        self.taken.add(mobile)
        return mobile

    def moved(self, address: str) -> str:
        """Draws a new address in the same district (the customer moved)."""
        region = _region_of(address)
        moved = street_address(self.rng, region, self.streets)
        while moved == address:
            moved = street_address(self.rng, region, self.streets)
        return moved


def _document(rng: random.Random, person: Person) -> dict[str, str]:
    """Returns the ID fields a source sends; id_type only when it is not a resident ID."""
    fields = {"id_number": messy.id_number(rng, person.id_number)}
    return fields if person.id_type == "resident_id" else {"id_type": person.id_type, **fields}


def _region_of(address: str) -> Region:
    return next((r for r in REGIONS if address.startswith(r.prefix)), REGIONS[0])


def _street_of(address: str) -> str:
    """Returns the street of an address made by street_address (`合肥东路`)."""
    rest = address[len(_region_of(address).prefix) :]
    m = _STREET.match(rest)
    return m[0] if m else "人民路"


def _keys(rng: random.Random, prefix: str, digits: int, count: int) -> list[str]:
    """Draws distinct source keys such as `CIF3141592653`."""
    return [f"{prefix}{n}" for n in rng.sample(range(10 ** (digits - 1), 10**digits), count)]


def _instant(rng: random.Random, first: datetime, last: datetime) -> str:
    """Draws an ISO 8601 instant with +08:00 between first and last, to the second."""
    span = max(int((last - first).total_seconds()), 0)
    return (first + timedelta(seconds=rng.randint(0, span))).isoformat()


def _sorted(records: list[SourceRecord]) -> list[SourceRecord]:
    """Orders an export by time, as change feeds arrive."""
    return sorted(records, key=lambda r: (r.observed_at, r.source_key))
