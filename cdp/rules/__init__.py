"""The rule language for tags and segments: one parsed rule, a Python and a SQL backend.

Rules are JSON/YAML-shaped dicts over a whitelist of masked-view attributes (docs/rules.md).
`parse_rule` validates them; `compile_predicate` evaluates them in bulk in Python; `to_sql`
turns them into SQLAlchemy Core expressions (bound parameters only, never string SQL). Both
backends give the same answer for every row.
"""

from cdp.rules.attributes import Attribute, AttributeSet, AttrType
from cdp.rules.errors import AttributeSpecInvalid, RuleInvalid
from cdp.rules.nodes import Rule
from cdp.rules.parse import parse_rule
from cdp.rules.predicate import Predicate, compile_predicate, evaluate
from cdp.rules.sql import to_sql

__all__ = [
    "AttrType",
    "Attribute",
    "AttributeSet",
    "AttributeSpecInvalid",
    "Predicate",
    "Rule",
    "RuleInvalid",
    "compile_predicate",
    "evaluate",
    "parse_rule",
    "to_sql",
]
