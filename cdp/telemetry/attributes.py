"""The span attribute allow-list: only ids, codes and counts may reach a span, never values.

Every attribute passes `clean_attributes` before it reaches a span, and the exporter wrapper
runs it again on whatever an instrumentation added, so a key missing here never leaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias

AttributeValue: TypeAlias = str | bool | int | float | tuple[str, ...]

MAX_STRING = 128  # longer strings are cut: ids and codes fit, free text does not
MAX_ITEMS = 32  # longest sequence kept (roles)

ALLOWED_SPAN_ATTRIBUTES = frozenset(
    {
        # HTTP: the route TEMPLATE only; raw paths and query strings may carry search values
        "http.request.method",
        "http.route",
        "http.response.status_code",
        "url.scheme",
        "network.protocol.version",
        # the governed operation: codes, opaque ids and counts
        "cdp.purpose",
        "cdp.action",
        "cdp.decision",
        "cdp.reason",
        "cdp.outcome",
        "cdp.client_id",
        "cdp.roles",
        "cdp.customer_id",
        "cdp.request_id",
        "cdp.policy_version",
        "cdp.source",
        "cdp.field_count",
        "cdp.fields_clear",
        "cdp.fields_masked",
        "cdp.fields_denied",
        "cdp.row_count",
        # database: the system and the first SQL keyword, never the statement or parameters
        "db.system",
        "db.operation",
        # errors: the exception's type name, never its message or stack trace
        "error.type",
        "exception.type",
    }
)

ALLOWED_EVENTS = frozenset({"exception"})  # other events are dropped whole on export


def clean_value(value: object) -> AttributeValue | None:
    """Returns the value as a span may hold it (short str, number, bool, str tuple) or None."""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)[:MAX_STRING]
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return tuple(str(v)[:MAX_STRING] for v in list(items)[:MAX_ITEMS])
    return None


def clean_attributes(
    *sources: Mapping[str, object] | None, allowed: Iterable[str] = ALLOWED_SPAN_ATTRIBUTES
) -> dict[str, AttributeValue]:
    """Keeps the allowed keys whose values are of a plain type, shortened."""
    allow = allowed if isinstance(allowed, frozenset) else frozenset(allowed)
    out: dict[str, AttributeValue] = {}
    for source in sources:
        for key, value in (source or {}).items():
            if key in allow and (cleaned := clean_value(value)) is not None:
                out[key] = cleaned
    return out
