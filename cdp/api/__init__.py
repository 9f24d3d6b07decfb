"""The governed HTTP API (the only web place): FastAPI app, routes, auth, errors, middleware."""

from cdp.api.app import create_app

__all__ = ["create_app"]
