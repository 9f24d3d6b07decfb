"""Fails CI when PostgreSQL is unreachable (after a short wait), instead of letting tests skip."""

from __future__ import annotations

import sys
import time

from sqlalchemy import create_engine, text

DEADLINE_S = 30


def main(url: str) -> int:
    """Polls the server until it answers or the deadline passes."""
    engine = create_engine(url)
    deadline = time.monotonic() + DEADLINE_S
    while True:
        try:
            with engine.connect() as conn:
                version = conn.execute(text("show server_version")).scalar()
            print(f"PostgreSQL {version} reachable")
            return 0
        except Exception as exc:
            if time.monotonic() > deadline:
                print(f"PostgreSQL unreachable: {type(exc).__name__}", file=sys.stderr)
                return 1
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
