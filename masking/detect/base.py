"""The shared shape of our recognizers: Presidio `EntityRecognizer`s that yield scored spans."""

from __future__ import annotations

from collections.abc import Iterator

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from masking.detect.spec import BuildContext, RecognizerConfig
from masking.detect.text import ContextWords

Span = tuple[int, int, float]


class SpanRecognizer(EntityRecognizer):
    """Runs on width-folded text; subclasses yield (start, end, score) and never see a raw value."""

    ENTITY: str
    # Every span of this recognizer holds an ASCII digit, so digit-free text can skip it.
    NEEDS_DIGIT: bool = True

    def __init__(self, spec: RecognizerConfig, build: BuildContext) -> None:
        super().__init__(
            supported_entities=[self.ENTITY],
            name=spec.name,
            supported_language="zh",
            context=list(spec.context),
        )
        self.scores = spec.scores
        self.context_words = ContextWords(spec.context, build.context_before, build.context_after)

    def load(self) -> None:
        """Has nothing to load: patterns compile at import, dictionaries in the factory."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Answers Presidio's recognizer call with this recognizer's spans."""
        return [RecognizerResult(self.ENTITY, s, e, score) for s, e, score in self.spans(text)]

    def spans(self, text: str) -> Iterator[Span]:
        """Yields the scored spans found in `text`."""
        raise NotImplementedError

    def with_context(self, text: str, start: int, end: int, plain: str, boosted: str) -> float:
        """Picks the boosted score when a context word is near the span."""
        if self.context_words.near(text, start, end):
            return self.scores[boosted]
        return self.scores[plain]
