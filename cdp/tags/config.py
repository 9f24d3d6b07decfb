"""Reads `policies/tags.yaml`: the tag definitions, validated against the segment whitelist.

Refuses at load: duplicate or malformed ids, unknown families, rules that do not parse or that
use `has_tag` (no tag-on-tag), unknown purposes, `derives_from` / `sensitive` that disagree with
the whitelist, tags about ethnicity, religion or health (GB/T 35273 7.4, PIPL Art 28), and tags
derived from an AML rating that list a marketing purpose. `risk_tolerance` (the suitability
assessment's 风险承受等级) is not an AML rating; the catalogue holds none today.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdp.resources import load_yaml, shipped_policy_dir
from cdp.rules import Rule, RuleInvalid, parse_rule
from cdp.segments.config import SegmentConfig, load_segment_config

FILE_NAME = "tags.yaml"
FAMILIES = ("基本属性", "活动行为", "客户价值", "行业特征", "金融风险", "营销信息")
CLASSES = frozenset({"C1", "C2"})
MARKETING_PURPOSES = frozenset({"P06", "P07"})
TAG_ID = re.compile(r"T_[A-Z0-9_]{1,62}")
# Special categories no tag may be about (matched case-insensitively in id, description, fields).
FORBIDDEN_TOPICS = re.compile(
    r"民族|种族|宗教|信仰|健康|医疗|疾病|病史|ethnic|racial|religio|health|medical|disease",
    re.IGNORECASE,
)
# Catalogue fields that would carry an AML (反洗钱) rating; such tags never serve marketing.
AML_FIELD = re.compile(r"aml|money_launder|risk_rating|反洗钱|洗钱", re.IGNORECASE)


class TagConfigInvalid(ValueError):
    """`tags.yaml` is malformed or defines a forbidden tag; the message names the tag."""


@dataclass(frozen=True, slots=True)
class TagDefinition:
    """One tag: its family, compiled-ready rule and what it may be used for."""

    id: str
    family: str
    rule: Rule
    rule_doc: Any
    derives_from: tuple[str, ...]
    tag_class: str
    sensitive: bool
    purposes: tuple[str, ...]
    description: str
    columns: tuple[str, ...]  # the masked-view columns the rule reads

    def as_json(self) -> dict[str, Any]:
        """The definition as `cdp tags catalogue` prints it."""
        return {
            "id": self.id,
            "family": self.family,
            "rule": self.rule_doc,
            "derives_from": list(self.derives_from),
            "class": self.tag_class,
            "sensitive": self.sensitive,
            "purposes": list(self.purposes),
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class TagConfig:
    """Every tag, in file order, and a lookup by id."""

    tags: tuple[TagDefinition, ...]

    def get(self, tag_id: str) -> TagDefinition | None:
        """The definition of `tag_id`, or None."""
        return next((tag for tag in self.tags if tag.id == tag_id), None)

    @property
    def ids(self) -> frozenset[str]:
        """Every defined tag id."""
        return frozenset(tag.id for tag in self.tags)


def load_tag_config(policy_dir: Path) -> TagConfig:
    """Loads the policy directory's tags.yaml (or the shipped one), checked against its
    segments.yaml whitelist and purposes.yaml codes."""
    path = policy_dir / FILE_NAME
    doc = load_yaml(path if path.exists() else shipped_policy_dir() / FILE_NAME)
    purposes_path = policy_dir / "purposes.yaml"
    purposes_doc = load_yaml(
        purposes_path if purposes_path.exists() else shipped_policy_dir() / "purposes.yaml"
    )
    codes = [p["code"] for p in purposes_doc.get("purposes", []) if isinstance(p, Mapping)]
    return parse_tag_config(doc, load_segment_config(policy_dir), codes)


def parse_tag_config(doc: Any, segments: SegmentConfig, purposes: Iterable[str]) -> TagConfig:
    """Validates the parsed file against the whitelist and the known purpose codes."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("tags"), list):
        raise TagConfigInvalid("tags.yaml: a `tags` list is required")
    known = frozenset(purposes)
    seen: set[str] = set()
    tags = []
    for index, raw in enumerate(doc["tags"]):
        tag = _definition(raw, index, segments, known)
        if tag.id in seen:
            raise TagConfigInvalid(f"tags.yaml: tag {tag.id} is defined twice")
        seen.add(tag.id)
        tags.append(tag)
    return TagConfig(tuple(tags))


