"""The platform's lazy detector remembers masked texts by digest, never by text."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdp.scanning.factory import LazyDetector
from tests.conftest import make_settings

NOTE = "客户李雷来电，手机13812345678，要求改地址"


@pytest.fixture
def detector(tmp_path: Path) -> LazyDetector:
    return LazyDetector(make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path), cache_size=2)


class Counting:
    """Wraps the real detector and counts the texts it had to mask."""

    def __init__(self, inner: LazyDetector) -> None:
        self.inner = inner._get()
        self.calls = 0
        self.version = self.inner.version

    def anonymize(self, text: str, **kwargs: object) -> str:
        self.calls += 1
        return self.inner.anonymize(text, **kwargs)  # type: ignore[arg-type]


def test_when_a_text_is_masked_twice_then_the_detector_runs_once(detector: LazyDetector) -> None:
    counting = Counting(detector)
    detector._detector = counting  # type: ignore[assignment]
    first = detector.anonymize(NOTE, held_names=("李雷",))
    assert detector.anonymize(NOTE, held_names=("李雷",)) == first
    assert counting.calls == 1
    assert "13812345678" not in first
    assert "李雷" not in first


def test_when_names_mode_or_text_differ_then_each_is_masked_afresh(detector: LazyDetector) -> None:
    counting = Counting(detector)
    detector._detector = counting  # type: ignore[assignment]
    detector.anonymize(NOTE)
    detector.anonymize(NOTE, held_names=("李雷",))
    detector.anonymize(NOTE, mode="tag")
    assert counting.calls == 3


def test_when_the_cache_is_full_then_the_oldest_entry_goes_and_no_text_is_a_key(
    detector: LazyDetector,
) -> None:
    for text in (NOTE, NOTE + "。", NOTE + "！"):
        detector.anonymize(text)
    assert len(detector._masked) == 2
    assert all(isinstance(key, bytes) and len(key) == 20 for key in detector._masked)
    assert not any("13812345678" in value for value in detector._masked.values())
