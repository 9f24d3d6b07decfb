"""Domain errors of the consent core; none carries a customer's personal data."""

from __future__ import annotations

from enum import StrEnum


class Problem(StrEnum):
    """Why an event was rejected; safe to show, log and count (it never holds a value)."""

    MISSING = "missing"
    MALFORMED = "malformed"  # wrong type, shape, checksum or date
    UNKNOWN = "unknown"  # not in the catalogue or the list of allowed values
    UNEXPECTED = "unexpected"  # a key this event may not carry
    NO_TIMEZONE = "no_timezone"
    IN_FUTURE = "in_future"  # beyond the clock-skew allowance
    NOT_AFTER_OCCURRED = "not_after_occurred_at"
    NOT_CONSENT_BASED = "purpose_not_consent_based"  # contract or law: nothing to grant
    TOO_WEAK = "consent_type_too_weak"
    GUARDIAN_ACTOR_REQUIRED = "guardian_actor_required"
    STAFF_NOT_ON_CHANNEL = "staff_not_on_this_channel"  # staff assist at branch, phone, paper
    NOTICE_OF_OTHER_PURPOSE = "notice_of_other_purpose"
    NOTICE_NOT_YET_PUBLISHED = "notice_not_yet_published"
    SIGNATURE_REQUIRED = "signature_required"  # written consent
    RECIPIENT_REQUIRED = "recipient_required"


class ConsentConfigError(ValueError):
    """A purposes or notices catalogue entry is wrong; names the entry and what is wrong."""

    def __init__(self, entry: str, reason: str) -> None:
        super().__init__(f"{entry}: {reason}")
        self.entry = entry
        self.reason = reason


class EventInvalid(ValueError):
    """An incoming consent event is rejected; says which field and why, never its value."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class EventConflict(ValueError):
    """The same channel event id arrived twice with different payloads."""

    def __init__(self, event_id: str) -> None:
        super().__init__(f"event {event_id} seen twice with different payloads")
        self.event_id = event_id
