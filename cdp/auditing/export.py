"""Audit documents as CSV cells: one flattening for the CLI and the API alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EVENT_COLUMNS = (
    *("chain", "seq", "id", "at", "actor", "roles", "purpose", "action", "decision", "reason"),
    *("customer_ids", "record_count", "fields_clear", "fields_masked", "fields_denied"),
    *("consent_status", "consent_notice_version", "consent_event_id", "rules", "policy_version"),
    *("trace_id", "request_id", "channel", "source", "ticket_id"),
)


def flat_cells(doc: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Flattens a document into cells: nested objects as `outer_inner`, lists joined by `;`."""
    cells: dict[str, str] = {}
    for name, value in doc.items():
        if isinstance(value, Mapping):
            cells.update(flat_cells(value, f"{prefix}{name}_"))
        else:
            cells[prefix + name] = cell(value)
    return cells


def cell(value: Any) -> str:
    """Writes one value as text; a list item that is an object becomes `value=value`."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(cell(item) for item in value)
    if isinstance(value, Mapping):
        return "=".join(cell(item) for item in value.values())
    return str(value)
