"""The verification report as plain JSON-ready data, for `cdp audit verify --json`."""

from __future__ import annotations

from audit.chain import ChainHead
from audit.findings import ChainReport
from audit.sweep import LogReport


def _head(head: ChainHead) -> dict[str, object]:
    """Returns a head as seq and hex hash."""
    return {"seq": head.seq, "hash": head.hash.hex()}


def chain_document(report: ChainReport) -> dict[str, object]:
    """Returns one chain's report: where it started, how far it verified, the first break."""
    broken = report.broken
    return {
        "chain": report.chain,
        "intact": report.intact,
        "start": _head(report.start),
        "verified": _head(report.verified),
        "checked": report.checked,
        "break": None
        if broken is None
        else {"kind": broken.kind.value, "seq": broken.seq, "detail": broken.detail},
    }


def log_document(report: LogReport) -> dict[str, object]:
    """Returns the whole log's report; `intact` decides the exit code."""
    return {
        "intact": report.intact,
        "checked": report.checked,
        "chains": [chain_document(chain) for chain in report.chains],
    }
