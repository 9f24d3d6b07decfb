"""Activity aggregates in the catalogue (issue 8): counts, amounts, dates; reasons, never values."""

from __future__ import annotations

import pytest

from cdp.profiles.validators import FieldError, FieldInvalid, validate_field, validate_fields
from cdp.resources import load_catalogue, shipped_policy_dir
from governance.catalogue import FieldClass, FieldType

CATALOGUE = load_catalogue(shipped_policy_dir())
COUNTS = ("logins_30d", "logins_90d", "txns_30d", "txns_90d")
AMOUNTS = ("txn_amount_90d", "aum_90d_ago")


def test_when_catalogue_loaded_then_activity_fields_are_classified_as_designed() -> None:
    for name in COUNTS:
        spec = CATALOGUE.get(name)
        assert (spec.type, spec.field_class, spec.encrypted) == (
            FieldType.COUNT,
            FieldClass.C2,
            False,
        )
    for name in AMOUNTS:
        spec = CATALOGUE.get(name)
        assert (spec.type, spec.encrypted, spec.mask) == (FieldType.DECIMAL, True, "M-AMT")
        assert not spec.blind_index
    login = CATALOGUE.get("last_login_date")
    assert (login.type, login.field_class, login.encrypted) == (
        FieldType.DATE,
        FieldClass.C2,
        False,
    )
    assert CATALOGUE.get("products_held").type is FieldType.COUNT


@pytest.mark.parametrize(
    ("field", "raw", "canonical"),
    [
        ("logins_30d", "0", "0"),
        ("logins_30d", "17", "17"),
        ("logins_90d", "007", "7"),  # leading zeros dropped
        ("txns_90d", "+3", "3"),
        ("txns_90d", "1,024", "1024"),  # thousands separator
        ("txns_30d", "１２", "12"),  # full-width digits
        ("txns_30d", "-0", "0"),
        ("txns_30d", "12.0", "12"),  # spreadsheet export of a whole number
        ("logins_90d", "999999999", "999999999"),
        ("products_held", "6", "6"),
        ("products_held", "0", "0"),
        ("txn_amount_90d", "12,345.6", "12345.60"),
        ("aum_90d_ago", "0", "0.00"),
        ("last_login_date", "2026/10/01", "2026-10-01"),
    ],
)
def test_when_activity_value_valid_then_canonical_form_returned(
    field: str, raw: str, canonical: str
) -> None:
    assert validate_field(CATALOGUE.get(field), raw) == canonical
    assert validate_field(CATALOGUE.get(field), canonical) == canonical


@pytest.mark.parametrize(
    ("field", "raw", "reason"),
    [
        ("logins_30d", "-3", "negative count"),
        ("logins_30d", "abc", "not a whole number"),
        ("txns_90d", "3.5", "not a whole number"),
        ("txns_90d", "1e3", "not a whole number"),
        ("txns_30d", "٣", "not a whole number"),  # Arabic-Indic digit
        ("logins_90d", "1000000000", "longer than 9 characters"),
        ("logins_90d", "-", "not a whole number"),
        ("products_held", "100", "more than 99"),
        ("products_held", "-1", "negative count"),
        ("products_held", "two", "not a whole number"),
        ("txn_amount_90d", "-5.00", "negative amount"),
        ("aum_90d_ago", "12.345", "more than 2 decimal places"),
        ("aum_90d_ago", "lots", "not a decimal amount"),
        ("last_login_date", "2999-01-01", "date in the future"),
    ],
)
def test_when_activity_value_invalid_then_reason_names_problem_without_value(
    field: str, raw: str, reason: str
) -> None:
    with pytest.raises(FieldInvalid) as caught:
        validate_field(CATALOGUE.get(field), raw)
    assert caught.value.reason == reason
    assert raw == "-" or raw not in caught.value.reason


def test_when_a_record_has_bad_activity_values_then_errors_name_field_and_reason_only() -> None:
    clean, errors = validate_fields(
        CATALOGUE,
        {
            "logins_30d": "-4",
            "logins_90d": "12",
            "txns_30d": "many",
            "products_held": "4",
            "txn_amount_90d": "-88.12",
        },
    )
    assert clean == {"logins_90d": "12", "products_held": "4"}
    assert errors == [
        FieldError("logins_30d", "negative count"),
        FieldError("txns_30d", "not a whole number"),
        FieldError("txn_amount_90d", "negative amount"),
    ]
    assert not any(v in e.reason for e in errors for v in ("-4", "many", "88.12"))


def test_when_a_30_day_count_exceeds_the_90_day_count_then_the_30_day_value_is_refused() -> None:
    clean, errors = validate_fields(
        CATALOGUE,
        {"logins_30d": "9", "logins_90d": "8", "txns_30d": "3", "txns_90d": "3"},
    )
    assert clean == {"logins_90d": "8", "txns_30d": "3", "txns_90d": "3"}
    assert errors == [FieldError("logins_30d", "exceeds logins_90d")]


def test_when_only_one_window_is_sent_then_no_cross_check_applies() -> None:
    clean, errors = validate_fields(CATALOGUE, {"logins_30d": "9"})
    assert (clean, errors) == ({"logins_30d": "9"}, [])
