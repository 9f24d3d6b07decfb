"""The PII detection quality targets of issue 6, judged on the strict matching rule."""

from __future__ import annotations

from dataclasses import dataclass

from cdp.evaluation.scoring import Tally

_STRUCTURED = ("CN_RESIDENT_ID", "CN_MOBILE", "CN_BANK_CARD", "CN_USCC", "EMAIL_ADDRESS")


@dataclass(frozen=True, slots=True)
class Target:
    """A floor on one measure of one entity type."""

    entity: str
    measure: str  # "recall" or "precision"
    floor: float

    def value(self, strict: dict[str, Tally]) -> float | None:
        """Reads the measured value; None when the type never occurred."""
        tally = strict.get(self.entity)
        return None if tally is None else getattr(tally, self.measure)

    def met(self, strict: dict[str, Tally]) -> bool:
        """Tells whether the measured value reaches the floor."""
        value = self.value(strict)
        return value is not None and value >= self.floor


TARGETS: tuple[Target, ...] = (
    *(Target(t, "recall", 0.99) for t in _STRUCTURED),
    *(Target(t, "precision", 0.98) for t in _STRUCTURED),
    Target("CN_PERSON", "recall", 0.90),
    Target("CN_PERSON", "precision", 0.90),
    Target("CN_ADDRESS", "recall", 0.85),
)
