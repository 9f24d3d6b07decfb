"""Synthetic customers and source files: deterministic, valid, and as overlapping as promised."""

from __future__ import annotations

import csv
import json
import random
import stat
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdp.profiles.validators import validate_field, validate_fields
from cdp.resources import load_catalogue, shipped_policy_dir
from cdp.synth import ids
from cdp.synth.attributes import SNAPSHOT, add_years, age_on
from cdp.synth.files import generate_demo_files, write_csv, write_jsonl
from cdp.synth.people import Person, generate_people
from cdp.synth.sources import LAST_SEEN, SourceRecord, build_source_records
from cdp.synth.tables import COMPOUND_SURNAMES, GUARDIAN_NOTE
from masking.formats import (
    cn_id_15_to_18,
    cn_id_gender,
    is_valid_cn_mobile,
    is_valid_cn_resident_id,
    luhn_ok,
)

CATALOGUE = load_catalogue(shipped_policy_dir())
PEOPLE = 3000


@pytest.fixture(scope="module")
def people() -> list[Person]:
    return generate_people(PEOPLE, seed=11)


@pytest.fixture(scope="module")
def records(people: list[Person]) -> dict[str, list[SourceRecord]]:
    return build_source_records(people, seed=11)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _canonical(field: str, raw: str) -> str:
    return validate_field(CATALOGUE.get(field), raw)


def test_when_same_seed_then_demo_files_are_byte_identical(tmp_path: Path) -> None:
    first, summary1 = generate_demo_files(tmp_path / "a", 300, seed=5, error_rate=0.05)
    second, summary2 = generate_demo_files(tmp_path / "b", 300, seed=5, error_rate=0.05)
    assert summary1 == summary2
    for source, path in first.items():
        assert path.read_bytes() == second[source].read_bytes()


def test_when_seed_differs_then_demo_files_differ(tmp_path: Path) -> None:
    first, _ = generate_demo_files(tmp_path / "a", 100, seed=1)
    second, _ = generate_demo_files(tmp_path / "b", 100, seed=2)
    assert first["core_banking"].read_bytes() != second["core_banking"].read_bytes()


def test_when_person_fields_listed_then_they_follow_the_catalogue() -> None:
    assert tuple(Person.__dataclass_fields__)[1:] == CATALOGUE.names


def test_when_people_validated_then_every_value_is_already_canonical(people: list[Person]) -> None:
    for person in people:
        assert validate_fields(CATALOGUE, person.fields()) == (person.fields(), [])


def test_when_source_records_validated_then_none_is_refused(
    records: dict[str, list[SourceRecord]],
) -> None:
    refused = Counter(
        (source, error.field, error.reason)
        for source, batch in records.items()
        for record in batch
        for error in validate_fields(CATALOGUE, record.fields)[1]
    )
    assert refused == Counter()


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        if path.suffix == ".csv":
            return list(csv.DictReader(handle))
        return [json.loads(line) for line in handle]


EXPECTED_ERRORS = {
    # kind: (field, reason); None means "birth_date or open_date"
    "id_check_digit": ("id_number", "check digit mismatch"),
    "impossible_date": (None, "not a real calendar date"),
    "bad_mobile_prefix": ("mobile", "unknown mobile prefix"),
    "card_luhn": ("card_no", "Luhn check failed"),
    "oversize_name": ("full_name", "longer than 64 characters"),
    "unknown_field": ("favourite_colour", "unknown field"),
    "c3_field": ("cvv", "C3 data refused: card verification code"),
}


def test_when_errors_injected_then_exactly_those_rows_are_refused(tmp_path: Path) -> None:
    paths, summary = generate_demo_files(tmp_path, 400, seed=3, error_rate=0.05)
    for source, path in paths.items():
        rows = _read_rows(path)
        injected = summary.injected_into(source)
        assert len(rows) == summary.rows[source]
        for index, row in enumerate(rows):
            key = row.pop("source_key")
            row.pop("observed_at")
            errors = [(e.field, e.reason) for e in validate_fields(CATALOGUE, row)[1]]
            kind = injected.get(index)
            if kind == "duplicate_source_key":
                assert key in {r["source_key"] for r in _read_rows(path)[:index]}
            elif kind is None:
                assert errors == []
            else:
                field, reason = EXPECTED_ERRORS[kind]
                assert errors in (
                    [(field, reason)],
                    [("birth_date", reason)],
                    [("open_date", reason)],
                )


