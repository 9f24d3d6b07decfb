"""Canonical encoding: one event, one byte string, so the chain can sign and re-check it.

The body is JSON as `json.dumps(..., sort_keys=True, separators=(",", ":"),
ensure_ascii=False)` would write it, in UTF-8: keys sorted, no spaces, tuples as arrays, enums as
their values, absent values (None, empty tuples) left out, `occurred_at` in UTC with six fraction
digits and a `Z`, and `"v": 1` naming the format. The encoder writes that text directly, because
it runs inside every governed operation's transaction; the tests prove it equals `json.dumps`.
Stored bodies are verified as bytes and never re-serialised, so old records stay verifiable.
"""

from __future__ import annotations

from datetime import datetime
from json.encoder import encode_basestring as _q

from audit.errors import AuditEventInvalid
from audit.events import AuditEvent, ConsentSnapshot
from audit.pii import refuse_pii

FORMAT_VERSION = 1


def instant(at: datetime) -> str:
    """Formats an aware UTC instant with fixed microsecond precision and a `Z`."""
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031 - twice as fast as strftime
        at.year,
        at.month,
        at.day,
        at.hour,
        at.minute,
        at.second,
        at.microsecond,
    )


_ARRAYS: dict[tuple[str, ...], str] = {}  # roles, rules and field lists repeat across events
_ARRAYS_MAX = 4096


def _array(values: tuple[str, ...]) -> str:
    """Writes a tuple of strings as a JSON array, remembering the common ones."""
    text = _ARRAYS.get(values)
    if text is None:
        if len(_ARRAYS) >= _ARRAYS_MAX:
            _ARRAYS.clear()
        text = _ARRAYS[values] = "[" + ",".join(map(_q, values)) + "]"
    return text


def _consent(c: ConsentSnapshot) -> str:
    """Writes a consent snapshot as a JSON object with sorted keys."""
    event_id = "" if c.event_id is None else '"event_id":' + _q(c.event_id) + ","
    notice = "" if c.notice_version is None else '"notice_version":' + _q(c.notice_version) + ","
    return "{" + event_id + notice + '"status":' + _q(c.status) + "}"


def _text(e: AuditEvent) -> str:
    """Writes the canonical JSON text of an event; the members below stay in key order."""
    return "".join(
        (
            '{"action":' + _q(e.action) + ',"actor":' + _q(e.actor),
            "" if e.channel is None else ',"channel":' + _q(e.channel),
            "" if e.consent is None else ',"consent":' + _consent(e.consent),
            ',"customer_ids":[' + ",".join(map(_q, e.customer_ids)) + "]" if e.customer_ids else "",
            ',"decision":' + _q(e.decision) + ',"event_id":' + _q(e.event_id),
            ',"fields_clear":' + _array(e.fields_clear) if e.fields_clear else "",
            ',"fields_denied":' + _array(e.fields_denied) if e.fields_denied else "",
            ',"fields_masked":' + _array(e.fields_masked) if e.fields_masked else "",
            ',"occurred_at":"' + instant(e.occurred_at) + '"',
            "" if e.policy_version is None else ',"policy_version":' + _q(e.policy_version),
            "" if e.purpose is None else ',"purpose":' + _q(e.purpose),
            "" if e.reason is None else ',"reason":' + _q(e.reason),
            "" if e.record_count is None else ',"record_count":' + str(e.record_count),
            "" if e.request_id is None else ',"request_id":' + _q(e.request_id),
            ',"roles":' + _array(e.roles) if e.roles else "",
            ',"rules":' + _array(e.rules) if e.rules else "",
            "" if e.source is None else ',"source":' + _q(e.source),
            "" if e.ticket_id is None else ',"ticket_id":' + _q(e.ticket_id),
            "" if e.trace_id is None else ',"trace_id":' + _q(e.trace_id),
            ',"v":' + str(FORMAT_VERSION) + "}",
        )
    )


def encode(event: AuditEvent) -> bytes:
    """Encodes an event canonically after the PII guard; raises rather than record PII."""
    refuse_pii(event)
    try:
        return _text(event).encode("utf-8")
    except UnicodeEncodeError as error:
        raise AuditEventInvalid("event", "text is not valid Unicode (lone surrogate)") from error
