"""Exception handlers: every error leaves as problem+json; no stack trace, SQL or value ever."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from audit.tags import AuditTag, Decision
from cdp.api.deps import refuse
from cdp.api.problems import PROBLEM_MEDIA_TYPE, ApiError, problem
from cdp.auditing.context import current

_log = logging.getLogger("cdp.api")
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 415: "unsupported_media_type"}


def respond(error: ApiError) -> JSONResponse:
    """Renders a problem with its status and headers."""
    return JSONResponse(
        error.body(current().request_id),
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=error.headers or None,
    )


async def _api_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)  # noqa: S101 - registered for ApiError only
    return respond(error)


async def _invalid(request: Request, error: Exception) -> JSONResponse:
    """422 naming each bad location and why; the input itself is never echoed (it may be PII)."""
    assert isinstance(error, RequestValidationError)  # noqa: S101
    problems = tuple(
        (".".join(str(part) for part in e.get("loc", ()) if part != "body") or "body", e["type"])
        for e in error.errors()
    )[:50]
    mapped = problem(422, "request_invalid", errors=problems)
    state = getattr(request.app.state, "cdp", None)
    if state is not None:  # the route's tag with the caller when known, else api:refused
        if getattr(request.state, "caller", None) is not None:
            await run_in_threadpool(refuse, request, state, mapped, decision=Decision.ERROR)
        else:
            await run_in_threadpool(
                state.audit, AuditTag.API_REFUSED, Decision.ERROR, reason="request_invalid"
            )
    return respond(mapped)


async def _http(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)  # noqa: S101
    if error.status_code == 400:  # FastAPI's "error parsing the body" (e.g. not UTF-8)
        return respond(problem(422, "malformed_body", "the body is not a JSON document"))
    code = _HTTP_CODES.get(error.status_code, "http_error")
    mapped = problem(error.status_code, code)
    mapped.headers = dict(error.headers or {})
    return respond(mapped)


async def _unavailable(_request: Request, error: Exception) -> JSONResponse:
    """The store (and with it the audit trail) failed: nothing leaves (fail closed)."""
    _log.error("database unavailable: %s", type(error).__name__)
    return respond(problem(503, "unavailable", "the store or the audit trail is unavailable"))


def install_handlers(app: FastAPI) -> None:
    """Registers the one mapping from exceptions to problems."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(SQLAlchemyError, _unavailable)
