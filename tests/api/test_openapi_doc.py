"""docs/openapi.json is the app's current document, and the document keeps the API's promises.

Built without a database (`create_app(...).openapi()` runs no lifespan), by the same code as
scripts/export_openapi.py.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cdp.api.problems import PROBLEM_MEDIA_TYPE

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "openapi.json"
SCRIPT = ROOT / "scripts" / "export_openapi.py"
METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
# no credentials needed: probes and the schema itself (the token endpoint checks its own
# credentials and documents 401 for bad ones, so it is held to the rule like the rest)
UNAUTHENTICATED = frozenset({"/healthz", "/readyz", "/openapi.json"})
DATA_PREFIXES = ("/v1/customers", "/v1/sources")
# responses that are not problems: readiness answers its Health document when not ready
NOT_PROBLEMS = frozenset({("GET", "/readyz", "503")})


def exporter() -> ModuleType:
    """scripts/export_openapi.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("export_openapi", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return exporter()


@pytest.fixture(scope="module")
def doc(script: ModuleType) -> dict[str, Any]:
    document: dict[str, Any] = script.document()
    return document


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path, operation) for every operation in the document."""
    return [
        (method.upper(), path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_committed_document_is_current(script: ModuleType) -> None:
    """A changed route, schema or response without a refreshed docs/openapi.json fails here."""
    stale = "docs/openapi.json is stale: run `make openapi` (scripts/export_openapi.py)"
    assert COMMITTED.exists(), stale
    generated = script.render()
    committed = COMMITTED.read_text(encoding="utf-8")
    assert json.loads(committed) == json.loads(generated), stale
    assert committed == generated, stale + " (formatting differs)"


def test_document_has_the_operations_we_rely_on(doc: dict[str, Any]) -> None:
    """Guards the checks below against passing vacuously on an empty or renamed document."""
    paths = set(doc["paths"])
    assert {"/healthz", "/v1/oauth/token", "/v1/customers/{customer_id}"} <= paths
    assert len(operations(doc)) >= 15


def test_every_operation_documents_401(doc: dict[str, Any]) -> None:
    """Each operation but the probes says it may answer 401 (the token endpoint included)."""
    missing = [
        f"{method} {path}"
        for method, path, op in operations(doc)
        if path not in UNAUTHENTICATED and "401" not in op.get("responses", {})
    ]
    assert not missing, f"no 401 documented: {missing}"


def test_customer_operations_document_404_or_403(doc: dict[str, Any]) -> None:
    """An operation on one customer says how an unknown or unreachable customer is answered."""
    missing = [
        f"{method} {path}"
        for method, path, op in operations(doc)
        if "{customer_id}" in path and not {"403", "404"} & set(op.get("responses", {}))
    ]
    assert not missing, f"neither 404 nor 403 documented: {missing}"


def test_data_operations_declare_x_purpose(doc: dict[str, Any]) -> None:
    """Every data call under /v1/customers and /v1/sources declares its X-Purpose header."""
    data_ops = [
        (method, path, op) for method, path, op in operations(doc) if path.startswith(DATA_PREFIXES)
    ]
    assert data_ops
    missing = [
        f"{method} {path}"
        for method, path, op in data_ops
        if not any(
            p.get("in") == "header" and p.get("name", "").lower() == "x-purpose"
            for p in op.get("parameters", [])
        )
    ]
    assert not missing, f"X-Purpose not declared: {missing}"


def test_problem_responses_are_problem_json(doc: dict[str, Any]) -> None:
    """Every 4xx/5xx response is documented as application/problem+json with the Problem body."""
    wrong = []
    for method, path, op in operations(doc):
        for status, response in op.get("responses", {}).items():
            if status[0] not in "45" or (method, path, status) in NOT_PROBLEMS:
                continue
            schema = response.get("content", {}).get(PROBLEM_MEDIA_TYPE, {}).get("schema", {})
            if schema.get("$ref") != "#/components/schemas/Problem":
                wrong.append(f"{method} {path} {status}")
    assert not wrong, f"not application/problem+json with a Problem body: {wrong}"
