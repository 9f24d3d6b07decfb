"""The application factory: everything heavy is built once, in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from cdp.api.context import ApiState
from cdp.api.errors import install_handlers
from cdp.api.middleware import RequestContext
from cdp.api.openapi import install_openapi
from cdp.api.routes import admin, audit, consents, customers, health, oauth, segments
from cdp.apiclients import ClientCache, ClientRegistry, TokenIssuer, token_signing_key
from cdp.bootstrap import build_platform
from cdp.settings import Settings
from cdp.telemetry import Telemetry, install, instrument_engine, setup_telemetry

API_VERSION = "1.0.0"
DESCRIPTION = """The governed API of privacy-cdp for downstream CRM modules.

Every data call names its purpose in `X-Purpose` (P01-P15); each field comes back clear, masked
or denied as the policy and the customer's consent decide, and every call is audited. Errors are
`application/problem+json` with a stable `code`, never a value."""


def build_state(settings: Settings, telemetry: Telemetry) -> ApiState:
    """Builds the platform, client registry, token issuer and their caches."""
    platform = build_platform(settings)
    try:
        if telemetry.enabled:
            instrument_engine(platform.engine)
        if platform.note_masker is not None:
            _ = platform.note_masker.version  # builds the PII detector now, not on a first request
        registry = ClientRegistry(audit=platform.recorder)
        tokens = TokenIssuer(token_signing_key(settings, create=True), settings.token_ttl_seconds)
        clients = ClientCache(platform.engine, registry)
        return ApiState(platform, registry, clients, tokens, telemetry)
    except BaseException:
        platform.close()
        raise


def create_app(settings: Settings | None = None, *, telemetry: Telemetry | None = None) -> FastAPI:
    """Returns the ASGI app; engines, keys, policy and detector are built when it starts."""
    chosen = settings or Settings()
    telemetry = telemetry or setup_telemetry(chosen)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        install(telemetry)
        state = build_state(chosen, telemetry)
        app.state.cdp = state
        try:
            yield {}
        finally:
            state.platform.close()
            telemetry.shutdown()
            install(None)

    app = FastAPI(
        title="privacy-cdp",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    for module in (health, oauth, customers, consents, segments, audit, admin):
        app.include_router(module.router)
    install_handlers(app)
    install_openapi(app)
    app.add_middleware(
        RequestContext, max_body_bytes=chosen.api_max_body_bytes, telemetry=telemetry
    )
    return app
