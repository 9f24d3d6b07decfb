"""`make eval-pii`: scores the platform's PII detector on the labelled synthetic corpus.

Run as `python -m cdp.evaluation.pii [--corpus synthetic|holdout] [--docs N] [--seed S] [--json]
[--write-docs PATH] [--check]`. `--corpus holdout` scores the independent holdout corpus
(`cdp.synth.holdout`), written without looking at the detector or the first corpus.
The detector is built the way the platform builds it (policies/recognizers.yaml) with the
corpus's known customer names as its dictionary. Output carries types, counts and ratios only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from cdp.evaluation.report import markdown, results_dict, rich_table, target_lines
from cdp.evaluation.scoring import Entity, Scores, score
from cdp.resources import shipped_policy_dir
from cdp.synth.holdout import generate_holdout
from cdp.synth.notes import Corpus, generate_corpus

DEFAULT_DOCS = 2000
DEFAULT_SEED = 20260
Analyze = Callable[[str], Sequence[Entity]]
CORPORA: dict[str, Callable[[int, int], Corpus]] = {
    "synthetic": generate_corpus,
    "holdout": generate_holdout,
}


def _generated(corpus: str) -> re.Pattern[str]:
    """The markers around one corpus's generated section (`synthetic` keeps the bare ones)."""
    tag = "GENERATED" if corpus == "synthetic" else f"GENERATED {corpus.upper()}"
    return re.compile(rf"(<!-- BEGIN {tag} -->\n).*?(<!-- END {tag} -->)", re.DOTALL)


def platform_analyzer(known_names: Sequence[str], cache_dir: Path) -> Analyze:
    """Builds the full recognizer set from the shipped policies, with the known names."""
    from masking.detect import build_detector, load_detector_config  # heavy: built on demand

    config = load_detector_config(shipped_policy_dir() / "recognizers.yaml")
    detector = build_detector(config, known_names=list(known_names), cache_dir=cache_dir)
    return detector.analyze


def evaluate(corpus: Corpus, analyze: Analyze) -> tuple[Scores, float]:
    """Runs the detector over every document; returns the scores and the detector seconds."""
    found: list[Sequence[Entity]] = []
    started = time.perf_counter()
    for doc in corpus.docs:
        found.append(analyze(doc.text))
    seconds = time.perf_counter() - started
    return score((doc.spans, hits) for doc, hits in zip(corpus.docs, found, strict=True)), seconds


def corpus_facts(corpus: Corpus) -> dict[str, Any]:
    """Describes the corpus by counts only."""
    known = set(corpus.known_names)
    people = [
        d.text[s.start : s.end] for d in corpus.docs for s in d.spans if s.type == "CN_PERSON"
    ]
    return {
        "seed": corpus.seed,
        "docs": len(corpus.docs),
        "chars": sum(len(d.text) for d in corpus.docs),
        "bytes": sum(len(d.text.encode()) for d in corpus.docs),
        "known_names": len(corpus.known_names),
        "person_known_share": round(sum(p in known for p in people) / max(len(people), 1), 3),
    }


def write_docs(path: Path, section: str, corpus: str = "synthetic") -> None:
    """Replaces one corpus's generated section of the evaluation page."""
    page, markers = path.read_text(encoding="utf-8"), _generated(corpus)
    if not markers.search(page):
        raise SystemExit(f"{path}: no generated-section markers for the {corpus} corpus")
    path.write_text(markers.sub(lambda m: m[1] + section + m[2], page), encoding="utf-8")


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="eval-pii", description=__doc__)
    parser.add_argument(
        "--corpus", choices=tuple(CORPORA), default="synthetic", help="labelled corpus to score"
    )
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS, help="documents to generate")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--write-docs", type=Path, help="update this page's generated section")
    parser.add_argument("--cache-dir", type=Path, default=Path("var/cache/pii"))
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Generates the corpus, scores the detector, prints the table and the targets."""
    args = _arguments(argv)
    corpus = CORPORA[args.corpus](args.seed, args.docs)
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    scores, seconds = evaluate(corpus, platform_analyzer(corpus.known_names, args.cache_dir))
    results = {**results_dict(scores, corpus_facts(corpus)), "seconds": round(seconds, 2)}
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        console = Console(width=max(Console().width, 132))
        console.print(rich_table(scores))
        console.print("\n".join(target_lines(scores)), highlight=False)
    if args.write_docs:
        write_docs(args.write_docs, markdown(results), args.corpus)
    missed = any(not t["met"] for t in results["targets"])
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