def test_when_errors_injected_then_every_kind_appears_and_jsonl_kinds_only_in_jsonl(
    tmp_path: Path,
) -> None:
    paths, summary = generate_demo_files(tmp_path, 400, seed=3, error_rate=0.05)
    kinds = {source: set(summary.injected_into(source).values()) for source in paths}
    assert set().union(*kinds.values()) == set(EXPECTED_ERRORS) | {"duplicate_source_key"}
    jsonl_only = {"unknown_field", "c3_field"}
    assert not jsonl_only & (kinds["core_banking"] | kinds["mobile_app"])


def test_when_files_written_then_owner_only_and_columns_in_catalogue_order(
    tmp_path: Path, records: dict[str, list[SourceRecord]]
) -> None:
    write_csv(records["mobile_app"][:50], tmp_path / "app.csv")
    write_jsonl(records["credit_card"][:50], tmp_path / "cc.jsonl")
    header = (tmp_path / "app.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    used = {name for r in records["mobile_app"][:50] for name in r.fields}
    assert header == ["source_key", "observed_at", *(n for n in CATALOGUE.names if n in used)]
    line = (tmp_path / "cc.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert "\\u" not in line
    assert all(isinstance(v, str) for v in json.loads(line).values())
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("attribute", "share", "tolerance"),
    [
        ("landline", 0.35, 0.03),  # about a third give a fixed line
        ("email", 0.60, 0.03),  # most give an e-mail address
        ("card_no", 0.50, 0.03),  # half hold a card
        ("service_note", 0.85, 0.03),  # most have a note on file
    ],
)
def test_when_people_generated_then_optional_fields_have_expected_shares(
    people: list[Person], attribute: str, share: float, tolerance: float
) -> None:
    present = sum(getattr(p, attribute) is not None for p in people)
    assert _share(present, len(people)) == pytest.approx(share, abs=tolerance)


def test_when_people_generated_then_ages_include_children_and_teenagers(
    people: list[Person],
) -> None:
    ages = Counter(
        "u14" if a < 14 else "14-17" if a < 18 else "adult"
        for a in (age_on(date.fromisoformat(p.birth_date), SNAPSHOT) for p in people)
    )
    assert _share(ages["u14"], PEOPLE) == pytest.approx(0.03, abs=0.01)
    assert _share(ages["14-17"], PEOPLE) == pytest.approx(0.03, abs=0.01)
    assert min(p.birth_date for p in people) >= "1940-01-01"
    assert max(p.birth_date for p in people) <= "2022-12-31"


def test_when_people_generated_then_aum_is_long_tailed(people: list[Person]) -> None:
    amounts = [float(p.aum) for p in people]
    assert _share(sum(a < 50_000 for a in amounts), PEOPLE) > 0.6
    assert _share(sum(a > 500_000 for a in amounts), PEOPLE) == pytest.approx(0.10, abs=0.02)
    assert _share(sum(a > 6_000_000 for a in amounts), PEOPLE) == pytest.approx(0.01, abs=0.006)


def test_when_people_generated_then_ids_agree_with_gender_and_birth(people: list[Person]) -> None:
    residents = [p for p in people if p.id_type == "resident_id"]
    assert len(residents) > 0.97 * PEOPLE
    for p in residents:
        assert cn_id_gender(p.id_number) == p.gender
        assert p.id_number[6:14] == p.birth_date.replace("-", "")
    ending_x = sum(p.id_number.endswith("X") for p in residents)
    assert _share(ending_x, len(residents)) == pytest.approx(1 / 11, abs=0.02)


def test_when_people_generated_then_names_include_compound_and_three_characters(
    people: list[Person],
) -> None:
    assert any(p.full_name[:2] in COMPOUND_SURNAMES for p in people)
    assert _share(sum(len(p.full_name) == 3 for p in people), PEOPLE) > 0.4


def test_when_account_opened_before_18_then_a_guardian_is_noted(people: list[Person]) -> None:
    for p in people:
        adult = add_years(date.fromisoformat(p.birth_date), 18).isoformat()
        assert p.open_date >= p.birth_date
        if p.open_date < adult:
            assert p.service_note is None or p.service_note.startswith(GUARDIAN_NOTE)


def test_when_family_shares_a_mobile_then_about_3_percent_of_people_borrow_one(
    people: list[Person],
) -> None:
    holders = Counter(p.mobile for p in people)
    assert max(holders.values()) == 2
    assert sum(n == 2 for n in holders.values()) == round(PEOPLE * 0.03)


def test_when_sources_built_then_overlap_follows_the_brief(
    records: dict[str, list[SourceRecord]],
) -> None:
    assert len(records["core_banking"]) == PEOPLE
    assert _share(len(records["credit_card"]), PEOPLE) == pytest.approx(0.45, abs=0.04)
    linked = [r for r in records["mobile_app"] if r.person_no is not None]
    assert _share(len(linked), PEOPLE) == pytest.approx(0.65, abs=0.04)
    with_id = sum("id_number" in r.fields for r in linked)
    assert _share(with_id, len(linked)) == pytest.approx(0.20, abs=0.03)
    keys = [r.source_key for batch in records.values() for r in batch]
    assert len(keys) == len(set(keys))


def test_when_app_prospects_built_then_they_cannot_be_matched(
    people: list[Person], records: dict[str, list[SourceRecord]]
) -> None:
    known = {p.mobile for p in people} | {p.email for p in people if p.email}
    prospects = [r for r in records["mobile_app"] if r.person_no is None]
    assert _share(len(prospects), len(records["mobile_app"])) == pytest.approx(0.05, abs=0.015)
    for r in prospects:
        assert "id_number" not in r.fields
        assert "email" not in r.fields
        assert _canonical("mobile", r.fields["mobile"]) not in known


def test_when_credit_card_disagrees_with_core_then_it_is_newer(
    people: list[Person], records: dict[str, list[SourceRecord]]
) -> None:
    by_no = {p.person_no: p for p in people}
    core_seen = {r.person_no: r.observed_at for r in records["core_banking"]}
    conflicts = 0
    for r in records["credit_card"]:
        person = by_no[r.person_no or 0]
        mobile = _canonical("mobile", r.fields["mobile"])
        address = r.fields.get("home_address", person.home_address)
        if mobile != person.mobile or address != person.home_address:
            conflicts += 1
            assert r.observed_at > core_seen[r.person_no]
    assert _share(conflicts, len(records["credit_card"])) == pytest.approx(0.15, abs=0.03)


def test_when_overlapping_records_built_then_spellings_vary(
    records: dict[str, list[SourceRecord]],
) -> None:
    raw = [r.fields for source in ("credit_card", "mobile_app") for r in records[source]]
    mobiles = [f["mobile"] for f in raw]
    id_numbers = [f["id_number"] for f in raw if "id_number" in f]
    cards = [f["card_no"] for f in raw if "card_no" in f]
    assert any(m.startswith("+86 ") for m in mobiles)
    assert any("-" in m for m in mobiles)
    assert any(not m.isascii() for m in mobiles)  # full-width digits
    assert any(n.endswith("x") for n in id_numbers)
    assert any(not n.isascii() for n in id_numbers)
    assert any(" " in c for c in cards)


def test_when_records_observed_then_instants_are_china_time_within_range(
    records: dict[str, list[SourceRecord]],
) -> None:
    instants = [r.observed_at for batch in records.values() for r in batch]
    assert all(i.endswith("+08:00") for i in instants)
    assert min(instants) >= "2024-01-01T00:00:00+08:00"
    assert max(instants) <= LAST_SEEN.isoformat()


@given(
    seed=st.integers(0, 2**32),
    birth=st.dates(date(1900, 1, 1), date(2022, 12, 31)),
    gender=st.sampled_from("MF"),
)
def test_when_resident_id_generated_then_it_validates_and_encodes_birth_and_gender(
    seed: int, birth: date, gender: str
) -> None:
    number = ids.resident_id(random.Random(seed), birth, gender)
    assert is_valid_cn_resident_id(number)
    assert cn_id_gender(number) == gender
    assert number[6:14] == f"{birth:%Y%m%d}"
    if birth.year < 2000:  # 15-digit cards existed only for the 1900s
        assert cn_id_15_to_18(number[:6] + number[8:17]) == number


@given(seed=st.integers(0, 2**32))
def test_when_contact_numbers_generated_then_they_validate(seed: int) -> None:
    rng = random.Random(seed)
    assert is_valid_cn_mobile(ids.mobile(rng))
    card = ids.unionpay_card(rng)
    assert card.startswith("62")
    assert len(card) in (16, 19)
    assert luhn_ok(card)
    landline = ids.landline(rng)
    assert _canonical("landline", landline) == landline


@pytest.mark.slow
def test_when_10000_customers_generated_then_it_takes_well_under_5_seconds() -> None:
    started = time.perf_counter()
    build_source_records(generate_people(10_000, seed=1), seed=1)
    assert time.perf_counter() - started < 5
