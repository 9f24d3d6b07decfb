"""Entry point for uvicorn workers (`cdp serve`): each builds its app from the environment."""

from __future__ import annotations

from fastapi import FastAPI

from cdp.api.app import create_app
from cdp.logs import configure_logging
from cdp.settings import Settings


def app() -> FastAPI:
    """Builds one worker's application from CDP_* settings."""
    settings = Settings()
    configure_logging(settings.effective_log_file, settings.log_level)
    return create_app(settings)
