"""Validates a JSON/YAML-shaped rule against the attribute whitelist and builds its tree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdp.rules.attributes import TAGS, Attribute, AttributeSet, AttrType
from cdp.rules.conditions import condition, join, only_keys
from cdp.rules.errors import RuleInvalid
from cdp.rules.nodes import AllOf, AnyOf, HasTag, Node, Not, Rule
from cdp.rules.values import check_tag

MAX_DEPTH = 8  # nesting levels, the root being level 1
MAX_NODES = 200  # nodes in the whole rule


def parse_rule(data: object, attributes: AttributeSet) -> Rule:
    """Validates `data` (a parsed JSON/YAML rule) and returns the rule, or raises RuleInvalid."""
    parser = _Parser(attributes)
    root = parser.node(data, "", 1)
    used = parser.used
    return Rule(root, frozenset(a.name for a in used), any(a.sensitive for a in used))


class _Parser:
    """Walks one rule, counting nodes and collecting the attributes it uses."""

    def __init__(self, attributes: AttributeSet):
        self.attributes = attributes
        self.count = 0
        self.used: set[Attribute] = set()

    def node(self, data: object, path: str, depth: int) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise RuleInvalid(path, f"rule has more than {MAX_NODES} nodes")
        if depth > MAX_DEPTH:
            raise RuleInvalid(path, f"rule is nested deeper than {MAX_DEPTH} levels")
        if not isinstance(data, Mapping):
            raise RuleInvalid(path, f"expected an object, got {type(data).__name__}")
        for key in ("all", "any", "not", "has_tag"):
            if key in data:
                only_keys(data, {key}, path)
                return self.keyed(key, data[key], join(path, key), depth)
        if "attr" in data:
            built = condition(data, self.attributes, path)
            self.used.add(built.attribute)
            return built
        raise RuleInvalid(path, "expected one of the keys all, any, not, has_tag, attr")

    def keyed(self, key: str, value: object, path: str, depth: int) -> Node:
        if key == "not":
            return Not(self.node(value, path, depth + 1))
        if key == "has_tag":
            return self.has_tag(value, path)
        if not isinstance(value, Sequence) or isinstance(value, str | bytes) or not value:
            raise RuleInvalid(path, "expected a non-empty list of rules")
        if len(value) > MAX_NODES:
            raise RuleInvalid(path, f"rule has more than {MAX_NODES} nodes")
        children = tuple(self.node(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value))
        return AllOf(children) if key == "all" else AnyOf(children)

    def has_tag(self, value: object, path: str) -> HasTag:
        attribute = self.attributes.get(TAGS)
        if attribute is None or attribute.type is not AttrType.STR_SET:
            raise RuleInvalid(path, f"has_tag needs a str_set attribute named {TAGS}")
        self.used.add(attribute)
        return HasTag(attribute, check_tag(attribute, value, path))
