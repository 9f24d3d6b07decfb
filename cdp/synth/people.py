"""Synthetic bank customers: one `Person` per customer, every catalogue field in canonical form.

Names, streets and e-mail user names come from Faker('zh_CN'); everything else from
`random.Random(seed)`, so the same seed gives the same people byte for byte. Faker is slow per
call, so it fills small pools once and the RNG draws from them.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from faker import Faker

from cdp.synth import attributes as attr
from cdp.synth import ids
from cdp.synth.activity import activity
from cdp.synth.tables import (
    COMPASS,
    COMPOUND_SURNAMES,
    EMAIL_DOMAINS,
    GUARDIAN_NOTE,
    NOTES,
    REGIONS,
    RISK_LABELS,
    SECOND_CHARS,
    Region,
)

FAMILY_SHARE = 0.03  # share of customers who give a family member's mobile as their own
_NOTES_WITHOUT_RISK = tuple(n for n in NOTES if "{risk}" not in n)
_OTHER_DOCUMENTS = (("passport", "E"), ("hk_macao_permit", "H"), ("taiwan_permit", ""))


@dataclass(frozen=True, slots=True)
class Person:
    """One synthetic customer; field names and order follow policies/fields.yaml."""

    person_no: int
    full_name: str
    gender: str
    birth_date: str
    id_type: str
    id_number: str
    mobile: str
    landline: str | None
    email: str | None
    home_address: str
    occupation: str | None
    industry: str | None
    card_no: str | None
    aum: str
    open_date: str
    open_branch: str
    risk_tolerance: str | None
    preferred_channel: str
    service_note: str | None
    # activity aggregates (issue 8), drawn apart so the fields above stay as they were
    last_login_date: str | None = None
    logins_30d: str | None = None
    logins_90d: str | None = None
    txns_30d: str | None = None
    txns_90d: str | None = None
    txn_amount_90d: str | None = None
    aum_90d_ago: str | None = None
    products_held: str | None = None

    def fields(self) -> dict[str, str]:
        """Returns the catalogue fields this person has, in catalogue order."""
        values = ((f.name, getattr(self, f.name)) for f in dataclasses.fields(self)[1:])
        return {name: value for name, value in values if value is not None}

    @property
    def is_minor(self) -> bool:
        """Tells whether the person is under 18 on the synthetic snapshot day."""
        return attr.age_on(date.fromisoformat(self.birth_date), attr.SNAPSHOT) < 18


def generate_people(count: int, seed: int) -> list[Person]:
    """Generates `count` distinct customers, the same ones for the same seed."""
    factory = _PersonFactory(seed)
    people = [factory.person(no) for no in range(1, count + 1)]
    people = _share_family_mobiles(people, random.Random(f"{seed}:family"))
    return _with_activity(people, random.Random(f"{seed}:activity"))


class _PersonFactory:
    """Holds the RNG, the Faker pools and the values already handed out (to keep them unique)."""

    def __init__(self, seed: int) -> None:
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.surnames = [fake.last_name() for _ in range(1500)]
        self.given = {
            "M": [fake.first_name_male() for _ in range(400)],
            "F": [fake.first_name_female() for _ in range(400)],
        }
        self.streets = [s for s in (fake.street_name() for _ in range(600)) if len(s) >= 3]
        self.user_names = [fake.user_name() for _ in range(1500)]
        self.seen: set[str] = set()

    def person(self, no: int) -> Person:
        """Draws one customer."""
        rng = self.rng
        gender = rng.choice("MF")
        birth = attr.birth_date(rng)
        age = attr.age_on(birth, attr.SNAPSHOT)
        born_in = rng.choice(REGIONS)
        home = born_in if rng.random() < 0.7 else rng.choice(REGIONS)
        opened, guardian = attr.open_date(rng, birth)
        full_name = self.name(gender)
        mobile = self.unique(lambda: ids.mobile(rng))
        email = self.email(birth) if rng.random() < 0.6 else None
        occupation, industry = attr.job(rng, age)
        risk = attr.risk_tolerance(rng, age)
        id_type, id_number = self.document(birth, gender, born_in)
        return Person(
            person_no=no,
            full_name=full_name,
            gender=gender,
            birth_date=birth.isoformat(),
            id_type=id_type,
            id_number=id_number,
            mobile=mobile,
            landline=ids.landline(rng, home.area_code) if rng.random() < 0.35 else None,
            email=email,
            home_address=self.address(home),
            occupation=occupation,
            industry=industry,
            card_no=self.unique(lambda: ids.unionpay_card(rng)) if rng.random() < 0.5 else None,
            aum=attr.aum(rng, age < 18),
            open_date=opened.isoformat(),
            open_branch=home.branch,
            risk_tolerance=risk,
            preferred_channel=attr.preferred_channel(rng, age, email is not None),
            service_note=self.note(full_name, mobile, home, risk, guardian),
        )

    def unique(self, make: Callable[[], str]) -> str:
        """Draws until the value was not handed out before."""
        value = make()
        while value in self.seen:
            value = make()
        self.seen.add(value)
        return value

    def name(self, gender: str) -> str:
        """Draws a name; some compound surnames, mostly two-character given names."""
        rng = self.rng
        compound = rng.random() < 0.015
        surname = rng.choice(COMPOUND_SURNAMES if compound else self.surnames)
        given = rng.choice(self.given[gender])
        if len(given) == 1 and rng.random() < 0.6:
            given += rng.choice(SECOND_CHARS[gender])
        return surname + given

    def document(self, birth: date, gender: str, born_in: Region) -> tuple[str, str]:
        """Draws (id_type, id_number): a resident ID for 99%, a passport or permit otherwise."""
        rng = self.rng
        if rng.random() < 0.99:
            return "resident_id", self.unique(
                lambda: ids.resident_id(rng, birth, gender, born_in.code)
            )
        id_type, letter = rng.choice(_OTHER_DOCUMENTS)
        return id_type, self.unique(lambda: f"{letter}{rng.randrange(10**8):08d}")

    def email(self, birth: date) -> str:
        """Draws a unique address on a reserved example domain."""
        rng = self.rng

        def make() -> str:
            suffix = rng.choice(("", str(birth.year), f"{birth:%m%d}", str(rng.randrange(100))))
            return f"{rng.choice(self.user_names)}{suffix}@{rng.choice(EMAIL_DOMAINS)}"

        return self.unique(make)

    def address(self, region: Region) -> str:
        """Draws a street address in the given district."""
        return street_address(self.rng, region, self.streets)

    def note(
        self, name: str, mobile: str, home: Region, risk: str | None, guardian: bool
    ) -> str | None:
        """Draws one or two service-note sentences; some name the customer or their mobile."""
        rng = self.rng
        if rng.random() < 0.15:
            return None
        templates = NOTES if risk else _NOTES_WITHOUT_RISK
        sentences = rng.sample(templates, rng.choice((1, 1, 2)))
        shown = mobile if rng.random() < 0.5 else f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"
        risk_text = f"{risk}（{RISK_LABELS[risk]}）" if risk else ""
        text = "".join(sentences).format(
            name=name, mobile=shown, branch=home.branch, risk=risk_text
        )
        return GUARDIAN_NOTE + text if guardian else text


def street_address(rng: random.Random, region: Region, streets: Sequence[str]) -> str:
    """Composes an address like `…合肥东路18号3栋2单元1502室` in the given district."""
    street = rng.choice(streets)
    if rng.random() < 0.3:
        street = street[:-1] + rng.choice(COMPASS) + street[-1]
    head = f"{region.prefix}{street}{rng.randrange(1, 400)}号"
    room = f"{rng.randrange(1, 33)}{rng.randrange(1, 5):02d}室"
    style = rng.random()
    if style < 0.5:
        return f"{head}{rng.randrange(1, 30)}栋{rng.randrange(1, 7)}单元{room}"
    return f"{head}院{rng.randrange(1, 20)}号楼{room}" if style < 0.8 else head


def _share_family_mobiles(people: list[Person], rng: random.Random) -> list[Person]:
    """Gives ~3% of customers (minors first) the mobile of another, adult family member."""
    pairs = round(len(people) * FAMILY_SHARE)
    minors = [p for p in people if p.is_minor]
    adults = [p for p in people if not p.is_minor]
    rng.shuffle(minors)
    rng.shuffle(adults)
    borrowers = (minors + adults)[:pairs]
    taken = {p.person_no for p in borrowers}
    lenders = [p for p in adults if p.person_no not in taken][:pairs]
    shared = list(people)
    for borrower, lender in zip(borrowers, lenders, strict=False):
        shared[borrower.person_no - 1] = dataclasses.replace(borrower, mobile=lender.mobile)
    return shared


def _with_activity(people: list[Person], rng: random.Random) -> list[Person]:
    """Adds activity aggregates to every customer (their own RNG: nothing else moves)."""
    return [
        dataclasses.replace(
            p, **dataclasses.asdict(activity(rng, p.aum, date.fromisoformat(p.open_date)))
        )
        for p in people
    ]
