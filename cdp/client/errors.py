"""Errors the client raises: one class per kind of outcome, never a response value in a message.

A problem document (RFC 9457) carries a stable `code`; the message built here names only the
status, the code, the title and field names, so logging an exception can never leak a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

CONSENT_CODES = frozenset({"reconsent_required", "guardian_consent_required"})
_NOT_REFUSALS = frozenset({"consent_granted", "consent_not_required"})


class CdpError(Exception):
    """Anything the client raises about talking to the API."""


class CdpTransportError(CdpError):
    """The request never got an HTTP answer (connection refused, timeout...)."""


class CdpProtocolError(CdpError):
    """A success response whose body does not have the documented shape."""


class CdpApiError(CdpError):
    """The API answered with an error status (usually an application/problem+json document)."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str | None = None,
        fields: tuple[str, ...] = (),
        request_id: str | None = None,
        errors: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.fields = fields
        self.request_id = request_id
        self.errors = errors
        super().__init__(self._message())

    def _message(self) -> str:
        # status, code, title and field names only: detail is server text and stays an attribute
        text = f"{self.status} {self.code}: {self.title}"
        named = list(self.fields) + [name for name, _ in self.errors]
        if named:
            text += f" (fields: {', '.join(dict.fromkeys(named))})"
        if self.request_id:
            text += f" [request {self.request_id}]"
        return text


class InvalidRequest(CdpApiError):
    """400 or 422: the request itself is wrong (unknown purpose, invalid body, bad query...)."""


class Unauthorized(CdpApiError):
    """401: missing, wrong, expired or disabled credentials."""


class Forbidden(CdpApiError):
    """403: the policy refuses; `fields` names the fields concerned."""


class ConsentRequired(Forbidden):
    """403 because the customer's consent for the purpose is missing, withdrawn or stale."""


class NotFound(CdpApiError):
    """404: no such customer, client, source or route."""


class Gone(CdpApiError):
    """410: the customer's data has been erased."""


class Conflict(CdpApiError):
    """409: the client already exists, the policy files are invalid..."""


class PayloadTooLarge(CdpApiError):
    """413: the body or the batch is over the server's limit."""


class Unavailable(CdpApiError):
    """503: the store or the audit trail is unavailable (nothing was done)."""


class ServerError(CdpApiError):
    """Any other 5xx."""


def is_consent_code(code: str) -> bool:
    """Whether a 403 code is a consent refusal rather than a policy one."""
    if code in CONSENT_CODES:
        return True
    return code.startswith("consent_") and code not in _NOT_REFUSALS


def error_class(status: int, code: str) -> type[CdpApiError]:
    """The exception class for an error status and code."""
    if status == 403:
        return ConsentRequired if is_consent_code(code) else Forbidden
    by_status: dict[int, type[CdpApiError]] = {
        400: InvalidRequest,
        401: Unauthorized,
        404: NotFound,
        409: Conflict,
        410: Gone,
        413: PayloadTooLarge,
        422: InvalidRequest,
        503: Unavailable,
    }
    if status in by_status:
        return by_status[status]
    return ServerError if status >= 500 else CdpApiError


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _problem_doc(response: httpx.Response) -> Mapping[str, Any]:
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not (media.endswith("+json") or media == "application/json"):
        return {}
    try:
        doc = response.json()
    except ValueError:
        return {}
    return doc if isinstance(doc, Mapping) else {}


def error_from_response(response: httpx.Response) -> CdpApiError:
    """Builds the exception for an error response (a problem document or anything else)."""
    doc = _problem_doc(response)
    status = response.status_code
    code = _text(doc.get("code")) or f"http_{status}"
    title = _text(doc.get("title")) or response.reason_phrase or "Error"
    raw_fields = doc.get("fields")
    fields = (
        tuple(f for f in raw_fields if isinstance(f, str)) if isinstance(raw_fields, list) else ()
    )
    raw_errors = doc.get("errors")
    errors: tuple[tuple[str, str], ...] = ()
    if isinstance(raw_errors, list):
        errors = tuple(
            (str(e.get("field")), str(e.get("reason")))
            for e in raw_errors
            if isinstance(e, Mapping)
        )
    request_id = _text(doc.get("request_id")) or response.headers.get("x-request-id")
    cls = error_class(status, code)
    return cls(status, code, title, _text(doc.get("detail")), fields, request_id, errors)
