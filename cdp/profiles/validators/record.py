"""Whole records: one field against its catalogue spec, a flat record, and cross-field checks."""

from __future__ import annotations

from collections.abc import Mapping

from cdp.profiles.validators.base import VALIDATORS, FieldError, FieldInvalid, Validator
from cdp.profiles.validators.c3 import c3_kind
from cdp.profiles.validators.documents import is_resident_id
from governance.catalogue import FieldCatalogue, FieldSpec
from masking.c3 import c3_fields, refusal_reason


def validate_field(spec: FieldSpec, raw: str) -> str:
    """Validates one stripped, non-empty raw value against its catalogue field."""
    if len(raw) > spec.max_length:
        raise _too_long(spec)
    value = _validator_of(spec)(raw)
    if spec.values and value not in spec.values:
        raise _not_one_of(spec)
    return value


def _too_long(spec: FieldSpec) -> FieldInvalid:
    return FieldInvalid(f"longer than {spec.max_length} characters")


def _not_one_of(spec: FieldSpec) -> FieldInvalid:
    return FieldInvalid("not one of: " + ", ".join(spec.values))


def _validator_of(spec: FieldSpec) -> Validator:
    check = VALIDATORS.get(spec.validator)
    if check is None:
        raise LookupError(f"field {spec.name}: no validator registered as {spec.validator!r}")
    return check


_Plan = dict[str, tuple[FieldSpec, Validator]]
_PLANS: dict[int, tuple[FieldCatalogue, _Plan]] = {}


def _plan(catalogue: FieldCatalogue) -> _Plan:
    """Resolves every field's validator once per catalogue instead of once per value."""
    entry = _PLANS.get(id(catalogue))
    if entry is None or entry[0] is not catalogue:
        entry = (catalogue, {spec.name: (spec, _validator_of(spec)) for spec in catalogue})
        _PLANS[id(catalogue)] = entry
    return entry[1]


def validate_fields(
    catalogue: FieldCatalogue, fields: Mapping[str, str]
) -> tuple[dict[str, str], list[FieldError]]:
    """Validates a flat record: canonical values of the good fields, and errors for the rest."""
    plan = _plan(catalogue)
    clean: dict[str, str] = {}
    errors: list[FieldError] = []
    refused = c3_fields(fields)  # C3 in any value refuses the record, whatever the field
    for name, raw in fields.items():
        if name in refused:
            errors.append(FieldError(name, refusal_reason(refused[name])))
            continue
        if not isinstance(raw, str):
            if raw is not None:
                errors.append(FieldError(name, "not text"))
            continue
        value = raw.strip()
        if not value:
            continue
        step = plan.get(name)
        if step is None:
            errors.append(FieldError(name, _unknown_field_reason(name)))
            continue
        spec, check = step
        try:  # validate_field, inlined: this loop runs for every field of a bulk ingest
            if len(value) > spec.max_length:
                raise _too_long(spec)
            value = check(value)
            if spec.values and value not in spec.values:
                raise _not_one_of(spec)
            clean[name] = value
        except FieldInvalid as exc:
            errors.append(FieldError(name, exc.reason))
    if "id_number" in clean:
        _check_against_id(clean, errors)
    if "logins_30d" in clean or "txns_30d" in clean:
        _check_windows(clean, errors)
    return clean, errors


_WINDOWS = (("logins_30d", "logins_90d"), ("txns_30d", "txns_90d"))


def _check_windows(clean: dict[str, str], errors: list[FieldError]) -> None:
    """Holds a 30-day count to at most the 90-day count of the same record (when both are sent)."""
    for short, long in _WINDOWS:
        if short in clean and long in clean and int(clean[short]) > int(clean[long]):
            del clean[short]
            errors.append(FieldError(short, f"exceeds {long}"))


def _unknown_field_reason(name: str) -> str:
    kind = c3_kind(name)
    return refusal_reason([kind]) if kind else "unknown field"


def _check_against_id(clean: dict[str, str], errors: list[FieldError]) -> None:
    """Holds id_type, birth_date and gender to what a resident ID number encodes."""
    if clean.get("id_type", "resident_id") != "resident_id" or (
        errors and any(e.field == "id_type" for e in errors)
    ):
        return
    number = clean["id_number"]
    if not is_resident_id(number):
        del clean["id_number"]
        errors.append(FieldError("id_number", "not a resident ID number"))
        return
    birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    if clean.get("birth_date", birth) != birth:
        del clean["birth_date"]
        errors.append(FieldError("birth_date", "disagrees with id_number"))
    if clean.get("gender", "") not in ("", "M" if number[16] in "13579" else "F"):
        del clean["gender"]
        errors.append(FieldError("gender", "disagrees with id_number"))
