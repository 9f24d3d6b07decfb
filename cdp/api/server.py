"""The HTTP protocol `cdp serve` runs: httptools with TCP_NODELAY on every connection.

With `--workers N` uvicorn binds the listening socket itself, and its accepted connections then
lack TCP_NODELAY; a response written as headers then body waits ~40 ms for the client's delayed
ACK (uvicorn issue #3149). Setting the option per connection removes that stall.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class NoDelayHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with Nagle's algorithm off for each accepted connection."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):  # a closed or non-TCP socket: nothing to tune
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
