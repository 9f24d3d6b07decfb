"""Reads `policies/segments.yaml`: attribute whitelist, run purposes, k, minors, audience domain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdp.resources import load_yaml, shipped_policy_dir
from cdp.rules import AttributeSet, AttributeSpecInvalid

FILE_NAME = "segments.yaml"
FORBIDDEN_COLUMNS = frozenset(
    {"customer_id", "pseudonym", "masked_note", "note_detector", "note_source", "consents"}
)


class SegmentConfigInvalid(ValueError):
    """`segments.yaml` is malformed; the message names the key."""


@dataclass(frozen=True, slots=True)
class SegmentConfig:
    """What a segment may name and how a run is bounded."""

    attributes: AttributeSet
    derives_from: Mapping[str, tuple[str, ...]]  # attribute -> catalogue fields
    purposes: tuple[str, ...]
    min_group_size: int
    exclude_minors: bool
    audience_domain: str

    def fields_of(self, attributes: frozenset[str]) -> tuple[str, ...]:
        """The catalogue fields behind some attributes, sorted and without repeats."""
        return tuple(sorted({f for name in attributes for f in self.derives_from.get(name, ())}))


def load_segment_config(policy_dir: Path) -> SegmentConfig:
    """Loads the policy directory's segments.yaml, or the shipped one when it has none."""
    path = policy_dir / FILE_NAME
    return parse_segment_config(
        load_yaml(path if path.exists() else shipped_policy_dir() / FILE_NAME)
    )


def parse_segment_config(doc: Any) -> SegmentConfig:
    """Validates the parsed file; refuses identifiers and the consent flags as attributes."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("attributes"), Mapping):
        raise SegmentConfigInvalid("segments.yaml: an `attributes` mapping is required")
    specs: dict[str, dict[str, Any]] = {}
    derives: dict[str, tuple[str, ...]] = {}
    for name, raw in doc["attributes"].items():
        if not isinstance(raw, Mapping):
            raise SegmentConfigInvalid(f"segments.yaml: attribute {name} must be a mapping")
        spec = dict(raw)
        fields = spec.pop("derives_from", None)
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise SegmentConfigInvalid(f"segments.yaml: attribute {name} needs derives_from")
        if str(spec.get("column", name)) in FORBIDDEN_COLUMNS or name in FORBIDDEN_COLUMNS:
            raise SegmentConfigInvalid(f"segments.yaml: attribute {name} may not be segmented on")
        specs[str(name)] = spec
        derives[str(name)] = tuple(fields)
    try:
        attributes = AttributeSet.from_mapping(specs)
    except AttributeSpecInvalid as exc:
        raise SegmentConfigInvalid(f"segments.yaml: {exc}") from None
    purposes = doc.get("purposes")
    if (
        not isinstance(purposes, list)
        or not purposes
        or not all(isinstance(p, str) for p in purposes)
    ):
        raise SegmentConfigInvalid("segments.yaml: purposes must be a non-empty list of codes")
    k = doc.get("min_group_size", 50)
    if type(k) is not int or k < 1:
        raise SegmentConfigInvalid("segments.yaml: min_group_size must be a positive integer")
    minors = doc.get("exclude_minors", True)
    domain = doc.get("audience_domain", "marketing")
    if not isinstance(minors, bool) or not isinstance(domain, str) or not domain:
        raise SegmentConfigInvalid("segments.yaml: exclude_minors / audience_domain malformed")
    return SegmentConfig(attributes, derives, tuple(purposes), k, minors, domain)
