"""The PII guard: refuse an event whose free text looks like a mobile, ID, card or e-mail.

Audit records outlive the data they describe (DOMAIN.md §11 retention) and are read by many, so a
personal value that slips into a reason or a channel would defeat crypto-shredding. The guard is
a tripwire for obvious mistakes, not a detector: ids are exempt (see `AuditEvent`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from audit.errors import AuditPiiRefused
from audit.events import AuditEvent

_EDGE_BEFORE = r"(?<![0-9A-Za-z])"  # look-arounds, not \b: \b does not split CJK from digits
_EDGE_AFTER = r"(?![0-9A-Za-z])"
_PATTERNS = {
    "mobile number": r"(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}",
    "resident ID number": (
        r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    ),
    "card number": r"\d{16,19}",
}
_DIGIT_RUNS = re.compile(
    "|".join(f"(?P<k{i}>{_EDGE_BEFORE}{p}{_EDGE_AFTER})" for i, p in enumerate(_PATTERNS.values()))
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_KINDS = tuple(_PATTERNS)

# Fast pre-filter for ASCII text: drop separators, fold digits to "0"; every digit pattern then
# leaves at least eleven zeros in a row, and an e-mail needs an "@".
_FOLD = bytes.maketrans(b"0123456789", b"0" * 10)
_SEPARATORS = b" -+"
_ELEVEN = b"0" * 11


def _free_text(event: AuditEvent) -> Iterator[tuple[str, str]]:
    """Yields (field, value) for every free-text value of an event."""
    yield "actor", event.actor
    for name in ("purpose", "reason", "channel", "source", "ticket_id"):
        value = getattr(event, name)
        if value is not None:
            yield name, value
    for name in ("roles", "rules", "fields_clear", "fields_masked", "fields_denied"):
        for value in getattr(event, name):
            yield name, value
    if event.consent is not None:
        yield "consent.status", event.consent.status
        if event.consent.notice_version is not None:
            yield "consent.notice_version", event.consent.notice_version


def _all_free_text(e: AuditEvent) -> str:
    """Joins every free-text value into one line per value (the fast path of the guard)."""
    consent = e.consent
    return "\n".join(
        (
            *(e.actor, e.purpose or "", e.reason or "", e.channel or "", e.source or ""),
            *(e.ticket_id or "", *e.roles, *e.rules),
            *(*e.fields_clear, *e.fields_masked, *e.fields_denied),
            *(() if consent is None else (consent.status, consent.notice_version or "")),
        )
    )


def _could_hold_pii(text: str) -> bool:
    """Tells cheaply whether a text may match; exact for ASCII, always true otherwise."""
    if not text.isascii():
        return True
    folded = text.encode("ascii").translate(_FOLD, _SEPARATORS)
    return _ELEVEN in folded or b"@" in folded


def pii_kind(text: str) -> str | None:
    """Returns what a text looks like (`mobile number`, ...) or None when it looks clean."""
    if not _could_hold_pii(text):
        return None
    text = unicodedata.normalize("NFKC", text)  # full-width digits and letters to ASCII
    found = _DIGIT_RUNS.search(text)
    if found is not None:
        return _KINDS[int(str(found.lastgroup)[1:])]
    return "e-mail address" if _EMAIL.search(text) else None


def refuse_pii(event: AuditEvent) -> None:
    """Raises AuditPiiRefused naming the first free-text field that looks like personal data."""
    if not _could_hold_pii(_all_free_text(event)):
        return
    for field, value in _free_text(event):
        kind = pii_kind(value)
        if kind is not None:
            raise AuditPiiRefused(field, kind)
