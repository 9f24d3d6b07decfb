"""Turns one raw source record into a validated row, or into errors that never carry a value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cdp.profiles.survivorship import canonical_instant
from cdp.profiles.validators import FieldError, validate_fields
from cdp.timezones import CHINA_STANDARD_TIME
from governance.catalogue import FieldCatalogue

CLOCK_SKEW = timedelta(minutes=5)
MAX_SOURCE_KEY = 128
_SAFE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,47}")
_KEY_OK = re.compile(r"[\x21-\x7e]{1,128}")


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one record was not stored: its row number, the field (if any) and a reason."""

    row: int
    field: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class ValidRow:
    """A record that passed validation, with canonical values ready for resolution."""

    row: int
    source_key: str
    observed_at: datetime
    observed_text: str
    values: dict[str, str]


def safe_field_label(name: str) -> str:
    """Returns a field name fit to print; names that could themselves be PII are withheld."""
    return name if _SAFE_NAME.fullmatch(name) else "<unnamed field>"


def parse_observed_at(text: str, now: datetime) -> datetime:
    """Parses an ISO 8601 instant (naive means China Standard Time); refuses the future."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA_STANDARD_TIME)
    if moment > now + CLOCK_SKEW:
        raise ValueError("in the future")
    return moment.astimezone(UTC)


def prepare_row(
    catalogue: FieldCatalogue, row: int, raw: dict[str, str], now: datetime
) -> ValidRow | list[RowError]:
    """Validates the envelope (source_key, observed_at) and every field of one record."""
    values = dict(raw)
    errors: list[RowError] = []
    source_key = (values.pop("source_key", None) or "").strip()
    if not source_key:
        errors.append(RowError(row, "source_key", "missing"))
    elif not _KEY_OK.fullmatch(source_key):
        errors.append(RowError(row, "source_key", "must be 1-128 printable ASCII characters"))
    observed_raw = (values.pop("observed_at", None) or "").strip()
    observed: datetime | None = None
    if not observed_raw:
        errors.append(RowError(row, "observed_at", "missing"))
    else:
        try:
            observed = parse_observed_at(observed_raw, now)
        except ValueError as exc:
            errors.append(RowError(row, "observed_at", str(exc)))
    fields, field_errors = validate_fields(catalogue, values)
    errors.extend(_row_error(row, e) for e in field_errors)
    if not fields and not field_errors:
        errors.append(RowError(row, None, "record has no profile fields"))
    if errors or observed is None:
        return errors
    return ValidRow(row, source_key, observed, canonical_instant(observed), fields)


def _row_error(row: int, error: FieldError) -> RowError:
    return RowError(row, safe_field_label(error.field), error.reason)
