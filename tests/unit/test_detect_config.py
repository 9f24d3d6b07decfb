"""The recognizer policy: shipped file, validation errors, offline start-up and jieba caching."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

from masking.detect import DetectorConfigError, build_detector, load_detector_config
from masking.detect.config import parse_detector_config
from tests.unit.detect_support import POLICY


def _policy() -> dict[str, Any]:
    """Returns a fresh copy of the shipped policy document."""
    loaded: dict[str, Any] = yaml.safe_load(POLICY.read_text(encoding="utf-8"))
    return loaded


def test_when_shipped_policy_loads_then_every_entity_has_a_mask() -> None:
    config = load_detector_config(POLICY)
    assert config.anonymize_mode == "mask"
    assert config.masks["CN_PERSON"] == "M-NAME"
    assert len(config.recognizers) == 14


def _broken(path: list[str | int], value: Any) -> dict[str, Any]:
    """Returns the shipped policy with one value replaced (or removed when value is ...)."""
    doc = _policy()
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


BAD_POLICIES = [
    # (path to change, new value, expected message fragment)
    (["version"], 2, "version must be 1"),
    (["threshold"], 1.5, "threshold"),
    (["anonymize_mode"], "redact", "anonymize_mode"),
    (["context_window", "before"], -1, "context_window.before"),
    (["recognizers", 0, "name"], "cn_dna", "unknown recognizer"),
    (["recognizers", 0, "scores", "valid"], "high", "scores.valid"),
    (["recognizers", 0, "scores", "bogus"], 0.5, "unknown keys"),
    (["recognizers", 0, "enabled"], "yes", "enabled must be true or false"),
    (["recognizers", 0, "context"], [""], "non-empty strings"),
    (["masks", "CN_RESIDENT_ID"], ..., "no mask rule for entity CN_RESIDENT_ID"),
    (["masks", "CN_PERSON"], "M-NOPE", "unknown mask rule"),
    (["extra"], 1, "unknown keys"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD_POLICIES)
def test_when_policy_is_bad_then_error_names_the_key(
    path: list[str | int], value: Any, message: str
) -> None:
    with pytest.raises(DetectorConfigError, match=message):
        parse_detector_config(_broken(path, value))


def test_when_recognizer_listed_twice_then_rejected() -> None:
    doc = _policy()
    doc["recognizers"].append(doc["recognizers"][0])
    with pytest.raises(DetectorConfigError, match="listed twice"):
        parse_detector_config(doc)


def test_when_file_is_not_yaml_then_error_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "recognizers.yaml"
    bad.write_text("recognizers: [\n", encoding="utf-8")
    with pytest.raises(DetectorConfigError, match=r"recognizers\.yaml"):
        load_detector_config(bad)


def test_when_recognizer_disabled_then_its_entity_is_not_reported() -> None:
    doc = _broken(["recognizers", 0, "enabled"], False)  # cn_resident_id
    detector = build_detector(parse_detector_config(doc))
    assert "CN_RESIDENT_ID" not in detector.entity_types()
    assert detector.analyze("身份证号11010519491231002X") == []


def test_when_building_and_analyzing_then_no_network_is_touched(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    detector = build_detector(load_detector_config(POLICY), cache_dir=tmp_path)
    assert detector.analyze("邮箱li@example.com，Call +1 202-555-0143")


def test_when_cache_dir_given_then_the_jieba_lexicon_is_cached_there(tmp_path: Path) -> None:
    build_detector(load_detector_config(POLICY), cache_dir=tmp_path / "var")
    (cached,) = (tmp_path / "var").glob("jieba-lexicon-*.json")
    assert cached.stat().st_size > 0


def test_when_registered_in_presidio_then_the_analyzer_engine_runs_them() -> None:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    from masking.detect.registry import REGISTRATIONS
    from masking.detect.spec import BuildContext

    config = load_detector_config(POLICY)
    context = BuildContext(context_before=config.context_before, context_after=6)
    registry = RecognizerRegistry(supported_languages=["zh"])
    for spec in config.recognizers:
        if spec.name in {"cn_mobile", "cn_resident_id"}:
            registry.add_recognizer(REGISTRATIONS[spec.name].build(spec, context))
    engine = AnalyzerEngine(
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": "zh", "model_name": "noop"}]),
        registry=registry,
        supported_languages=["zh"],
    )
    hits = engine.analyze("手机13812345678，身份证11010519491231002X", language="zh")
    assert sorted(h.entity_type for h in hits) == ["CN_MOBILE", "CN_RESIDENT_ID"]
