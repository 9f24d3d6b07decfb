"""Runs the benchmarks and writes bench/results.json (BENCH_QUICK=1 for a short run).

Own harness: time.perf_counter around the real code paths, one process pinned to one core,
SQLite files under a temporary directory, baselines measured in the same run.
"""

from __future__ import annotations

import json
import os
import platform as host
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import consent_bench, ingest_bench, policy_bench  # noqa: E402
from cdp.bootstrap import Platform  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"


def pin_one_core() -> str:
    """Pins this process to one core so figures mean 'on one core'."""
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to one core"
    except (AttributeError, OSError):
        return "not pinned"


def _read_side(platform: Platform, decrypt_us: float, *, quick: bool) -> dict[str, dict[str, Any]]:
    """Benchmarks that need the loaded store: policy and governed reads, then consent."""
    figures = policy_bench.run(platform, decrypt_us, quick=quick)
    customers = 5_000 if quick else 20_000
    figures.update(consent_bench.run(platform, customers, 20261123, quick))
    return figures


def main() -> int:
    """Runs every benchmark group and writes the results file."""
    pinning = pin_one_core()
    started = time.perf_counter()
    metrics: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="cdp-bench-") as tmp:
        metrics.update(ingest_bench.run(Path(tmp), quick=QUICK, extra=_read_side))
    results = {
        "metrics": metrics,
        "meta": {
            "quick": QUICK,
            "python": sys.version.split()[0],
            "machine": host.machine(),
            "cpus": os.cpu_count(),
            "affinity": pinning,
            "seconds": round(time.perf_counter() - started, 1),
        },
    }
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, metric in metrics.items():
        target = metric.get("target", "-")
        print(f"{name:<28} {metric['value']:>12} {metric['unit']:<12} target {target}")
    print(f"wrote {out.relative_to(ROOT)} in {round(time.perf_counter() - started, 1)} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
