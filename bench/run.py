"""Runs the benchmarks and writes bench/results.json (BENCH_QUICK=1 for a short run).

Own harness: time.perf_counter around the real code paths, one process pinned to one core,
SQLite files under a temporary directory, baselines measured in the same run.
"""

from __future__ import annotations

import json
import os
import platform as host
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import (  # noqa: E402
    api_bench,
    audit_query_bench,
    ingest_bench,
    masked_bench,
    pii_bench,
    segment_bench,
    tag_bench,
)
from cdp.settings import Settings  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"


def pin_one_core() -> str:
    """Pins this process to one core so figures mean 'on one core'."""
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to one core"
    except (AttributeError, OSError):
        return "not pinned"


def read_side(settings: Settings, core_file: Path) -> dict[str, Any]:
    """Runs the read-side benchmarks in a fresh process against the loaded store."""
    command = [
        sys.executable,
        str(ROOT / "bench" / "reads.py"),
        settings.model_dump_json(),
        str(core_file),
        "1" if QUICK else "0",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"the read-side benchmarks failed (exit {done.returncode})")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    """Runs every benchmark group and writes the results file."""
    pinning = pin_one_core()
    started = time.perf_counter()
    metrics: dict[str, dict[str, object]] = {}
    groups: dict[str, float] = {}
    clock = time.perf_counter
    with tempfile.TemporaryDirectory(prefix="cdp-bench-") as tmp:
        mark = clock()
        ingest, settings, core_file = ingest_bench.run(Path(tmp), quick=QUICK)
        metrics.update(ingest)
        groups["ingest"], mark = round(clock() - mark, 1), clock()
        metrics.update(read_side(settings, core_file))
        groups["reads"], mark = round(clock() - mark, 1), clock()
        metrics.update(masked_bench.run(Path(tmp), quick=QUICK))
        groups["masked"], mark = round(clock() - mark, 1), clock()
        metrics.update(api_bench.run(Path(tmp), quick=QUICK))
        groups["api"], mark = round(clock() - mark, 1), clock()
    metrics.update(audit_query_bench.run(quick=QUICK))
    groups["audit_query"], mark = round(clock() - mark, 1), clock()
    metrics.update(pii_bench.run(quick=QUICK))
    groups["pii"], mark = round(clock() - mark, 1), clock()
    metrics.update(segment_bench.run(quick=QUICK))
    groups["segments"], mark = round(clock() - mark, 1), clock()
    metrics.update(tag_bench.run(quick=QUICK))
    groups["tags"] = round(clock() - mark, 1)
    results = {
        "metrics": metrics,
        "meta": {
            "quick": QUICK,
            "python": sys.version.split()[0],
            "machine": host.machine(),
            "cpus": os.cpu_count(),
            "affinity": pinning,
            "seconds": round(time.perf_counter() - started, 1),
            "group_seconds": groups,
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
