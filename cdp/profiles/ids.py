"""Customer ids: opaque UUIDv7 strings, random apart from their creation time, never from PII.

Time-ordered ids make new rows land at the right edge of every customer-keyed B-tree instead of
on a random page, which keeps bulk ingest and its indexes cheap on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import os
import time

_VARIANT_DIGITS = "89ab"


def new_customer_id() -> str:
    """Returns a fresh RFC 9562 version-7 UUID as text."""
    stamp = f"{time.time_ns() // 1_000_000:012x}"
    rand = os.urandom(10).hex()
    variant = _VARIANT_DIGITS[int(rand[3], 16) & 3]
    return f"{stamp[:8]}-{stamp[8:]}-7{rand[:3]}-{variant}{rand[4:7]}-{rand[7:19]}"
