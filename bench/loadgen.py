"""A lean closed-loop HTTP/1.1 load generator, run as its own process.

    python -m bench.loadgen --url http://127.0.0.1:8080/v1/customers/{id} --ids-file ids.txt \
        --headers-file headers.json --seconds 10 --warmup 1 --concurrency 8

`--concurrency` keep-alive connections each send one request, read the whole response, then
send the next. `{id}` in the URL is replaced by a random line of `--ids-file` per request.
Requests that complete after the warm-up count; any status outside 2xx, or a broken
connection, is an error. Prints one JSON line: count, errors, statuses, rps, p50_ms, p99_ms
and the generator's own CPU seconds.

Two clients: `raw` (default) speaks HTTP/1.1 over asyncio streams with pre-built request
bytes; `httpx` uses `httpx.AsyncClient` with a keep-alive pool. The generator shares the
server's cores, so the cheaper client is the default (see `bench/api_bench.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import resource
import sys
import time
from array import array
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

Send = Callable[[str], Awaitable[int]]


@dataclass
class Tally:
    """What the measured window saw."""

    start: float
    end: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0

    def note(self, started: float, status: int) -> None:
        """Counts one completed request if it finished inside the measured window."""
        done = time.perf_counter()
        if done < self.start or done > self.end:
            return
        key = str(status)
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if 200 <= status < 300:
            self.latencies.append(done - started)
        else:
            self.errors += 1


class RawConnection:
    """One keep-alive HTTP/1.1 connection over asyncio streams (Content-Length or chunked)."""

    def __init__(self, host: str, port: int, head: bytes) -> None:
        self.host, self.port = host, port
        self.head = head  # header lines after the request line, blank line included
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def send(self, target: str) -> int:
        """Sends GET `target`, reads the full response and returns its status."""
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write(b"GET " + target.encode("ascii") + b" HTTP/1.1\r\n" + self.head)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lowered = head.lower()
        at = lowered.find(b"\r\ncontent-length:")
        if at >= 0:
            stop = lowered.index(b"\r\n", at + 2)
            await reader.readexactly(int(lowered[at + 17 : stop]))
        elif b"\r\ntransfer-encoding: chunked" in lowered:
            await _read_chunked(reader)
        else:
            raise ConnectionError("response without a length")
        if b"\r\nconnection: close" in lowered:
            self.close()
        return status

    def close(self) -> None:
        """Drops the connection; the next request opens a new one."""
        if self.streams is not None:
            self.streams[1].close()
        self.streams = None


async def _read_chunked(reader: asyncio.StreamReader) -> None:
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        await reader.readexactly(size + 2)
        if size == 0:
            return


async def _loop(send: Send, make_target: Callable[[], str], tally: Tally, reset: Any) -> None:
    """One closed-loop user: request, wait for the whole answer, repeat until the end."""
    while time.perf_counter() < tally.end:
        started = time.perf_counter()
        try:
            status = await send(make_target())
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            tally.note(started, 599)  # a broken exchange counts as an error
            reset()
            await asyncio.sleep(0.01)  # no tight loop against a dead server
            continue
        tally.note(started, status)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Drives the load and returns the figures of the measured window."""
    parts = urlsplit(str(args.url))
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    template = parts.path + (f"?{parts.query}" if parts.query else "")
    headers: dict[str, str] = {}
    if args.headers_file:
        headers.update(json.loads(Path(args.headers_file).read_text(encoding="utf-8")))
    for item in args.header:
        name, _, value = item.partition(":")
        headers[name.strip()] = value.strip()
    ids = Path(args.ids_file).read_text(encoding="utf-8").split() if args.ids_file else []
    if "{id}" in template and not ids:
        raise SystemExit("the URL names {id} but no --ids-file was given")
    pick: Callable[[list[str]], str] = random.Random(args.seed).choice

    def make_target() -> str:
        return template.replace("{id}", pick(ids)) if ids else template

    now = time.perf_counter()
    tally = Tally(start=now + args.warmup, end=now + args.warmup + args.seconds)
    tasks = []
    closers: list[Callable[[], Any]] = []
    if args.client == "raw":
        head = f"Host: {host}:{port}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        for _ in range(args.concurrency):
            conn = RawConnection(host, port, (head + "\r\n").encode("latin-1"))
            # connect one at a time: a burst of connects is accepted by one worker's loop
            with contextlib.suppress(OSError):
                conn.streams = await asyncio.open_connection(host, port)
                await asyncio.sleep(0.005)
            closers.append(conn.close)
            tasks.append(_loop(conn.send, make_target, tally, conn.close))
        await asyncio.gather(*tasks)
        for close in closers:
            close()
    else:
        import httpx

        limits = httpx.Limits(
            max_connections=args.concurrency, max_keepalive_connections=args.concurrency
        )
        base = f"{parts.scheme}://{parts.netloc}"
        async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:

            async def send(target: str) -> int:
                return (await client.get(target)).status_code

            def ignore() -> None:
                return None

            tasks = [_loop(send, make_target, tally, ignore) for _ in range(args.concurrency)]
            await asyncio.gather(*tasks)
    return summarise(tally, args)


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted seconds, in milliseconds."""
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))
    return round(ordered[rank] * 1000, 3)


def summarise(tally: Tally, args: argparse.Namespace) -> dict[str, Any]:
    """The JSON-ready figures of one run."""
    ordered = sorted(tally.latencies)
    if args.latencies_out:
        Path(args.latencies_out).write_bytes(array("d", ordered).tobytes())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    count = sum(tally.statuses.values())
    return {
        "count": count,
        "ok": len(ordered),
        "errors": tally.errors,
        "statuses": tally.statuses,
        "seconds": args.seconds,
        "rps": round(len(ordered) / args.seconds, 1),
        "p50_ms": percentile(ordered, 0.50),
        "p99_ms": percentile(ordered, 0.99),
        "concurrency": args.concurrency,
        "client": args.client,
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
    }


def parse(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    ask = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__)
    ask.add_argument("--url", required=True, help="http://host:port/path; {id} is substituted")
    ask.add_argument("--seconds", type=float, default=5.0, help="measured window")
    ask.add_argument("--warmup", type=float, default=0.0, help="unmeasured lead-in seconds")
    ask.add_argument("--concurrency", type=int, default=8, help="keep-alive connections")
    ask.add_argument("--header", action="append", default=[], help="'Name: value' (repeat)")
    ask.add_argument("--headers-file", help="JSON object of headers (keeps keys off argv)")
    ask.add_argument("--ids-file", help="whitespace-separated values for {id}")
    ask.add_argument("--client", choices=("raw", "httpx"), default="raw")
    ask.add_argument("--seed", type=int, default=7)
    ask.add_argument("--latencies-out", help="write measured 2xx latencies (s) as float64s")
    return ask.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Runs one load phase and prints its figures as one JSON line."""
    args = parse(sys.argv[1:] if argv is None else argv)
    print(json.dumps(asyncio.run(run(args))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
