"""The detector's policy (policies/recognizers.yaml): parsed, validated and digested once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from masking.detect.registry import REGISTRATIONS
from masking.detect.spec import RecognizerConfig, Registration
from masking.operators.rules import MaskRule

MODES = frozenset({"mask", "tag"})
_TOP_KEYS = frozenset({"version", "threshold", "anonymize_mode", "context_window", "masks"})
_RECOGNIZER_KEYS = frozenset({"name", "enabled", "context", "scores", "options"})


class DetectorConfigError(ValueError):
    """The recognizer policy is malformed; the message names the offending key, never text."""


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """The whole detector policy; `digest` identifies it for staleness checks."""

    threshold: float
    anonymize_mode: str
    context_before: int
    context_after: int
    masks: Mapping[str, str]
    recognizers: tuple[RecognizerConfig, ...]
    digest: str


def load_detector_config(path: Path) -> DetectorConfig:
    """Parses and validates a recognizer policy file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DetectorConfigError(f"cannot read recognizer policy {path.name}") from exc
    return parse_detector_config(raw)


def parse_detector_config(raw: object) -> DetectorConfig:
    """Validates an already-parsed policy document."""
    doc = _mapping(raw, "recognizer policy")
    _no_unknown(doc, _TOP_KEYS | {"recognizers"}, "recognizer policy")
    if doc.get("version") != 1:
        raise DetectorConfigError("recognizer policy: version must be 1")
    window = _mapping(doc.get("context_window", {}), "context_window")
    entries = [_recognizer(r) for r in _list(doc.get("recognizers"), "recognizers")]
    _no_duplicates([r.name for r, _ in entries])
    recognizers = tuple(r for r, enabled in entries if enabled)
    masks = _masks(doc.get("masks"), recognizers)
    return DetectorConfig(
        threshold=_score(doc.get("threshold", 0.5), "threshold"),
        anonymize_mode=_mode(doc.get("anonymize_mode", "mask")),
        context_before=_count(window.get("before", 12), "context_window.before"),
        context_after=_count(window.get("after", 6), "context_window.after"),
        masks=MappingProxyType(masks),
        recognizers=recognizers,
        digest=hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest(),
    )


def _recognizer(raw: object) -> tuple[RecognizerConfig, bool]:
    """Parses one recognizer entry and says whether it is enabled."""
    entry = _mapping(raw, "recognizer entry")
    name = entry.get("name")
    if not isinstance(name, str) or name not in REGISTRATIONS:
        raise DetectorConfigError(f"unknown recognizer {name!r}; known: {sorted(REGISTRATIONS)}")
    where = f"recognizer {name}"
    _no_unknown(entry, _RECOGNIZER_KEYS, where)
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise DetectorConfigError(f"{where}: enabled must be true or false")
    registration = REGISTRATIONS[name]
    context = _list(entry.get("context", []), f"{where}.context")
    if not all(isinstance(word, str) and word for word in context):
        raise DetectorConfigError(f"{where}.context: words must be non-empty strings")
    options = _mapping(entry.get("options", {}), f"{where}.options")
    _no_unknown(options, registration.options, f"{where}.options")
    parsed = RecognizerConfig(
        name=name,
        context=tuple(context),
        scores=MappingProxyType(_scores(entry.get("scores", {}), registration, where)),
        options=MappingProxyType(dict(options)),
    )
    return parsed, enabled


def _scores(raw: object, registration: Registration, where: str) -> dict[str, float]:
    given = _mapping(raw, f"{where}.scores")
    _no_unknown(given, frozenset(registration.scores), f"{where}.scores")
    merged = dict(registration.scores)
    merged.update({key: _score(value, f"{where}.scores.{key}") for key, value in given.items()})
    return merged


def _masks(raw: object, recognizers: tuple[RecognizerConfig, ...]) -> dict[str, str]:
    masks = _mapping(raw, "masks")
    known_rules = {rule.value for rule in MaskRule}
    for entity, rule in masks.items():
        if rule not in known_rules:
            raise DetectorConfigError(f"masks.{entity}: unknown mask rule {rule!r}")
    for recognizer in recognizers:
        for entity in REGISTRATIONS[recognizer.name].entities:
            if entity not in masks:
                raise DetectorConfigError(f"masks: no mask rule for entity {entity}")
    return {str(k): str(v) for k, v in masks.items()}


def _mapping(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise DetectorConfigError(f"{where}: expected a mapping")
    return raw


def _list(raw: object, where: str) -> list[Any]:
    if not isinstance(raw, list):
        raise DetectorConfigError(f"{where}: expected a list")
    return raw


def _no_unknown(raw: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise DetectorConfigError(f"{where}: unknown keys {unknown}")


def _no_duplicates(names: list[str]) -> None:
    if len(set(names)) != len(names):
        raise DetectorConfigError("recognizers: a recognizer is listed twice")


def _score(raw: object, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0.0 <= raw <= 1.0:
        raise DetectorConfigError(f"{where}: expected a number between 0 and 1")
    return float(raw)


def _count(raw: object, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 64:
        raise DetectorConfigError(f"{where}: expected a whole number between 0 and 64")
    return raw


def _mode(raw: object) -> str:
    if raw not in MODES:
        raise DetectorConfigError(f"anonymize_mode: expected one of {sorted(MODES)}")
    return str(raw)
