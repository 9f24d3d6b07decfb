"""What a recognizer factory is given (its slice of the policy) and what the registry holds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from masking.detect.base import SpanRecognizer


@dataclass(frozen=True, slots=True)
class RecognizerConfig:
    """One enabled recognizer: its registry name, context words, scores and options."""

    name: str
    context: tuple[str, ...]
    scores: Mapping[str, float]
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class BuildContext:
    """Inputs shared by every factory: the context window, held names and jieba's cache dir."""

    context_before: int
    context_after: int
    known_names: frozenset[str] = frozenset()
    cache_dir: Path | None = None


Factory = Callable[[RecognizerConfig, BuildContext], "SpanRecognizer"]


@dataclass(frozen=True, slots=True)
class Registration:
    """A registry entry: the entities a recognizer emits, its score knobs and allowed options."""

    entities: tuple[str, ...]
    scores: Mapping[str, float]
    build: Factory
    options: frozenset[str] = frozenset()
