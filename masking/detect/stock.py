"""The speed baseline: Presidio's stock predefined English recognizers on a no-model engine."""

from __future__ import annotations

from collections.abc import Callable

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NoOpNlpEngine
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from masking.detect.result import Detected
from masking.detect.web import OfflineEmailRecognizer


def stock_presidio_analyzer() -> Callable[[str], list[Detected]]:
    """Builds stock Presidio (English predefined set, NoOp engine); e-mail kept offline only."""
    engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "noop"}])
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=engine)
    # Same patterns and validation, but the suffix list comes from the bundled snapshot: the
    # stock recognizer's module-level extractor may try to fetch it.
    registry.remove_recognizer(EmailRecognizer.__name__)
    registry.add_recognizer(OfflineEmailRecognizer())
    analyzer = AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])

    def analyze(text: str) -> list[Detected]:
        hits = analyzer.analyze(text, language="en")
        return sorted(
            (Detected(h.entity_type, h.start, h.end, h.score) for h in hits),
            key=lambda d: d.start,
        )

    return analyze
