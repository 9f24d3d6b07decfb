"""Source registry, survivorship rule and catalogue parsing, without a database."""

from __future__ import annotations

import pytest

from cdp.profiles.sources import SourceConfigError, UnknownSource, load_sources, parse_sources
from cdp.profiles.survivorship import wins
from cdp.resources import load_catalogue, shipped_policy_dir
from governance.catalogue import CatalogueError, parse_catalogue

CATALOGUE = load_catalogue(shipped_policy_dir())
REGISTRY = load_sources(shipped_policy_dir(), CATALOGUE)
OLD, NEW = "2025-01-01T00:00:00.000000Z", "2026-01-01T00:00:00.000000Z"


def test_when_the_shipped_catalogue_loads_then_it_has_the_required_fields() -> None:
    required = {
        "full_name",
        "gender",
        "birth_date",
        "id_type",
        "id_number",
        "mobile",
        "landline",
        "email",
        "home_address",
        "occupation",
        "industry",
        "card_no",
        "aum",
        "open_date",
        "open_branch",
        "risk_tolerance",
        "preferred_channel",
        "service_note",
    }
    assert required <= set(CATALOGUE.names)
    encrypted = {f.name for f in CATALOGUE.encrypted}
    assert {
        "full_name",
        "id_number",
        "mobile",
        "email",
        "home_address",
        "card_no",
        "aum",
    } <= encrypted
    assert all(f.field_class.value != "C3" for f in CATALOGUE)


def test_when_the_model_and_catalogue_are_compared_then_every_field_has_its_column() -> None:
    from cdp.db.models import Profile

    columns = set(Profile.__table__.columns.keys())
    for spec in CATALOGUE:
        assert (f"{spec.name}_ct" if spec.encrypted else spec.name) in columns, spec.name
        assert not (spec.encrypted and spec.name in columns), f"{spec.name} has a plaintext column"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # a C3 field cannot even be catalogued
        (
            [
                {
                    "name": "cvv",
                    "label_zh": "x",
                    "class": "C3",
                    "encrypted": True,
                    "blind_index": False,
                    "mask": "none",
                    "type": "string",
                    "validator": "short_text",
                }
            ],
            "C3",
        ),
        # a blind index on plaintext makes no sense
        (
            [
                {
                    "name": "x",
                    "label_zh": "x",
                    "class": "C1",
                    "encrypted": False,
                    "blind_index": True,
                    "mask": "none",
                    "type": "string",
                    "validator": "short_text",
                }
            ],
            "blind index",
        ),
        # missing keys are named
        ([{"name": "x"}], "lacks"),
        # duplicate names are refused
        (
            [
                {
                    "name": "x",
                    "label_zh": "x",
                    "class": "C1",
                    "encrypted": False,
                    "blind_index": False,
                    "mask": "none",
                    "type": "string",
                    "validator": "short_text",
                }
            ]
            * 2,
            "twice",
        ),
    ],
)
def test_when_the_catalogue_is_malformed_then_parsing_fails(fields: list, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue({"fields": fields})


def test_when_a_source_is_unknown_then_the_registry_says_so() -> None:
    with pytest.raises(UnknownSource, match="mainframe"):
        REGISTRY.get("mainframe")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # match keys must be blind-indexed fields
        ({"match_order": ["home_address"], "sources": {"a": {"priority": 1}}}, "blind-indexed"),
        # a source without a priority
        ({"sources": {"a": {}}}, "priority"),
        # a field override naming no catalogue field
        ({"sources": {"a": {"priority": 1, "field_priority": {"nope": 2}}}}, "unknown"),
    ],
)
def test_when_sources_yaml_is_malformed_then_parsing_fails(data: dict, message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        parse_sources(data, CATALOGUE)


SURVIVE = [
    # nothing held yet: any value wins
    ("core_banking", NEW, None, True),
    # higher priority wins although older
    ("core_banking", OLD, ("credit_card", NEW), True),
    # lower priority loses although newer
    ("credit_card", NEW, ("core_banking", OLD), False),
    # same priority: newer wins
    ("core_banking", NEW, ("core_banking", OLD), True),
    # same priority and same instant: keep what is held
    ("core_banking", NEW, ("core_banking", NEW), False),
    # a source removed from the registry counts as priority 0
    ("call_center", OLD, ("retired_system", NEW), True),
]


@pytest.mark.parametrize(("source", "at", "current", "expected"), SURVIVE)
def test_when_comparing_provenance_then_priority_then_recency_decides(
    source: str, at: str, current: tuple[str, str] | None, expected: bool
) -> None:
    assert wins(REGISTRY, "home_address", (source, at), current) is expected


def test_when_a_field_override_exists_then_it_beats_the_source_default() -> None:
    assert wins(REGISTRY, "mobile", ("mobile_app", OLD), ("core_banking", NEW))
    assert not wins(REGISTRY, "home_address", ("mobile_app", NEW), ("core_banking", OLD))
