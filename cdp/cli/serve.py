"""`cdp serve`: runs the governed API with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from cdp.cli.common import settings


def serve_cmd(
    host: Annotated[
        str, typer.Option(help="Interface to bind (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8080,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    access_log: Annotated[
        bool, typer.Option(help="Log each request line (paths carry customer ids).")
    ] = False,
) -> None:
    """Serve the /v1 API; each worker builds its own engines, keys, policy and detector."""
    import uvicorn

    from cdp.api.server import NoDelayHttpToolsProtocol

    settings()  # invalid settings exit 2 here, before any worker starts
    uvicorn.run(
        "cdp.api.factory:app",
        factory=True,
        http=NoDelayHttpToolsProtocol,
        loop="uvloop",
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level="warning",
        server_header=False,
        proxy_headers=False,
    )
