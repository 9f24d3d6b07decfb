"""Domain errors of the audit core; none carries a value that was refused or a secret."""

from __future__ import annotations


class AuditPiiRefused(ValueError):
    """An event field looks like personal data; the event is refused rather than recorded."""

    def __init__(self, field: str, kind: str) -> None:
        super().__init__(f"{field}: looks like a {kind}; audit events name customers by id only")
        self.field = field
        self.kind = kind


class AuditEventInvalid(ValueError):
    """An event, or a stored body being decoded, breaks the record format; says where and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class AuditKeyInvalid(ValueError):
    """An audit key is unusable (too short, no id)."""


class CheckpointInvalid(ValueError):
    """A checkpoint is malformed or its signature does not verify; never trust its heads."""


class RetentionInvalid(ValueError):
    """A retention setting below the legal floor or naming an unknown class."""
