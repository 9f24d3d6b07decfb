"""Maps governed-path outcomes onto problems (the one table; every entry a 4xx)."""

from __future__ import annotations

from cdp.api.problems import BAD_REQUEST_REASONS, ApiError, problem
from cdp.governed.errors import AccessDenied, FieldsInvalid
from cdp.profiles.lookup import InvalidLookup
from cdp.profiles.records import safe_field_label
from cdp.profiles.sources import UnknownSource
from cdp.profiles.store import CustomerErased, CustomerNotFound
from masking.c3 import C3DataRefused


def denied(refusal: AccessDenied) -> ApiError:
    """A policy or consent refusal: 403 with its reason code (400 for an unknown purpose)."""
    status = 400 if refusal.reason in BAD_REQUEST_REASONS else 403
    return problem(status, refusal.reason, fields=refusal.fields)


def failed(error: Exception) -> ApiError:
    """A domain failure that is the caller's to fix, or the customer's state."""
    if isinstance(error, AccessDenied):
        return denied(error)
    if isinstance(error, CustomerErased):
        return problem(410, "customer_erased", "the customer's data has been erased")
    if isinstance(error, CustomerNotFound):
        return problem(404, "customer_not_found")
    if isinstance(error, C3DataRefused):
        kinds = ", ".join(sorted(str(kind) for kind in error.kinds))
        field = (safe_field_label(error.field),) if error.field else ()
        return problem(422, "c3_refused", f"C3 data refused: {kinds}", fields=field)
    if isinstance(error, FieldsInvalid):
        return problem(422, "fields_invalid", errors=error.problems)
    if isinstance(error, InvalidLookup):
        return problem(422, "invalid_value", "the value is not a valid identifier of that kind")
    if isinstance(error, UnknownSource):
        return problem(404, "unknown_source")
    raise error


DOMAIN_ERRORS = (
    AccessDenied,
    CustomerErased,
    CustomerNotFound,
    C3DataRefused,
    FieldsInvalid,
    InvalidLookup,
    UnknownSource,
)