def _definition(
    raw: Any, index: int, segments: SegmentConfig, purposes: frozenset[str]
) -> TagDefinition:
    if not isinstance(raw, Mapping):
        raise TagConfigInvalid(f"tags.yaml: tags[{index}] must be a mapping")
    tag_id = raw.get("id")
    if not isinstance(tag_id, str) or not TAG_ID.fullmatch(tag_id):
        raise TagConfigInvalid(f"tags.yaml: tags[{index}] id must match T_[A-Z0-9_]+")
    where = f"tags.yaml: tag {tag_id}"
    unknown = set(raw) - {
        "id", "family", "rule", "derives_from", "class", "sensitive", "purposes", "description"
    }  # fmt: skip
    if unknown:
        raise TagConfigInvalid(f"{where}: unknown keys {sorted(unknown)}")
    family, description = raw.get("family"), raw.get("description")
    if family not in FAMILIES:
        raise TagConfigInvalid(f"{where}: family must be one of {', '.join(FAMILIES)}")
    if not isinstance(description, str) or not description.strip():
        raise TagConfigInvalid(f"{where}: a description is required")
    fields = raw.get("derives_from")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise TagConfigInvalid(f"{where}: derives_from must be a list of catalogue fields")
    for text in (tag_id, description, *fields):
        if FORBIDDEN_TOPICS.search(text):
            raise TagConfigInvalid(f"{where}: tags on ethnicity, religion or health are forbidden")
    listed = raw.get("purposes")
    if not isinstance(listed, list) or not listed or not all(isinstance(p, str) for p in listed):
        raise TagConfigInvalid(f"{where}: purposes must be a non-empty list of codes")
    if bad := sorted(set(listed) - purposes):
        raise TagConfigInvalid(f"{where}: unknown purposes {bad}")
    if any(AML_FIELD.search(f) for f in fields) and MARKETING_PURPOSES & set(listed):
        raise TagConfigInvalid(f"{where}: a tag derived from an AML rating may not serve marketing")
    if _uses_has_tag(raw.get("rule")):
        raise TagConfigInvalid(f"{where}: a tag rule may not use has_tag (no tag-on-tag)")
    try:
        rule = parse_rule(raw.get("rule"), segments.attributes)
    except RuleInvalid as exc:
        raise TagConfigInvalid(f"{where}: rule: {exc}") from None
    behind = segments.fields_of(rule.attributes)
    if tuple(sorted(set(fields))) != behind:
        raise TagConfigInvalid(f"{where}: derives_from must be {list(behind)} (from its rule)")
    sensitive, tag_class = raw.get("sensitive"), raw.get("class")
    if sensitive is not rule.uses_sensitive:
        raise TagConfigInvalid(f"{where}: sensitive must be {str(rule.uses_sensitive).lower()}")
    if tag_class not in CLASSES or (sensitive and tag_class != "C2"):
        raise TagConfigInvalid(f"{where}: class must be C1 or C2 (C2 when sensitive)")
    return TagDefinition(
        id=tag_id,
        family=str(family),
        rule=rule,
        rule_doc=raw.get("rule"),
        derives_from=behind,
        tag_class=str(tag_class),
        sensitive=bool(sensitive),
        purposes=tuple(listed),
        description=description.strip(),
        columns=tuple(sorted({_column(segments, name) for name in rule.attributes})),
    )


def _column(segments: SegmentConfig, name: str) -> str:
    attribute = segments.attributes.get(name)
    return attribute.column if attribute is not None else name


def _uses_has_tag(node: Any) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if "has_tag" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
