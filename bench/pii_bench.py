"""PII scan throughput: the full recognizer set (names included) and Presidio's stock set.

Both scan the same synthetic notes and transcripts (cdp.synth.notes) in the same process, one
document per `analyze` call, after warming up on the first documents; ours is the median of three
passes (it is fast enough to afford them), stock Presidio one pass. Detector build time is not
counted. MB means 10^6 UTF-8 bytes of document text.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cdp.evaluation.pii import platform_analyzer
from cdp.synth.notes import generate_corpus

FULL, QUICK = 2000, 400
SEED = 20261  # not the evaluation seed: the speed corpus is not the one quality is tuned on
WARM_UP = 50


def metric(value: float, unit: str, docs: int, **extra: Any) -> dict[str, Any]:
    """Shapes one result entry."""
    return {"value": round(value, 2), "unit": unit, "docs": docs, **extra}


def seconds_to_scan(
    analyze: Callable[[str], Sequence[object]], texts: Sequence[str], passes: int = 1
) -> float:
    """Returns the median time of a pass over every text, after warming up on the first few."""
    for text in texts[:WARM_UP]:
        analyze(text)
    samples = []
    for _ in range(passes):
        started = time.perf_counter()
        for text in texts:
            analyze(text)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(quick: bool) -> dict[str, Any]:
    """Scans the corpus with our detector and with stock Presidio; returns both metrics."""
    from masking.detect import stock_presidio_analyzer  # heavy: built on demand

    corpus = generate_corpus(SEED, QUICK if quick else FULL)
    texts = [doc.text for doc in corpus.docs]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    with tempfile.TemporaryDirectory(prefix="cdp-pii-bench-") as tmp:
        ours = seconds_to_scan(platform_analyzer(corpus.known_names, Path(tmp)), texts, passes=3)
    stock = seconds_to_scan(stock_presidio_analyzer(), texts)
    size = {"megabytes": round(megabytes, 3)}
    return {
        "pii_scan_mb_per_s": metric(megabytes / ours, "MB/s", len(texts), target=">= 1.0", **size),
        "pii_scan_vs_presidio_stock": metric(
            stock / ours,
            "x",
            len(texts),
            target=">= 5",
            presidio_mb_per_s=round(megabytes / stock, 3),
            **size,
        ),
    }


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
