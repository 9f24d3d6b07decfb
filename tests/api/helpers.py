"""Calls through the in-process app that return the response and the audit events it wrote."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from tests.api.conftest import Api


def attempt(
    api: Api,
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> tuple[httpx.Response, list[dict[str, Any]]]:
    """Sends one request with a fresh X-Request-Id; returns it with the events it recorded."""
    request_id = f"t-{uuid.uuid4().hex}"
    # header values travel as bytes: UTF-8 lets a test send confusables the server must refuse
    sent = {k: v.encode() for k, v in (headers or {}).items()} | {"X-Request-Id": request_id}
    response = api.http.request(method, url, headers=sent, **kwargs)
    assert response.headers["x-request-id"] == request_id
    events = [e for e in api.audit_rows() if e["request_id"] == request_id]
    return response, events


def leaked(api: Api, response: httpx.Response) -> list[str]:
    """Seeded PII values that appear in a response (body or headers)."""
    blob = response.text + json.dumps(dict(response.headers))
    return [value for value in api.seeded if value in blob]
