"""The served OpenAPI document, completed with what the middleware answers for every route."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from cdp.api.problems import PROBLEM_MEDIA_TYPE, TITLES

_PROBLEM = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
_WITH_BODY = frozenset({"post", "put", "patch"})


def install_openapi(app: FastAPI) -> None:
    """Serves the generated document with the middleware's 413 and 500 on every route they reach,
    and problem responses under application/problem+json only (the media type actually sent)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _complete(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _complete(doc: dict[str, Any]) -> dict[str, Any]:
    for operations in doc.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for response in responses.values():
                content = response.get("content", {})
                if PROBLEM_MEDIA_TYPE in content:
                    content.pop("application/json", None)
            if method in _WITH_BODY:
                _add(responses, 413)
            _add(responses, 500)
    return doc


def _add(responses: dict[str, Any], status: int) -> None:
    responses.setdefault(str(status), {"description": TITLES[status], "content": dict(_PROBLEM)})
