"""Validates one comparison node (`attr`, `op` and its operands) and builds its leaf."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cdp.rules.attributes import Attribute, AttributeSet, AttrType
from cdp.rules.errors import RuleInvalid, show
from cdp.rules.nodes import Between, Compare, CompareOp, IsBool, Member, Scalar
from cdp.rules.values import check_bool, check_value

MAX_IN = 100  # values in one `in` list
OPERANDS = {op.value: ("value",) for op in CompareOp} | {
    "in": ("values",),
    "between": ("low", "high"),
    "is": ("value",),
}
ORDERING = frozenset({"lt", "le", "gt", "ge", "between"})
ALL_SCALAR = frozenset({*CompareOp, "in", "between"})
ALLOWED = {
    AttrType.INT: ALL_SCALAR,
    AttrType.DATE: ALL_SCALAR,
    AttrType.STR: frozenset({"eq", "ne", "in"}),
    AttrType.BOOL: frozenset({"is"}),
    AttrType.STR_SET: frozenset[str](),  # tested with has_tag only
}

Leaf = Compare | Member | Between | IsBool


def join(path: str, key: str) -> str:
    """Extends an error path by a key."""
    return f"{path}.{key}" if path else key


def only_keys(data: Mapping[object, object], keys: set[str], path: str) -> None:
    """Refuses a node with an unknown or a missing key."""
    for key in data:
        if key not in keys:
            raise RuleInvalid(path, f"unknown key {show(key)}")
    for key in sorted(keys):
        if key not in data:
            raise RuleInvalid(path, f"missing key {key!r}")


def allowed_ops(attribute: Attribute) -> frozenset[str]:
    """Returns the operators valid for the attribute's type."""
    if attribute.type is AttrType.ENUM:
        return ALL_SCALAR if attribute.ordered else frozenset({"eq", "ne", "in"})
    return ALLOWED[attribute.type]


def condition(data: Mapping[object, object], attributes: AttributeSet, path: str) -> Leaf:
    """Validates an `attr`/`op` node against the whitelist and returns its leaf."""
    name = data["attr"]
    attribute = attributes.get(name) if isinstance(name, str) else None
    if attribute is None:
        raise RuleInvalid(join(path, "attr"), f"unknown attribute {show(name)}")
    op = data.get("op")
    if not isinstance(op, str) or op not in OPERANDS:
        raise RuleInvalid(join(path, "op"), f"unknown operator {show(op)}")
    if op not in allowed_ops(attribute):
        hint = " (declare the enum ordered)" if attribute.type is AttrType.ENUM else ""
        reason = f"operator {op} is not valid for {attribute.type} attribute {name}{hint}"
        raise RuleInvalid(join(path, "op"), reason)
    only_keys(data, {"attr", "op", *OPERANDS[op]}, path)
    return _leaf(attribute, op, data, path)


def _leaf(attribute: Attribute, op: str, data: Mapping[object, object], path: str) -> Leaf:
    if op == "is":
        return IsBool(attribute, check_bool(data["value"], join(path, "value")))
    if op == "in":
        return Member(attribute, _values(attribute, data["values"], join(path, "values")))
    if op == "between":
        low = check_value(attribute, data["low"], join(path, "low"))
        high = check_value(attribute, data["high"], join(path, "high"))
        if _rank(attribute, low) > _rank(attribute, high):
            raise RuleInvalid(join(path, "high"), "high is below low")
        if attribute.ordered:
            return Member(attribute, _span(attribute, low, high))
        return Between(attribute, low, high)
    value = check_value(attribute, data["value"], join(path, "value"))
    if attribute.ordered and op in ORDERING:
        return Member(attribute, _ordered(attribute, CompareOp(op), value))
    return Compare(attribute, CompareOp(op), value)


def _values(attribute: Attribute, raw: object, path: str) -> tuple[Scalar, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes) or not raw:
        raise RuleInvalid(path, "expected a non-empty list")
    if len(raw) > MAX_IN:
        raise RuleInvalid(path, f"more than {MAX_IN} values")
    checked = {check_value(attribute, v, f"{path}[{i}]") for i, v in enumerate(raw)}
    return tuple(sorted(checked))


def _rank(attribute: Attribute, value: Scalar) -> Any:
    return attribute.values.index(str(value)) if attribute.ordered else value


def _ordered(attribute: Attribute, op: CompareOp, value: Scalar) -> tuple[Scalar, ...]:
    """Lowers a comparison on an ordered enum to membership in the matching members."""
    at = attribute.values.index(str(value))
    cuts: dict[CompareOp, tuple[int, int | None]] = {
        CompareOp.LT: (0, at),
        CompareOp.LE: (0, at + 1),
        CompareOp.GT: (at + 1, None),
        CompareOp.GE: (at, None),
    }
    start, stop = cuts[op]
    return tuple(sorted(attribute.values[start:stop]))


def _span(attribute: Attribute, low: Scalar, high: Scalar) -> tuple[Scalar, ...]:
    members = attribute.values
    return tuple(sorted(members[members.index(str(low)) : members.index(str(high)) + 1]))
