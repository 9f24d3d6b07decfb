"""Problem details (RFC 9457): one table from domain outcomes to status codes, never a value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"

# reason codes a governed decision may carry that are the caller's fault, not a refusal
BAD_REQUEST_REASONS = frozenset({"unknown_purpose", "unknown_field", "unknown_action"})


class FieldProblem(BaseModel):
    """One invalid input, named by location and reason; the submitted value is never echoed."""

    field: str
    reason: str


class Problem(BaseModel):
    """The body of every error response."""

    type: str = Field(description="A URN naming the problem: urn:cdp:problem:<code>.")
    title: str
    status: int
    code: str = Field(description="A stable reason code, e.g. consent_required.")
    detail: str | None = None
    fields: list[str] | None = Field(
        default=None, description="Field names the refusal concerns (names only, never values)."
    )
    errors: list[FieldProblem] | None = None
    request_id: str | None = None


@dataclass(slots=True)
class ApiError(Exception):
    """An outcome the API answers with a problem document."""

    status: int
    code: str
    title: str
    detail: str | None = None
    fields: tuple[str, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()
    headers: dict[str, str] = field(default_factory=dict)

    def body(self, request_id: str | None) -> dict[str, Any]:
        """Renders the problem+json document."""
        doc = Problem(
            type=f"urn:cdp:problem:{self.code}",
            title=self.title,
            status=self.status,
            code=self.code,
            detail=self.detail,
            fields=list(self.fields) or None,
            errors=[FieldProblem(field=f, reason=r) for f, r in self.errors] or None,
            request_id=request_id,
        )
        return doc.model_dump(exclude_none=True)


TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    410: "Gone",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid input",
    500: "Internal error",
    503: "Service unavailable",
}


def problem(status: int, code: str, detail: str | None = None, **extra: Any) -> ApiError:
    """Builds an ApiError with the standard title for its status."""
    return ApiError(status, code, TITLES.get(status, "Error"), detail, **extra)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry documenting each problem status an operation may answer with."""
    return {
        status: {
            "model": Problem,
            "description": TITLES[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
