"""Outcomes of governed operations that are not data; no HTTP knowledge, never a value."""

from __future__ import annotations

from audit.events import ConsentSnapshot


class AccessDenied(PermissionError):
    """The policy refuses the operation as a whole (reason code) or for the named fields."""

    def __init__(
        self,
        reason: str,
        fields: tuple[str, ...] = (),
        evidence: ConsentSnapshot | None = None,
    ):
        self.reason = reason
        self.fields = fields
        self.evidence = evidence  # the consent state a refusal rested on, for the audit record
        detail = f" ({', '.join(fields)})" if fields else ""
        super().__init__(f"{reason}{detail}")


class FieldsInvalid(ValueError):
    """Submitted values failed validation: (field, reason) pairs, never the values."""

    def __init__(self, problems: tuple[tuple[str, str], ...]):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in problems))
