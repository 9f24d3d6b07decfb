"""Renders PII evaluation results as a rich table, JSON-ready dicts and a Markdown section.

Only types, counts, ratios and offsets leave this module: never the text of a span.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from cdp.evaluation.scoring import Scores, Tally, overall
from cdp.evaluation.targets import TARGETS


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def tally_dict(tally: Tally) -> dict[str, Any]:
    """Shapes one tally for JSON."""
    return {
        "support": tally.gold,
        "found": tally.tp,
        "missed": tally.fn,
        "detected": tally.detected,
        "correct": tally.detected_right,
        "false_positive": tally.fp,
        "precision": _round(tally.precision),
        "recall": _round(tally.recall),
        "f1": _round(tally.f1),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def targets_list(scores: Scores) -> list[dict[str, Any]]:
    """Lists each target with the measured value and whether it is met."""
    return [
        {
            "entity": t.entity,
            "measure": t.measure,
            "floor": t.floor,
            "value": _round(t.value(scores.strict)),
            "met": t.met(scores.strict),
        }
        for t in TARGETS
    ]


def results_dict(scores: Scores, corpus_facts: dict[str, Any]) -> dict[str, Any]:
    """Gathers everything `--json` prints and the docs section shows."""
    return {
        "corpus": corpus_facts,
        "rule": "strict: equal (start, end) and accepted type; one-to-one",
        "strict": {t: tally_dict(scores.strict[t]) for t in scores.types()},
        "strict_overall": tally_dict(overall(scores.strict)),
        "lenient": {t: tally_dict(scores.lenient[t]) for t in scores.types()},
        "targets": targets_list(scores),
    }


def rich_table(scores: Scores) -> Table:
    """Builds the per-type table: strict P/R/F1 and counts, lenient P/R alongside."""
    table = Table(title="PII detection on the labelled corpus (strict span match)")
    for column in _COLUMNS:
        table.add_column(column, justify="left" if column == "type" else "right", no_wrap=True)
    for name in scores.types():
        table.add_row(*_row(name, scores.strict[name], scores.lenient[name]))
    total = overall(scores.strict)
    table.add_row(*_row("ALL (micro)", total, overall(scores.lenient)), style="bold")
    return table


# found/missed count gold spans (recall); detected/correct/false+ count detections (precision).
_COLUMNS = (
    "type", "support", "found", "missed", "detected", "correct", "false+",
    "precision", "recall", "F1", "lenient P/R",
)  # fmt: skip


def _row(name: str, strict: Tally, lenient: Tally) -> list[str]:
    counts = (strict.gold, strict.tp, strict.fn, strict.detected, strict.detected_right, strict.fp)
    ratios = (strict.precision, strict.recall, strict.f1)
    loose = f"{_ratio(lenient.precision)}/{_ratio(lenient.recall)}"
    return [name, *map(str, counts), *map(_ratio, ratios), loose]


def target_lines(scores: Scores) -> list[str]:
    """One line per target: met or missed, with the measured value."""
    lines = []
    for target in targets_list(scores):
        mark = "met   " if target["met"] else "MISSED"
        value = _ratio(target["value"])
        lines.append(f"{mark} {target['entity']} {target['measure']} {value} ≥ {target['floor']}")
    return lines


_COUNTS = ("support", "found", "missed", "detected", "correct", "false_positive")


def markdown(results: dict[str, Any]) -> str:
    """Renders the generated section of docs/pii-evaluation.md."""
    corpus = results["corpus"]
    lines = [
        f"Corpus: seed {corpus['seed']}, {corpus['docs']} documents, {corpus['chars']:,} characters"
        f" ({corpus['bytes']:,} UTF-8 bytes), {corpus['known_names']} known names;"
        f" {corpus['person_known_share']:.0%} of person mentions are known customers."
        f" Detector time {results['seconds']} s.",
        "",
        "| type | support | found | missed | detected | correct | false+ | precision | recall | F1"
        " | lenient P | lenient R |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, row in results["strict"].items():
        loose = results["lenient"][name]
        cells = [row[k] for k in _COUNTS]
        cells += [_ratio(row[k]) for k in ("precision", "recall", "f1")]
        cells += [_ratio(loose["precision"]), _ratio(loose["recall"])]
        lines.append(f"| {name} | " + " | ".join(map(str, cells)) + " |")
    lines += ["", "| target | measured | met |", "|---|--:|:-:|"]
    for t in results["targets"]:
        met = "yes" if t["met"] else "**no**"
        lines.append(
            f"| {t['entity']} {t['measure']} ≥ {t['floor']} | {_ratio(t['value'])} | {met} |"
        )
    return "\n".join(lines) + "\n"
