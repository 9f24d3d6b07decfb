"""Builds the PII detector from the recognizer policy, offline, once per process and lazily.

Building takes about half a second (more with a cold jieba word cache), so commands that never
look at free text must not pay for it: the platform holds a `LazyDetector` that builds on first
use, and detectors are shared per (policy content, held names) within a process: the cache
directory only says where derived word lists are kept, not what the detector finds.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cdp.resources import shipped_policy_dir
from cdp.settings import Settings

if TYPE_CHECKING:  # the detector pulls in Presidio (and spaCy): imported on first build only
    from masking.detect import Detected, PiiDetector

RECOGNIZERS_FILE = "recognizers.yaml"
_BUILT: dict[tuple[str, str], PiiDetector] = {}
_LOCK = threading.Lock()


def recognizers_path(settings: Settings) -> Path:
    """The recognizer policy in force: the configured policy directory's, or the shipped one."""
    configured = settings.policy_dir and settings.policy_dir / RECOGNIZERS_FILE
    if configured and configured.exists():
        return configured
    return shipped_policy_dir() / RECOGNIZERS_FILE


def build_pii_detector(settings: Settings, known_names: Iterable[str] = ()) -> PiiDetector:
    """Returns the detector for these settings; jieba-derived word lists cache under var/cache."""
    path = recognizers_path(settings)
    cache_dir = settings.var_dir / "cache"
    names = frozenset(known_names)
    key = (_digest(path.read_bytes()), _names_digest(names))
    with _LOCK:
        built = _BUILT.get(key)
        if built is None:
            from masking.detect import build_detector, load_detector_config

            cache_dir.mkdir(parents=True, exist_ok=True)
            config = load_detector_config(path)
            built = _BUILT[key] = build_detector(config, known_names=names, cache_dir=cache_dir)
    return built


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _names_digest(names: frozenset[str]) -> str:
    return _digest("\n".join(sorted(names)).encode())


class LazyDetector:
    """The platform's detector: built on first use, so commands without free text stay fast.

    Masked texts are remembered (bounded, per process) under a digest of the detector version,
    mode, held names and text: a service note is read far more often than it changes, and
    detection is a quarter of a governed read. Only digests and masked output are kept.
    """

    def __init__(self, settings: Settings, cache_size: int = 20_000) -> None:
        self._settings = settings
        self._detector: PiiDetector | None = None
        self._masked: OrderedDict[bytes, str] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def _get(self) -> PiiDetector:
        if self._detector is None:
            self._detector = build_pii_detector(self._settings)
        return self._detector

    @property
    def version(self) -> str:
        """The detector's version (policy and held names), for staleness of masked copies."""
        return self._get().version

    def analyze(self, text: str) -> list[Detected]:
        """Finds the PII entities of one text."""
        return self._get().analyze(text)

    def anonymize(
        self, text: str, *, mode: str | None = None, held_names: Iterable[str] = ()
    ) -> str:
        """Masks every PII entity of one text (display masks, or tags); held names surely."""
        detector = self._get()
        names = tuple(held_names)
        key = _cache_key(detector.version, mode, names, text)
        with self._lock:
            found = self._masked.get(key)
            if found is not None:
                self._masked.move_to_end(key)
                return found
        masked = detector.anonymize(text, mode=mode, held_names=names)
        with self._lock:
            self._masked[key] = masked
            if len(self._masked) > self._cache_size:
                self._masked.popitem(last=False)
        return masked


def _cache_key(version: str, mode: str | None, names: tuple[str, ...], text: str) -> bytes:
    """A digest naming one masking (no text or name is kept as a key)."""
    parts = (version, mode or "", "\x1f".join(sorted(names)), text)
    return hashlib.blake2b("\x1e".join(parts).encode(), digest_size=20).digest()
