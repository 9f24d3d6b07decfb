"""Liveness and readiness (no authentication, no data)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from cdp.api.deps import State
from cdp.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", name="healthz", response_model=Health, summary="Liveness")
async def healthz() -> Health:
    """The process answers; nothing else is checked."""
    return Health(status="ok")


@router.get(
    "/readyz",
    name="readyz",
    response_model=Health,
    responses={503: {"model": Health, "description": "Not ready"}},
    summary="Readiness: database, keys and policy",
)
def readyz(state: State) -> JSONResponse:
    """Ready when the database answers, the active KEK unwraps and a policy is loaded."""
    platform = state.platform
    checks = {
        "database": _database(state),
        "keys": _keys(state),
        "policy": bool(platform.policy.version),
    }
    ready = all(checks.values())
    body = Health(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


def _database(state: State) -> bool:
    try:
        with state.platform.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any failure means not ready; the reason is not the prober's business
        return False
    return True


def _keys(state: State) -> bool:
    try:
        kek, version = state.platform.kek, state.platform.keyring.active_kek_version
        probe = bytes(32)
        return kek.unwrap(version, kek.wrap(version, probe, b"readyz"), b"readyz") == probe
    except Exception:  # a provider error means not ready
        return False
