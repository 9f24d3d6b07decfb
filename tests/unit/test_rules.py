"""The rule language: what parses, what is refused (with a path and a reason), how rows match."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
)

from cdp.rules import (
    Attribute,
    AttributeSet,
    AttributeSpecInvalid,
    AttrType,
    RuleInvalid,
    compile_predicate,
    evaluate,
    parse_rule,
    to_sql,
)

SPEC: dict[str, dict[str, Any]] = {
    "age_band": {
        "type": "enum",
        "values": ["0-17", "18-25", "26-35", "36-45", "46-60", "60+"],
        "ordered": True,
    },
    "gender": {"type": "enum", "values": ["F", "M", "U"]},
    "city": {"type": "str"},
    "value_tier": {
        "type": "enum",
        "values": ["mass", "affluent", "wealth", "private"],
        "ordered": True,
        "sensitive": True,  # derived from assets under management
    },
    "lifecycle_stage": {
        "type": "enum",
        "values": ["onboarding", "growth", "mature", "decline", "dormant"],
    },
    "churn_risk": {"type": "enum", "values": ["low", "medium", "high"], "ordered": True},
    "tenure_years": {"type": "int"},
    "opened_on": {"type": "date", "column": "account_opened_on"},
    "is_minor_u18": {"type": "bool"},
    "tags": {"type": "str_set"},
}
ATTRIBUTES = AttributeSet.from_mapping(SPEC)

ROW = {
    "age_band": "26-35",
    "gender": "F",
    "city": "Shanghai",
    "value_tier": "wealth",
    "lifecycle_stage": "decline",
    "churn_risk": "high",
    "tenure_years": 7,
    "account_opened_on": date(2018, 3, 1),
    "is_minor_u18": False,
    "tags": ["T_ACTIVE_90D", "T_APP_USER"],
}


def cmp(attr: str, op: str, value: object) -> dict[str, object]:
    """Builds a comparison node."""
    return {"attr": attr, "op": op, "value": value}


# (rule, attributes used, uses a sensitive attribute)
VALID = [
    # a single comparison on an unordered enum
    (cmp("gender", "eq", "F"), {"gender"}, False),
    # a sensitive attribute marks the rule
    (cmp("value_tier", "ge", "wealth"), {"value_tier"}, True),
    # has_tag uses the tags attribute
    ({"has_tag": "T_ACTIVE_90D"}, {"tags"}, False),
    # nested groups collect every attribute
    (
        {
            "all": [
                {"any": [cmp("city", "eq", "Beijing"), {"has_tag": "T_X"}]},
                {"not": {"attr": "is_minor_u18", "op": "is", "value": True}},
                {"attr": "tenure_years", "op": "between", "low": 1, "high": 5},
                {"attr": "opened_on", "op": "lt", "value": "2020-01-01"},
            ]
        },
        {"city", "tags", "is_minor_u18", "tenure_years", "opened_on"},
        False,
    ),
    # YAML loads unquoted dates as date objects
    (cmp("opened_on", "ge", date(2020, 1, 1)), {"opened_on"}, False),
    # a value that looks like SQL is only a value, bound later as a parameter
    (cmp("city", "eq", "x'; DROP TABLE masked_profile; --"), {"city"}, False),
]


@pytest.mark.parametrize(("data", "used", "sensitive"), VALID)
def test_when_a_rule_is_valid_then_it_parses_and_reports_its_attributes(
    data: dict[str, Any], used: set[str], sensitive: bool
) -> None:
    rule = parse_rule(data, ATTRIBUTES)
    assert rule.attributes == used
    assert rule.uses_sensitive is sensitive


DEEP: dict[str, Any] = {"has_tag": "T"}
for _ in range(8):
    DEEP = {"not": DEEP}

# (rule, error path, words of the reason)
INVALID: list[tuple[object, str, str]] = [
    # not a mapping at all
    (["all"], "", "expected an object"),
    # none of the known keys
    ({"foo": 1}, "", "expected one of the keys"),
    # a group with an extra key
    ({"all": [{"has_tag": "T"}], "attr": "city"}, "", "unknown key 'attr'"),
    # empty all
    ({"all": []}, "all", "non-empty list"),
    # any must be a list, not a string
    ({"any": "city"}, "any", "non-empty list"),
    # unknown attribute, deep inside
    ({"all": [{"has_tag": "T"}, cmp("income", "eq", 1)]}, "all[1].attr", "unknown attribute"),
    # unknown operator
    (cmp("city", "like", "B%"), "op", "unknown operator 'like'"),
    # ordering on an enum that declares no order
    (cmp("gender", "lt", "M"), "op", "declare the enum ordered"),
    # ordering on a free string
    (cmp("city", "gt", "A"), "op", "not valid for str"),
    # a boolean compared with eq instead of is
    (cmp("is_minor_u18", "eq", True), "op", "not valid for bool"),
    # str_set attributes are tested with has_tag only
    (cmp("tags", "eq", "T"), "op", "not valid for str_set"),
    # a value outside the enum
    (cmp("lifecycle_stage", "eq", "asleep"), "value", "not a value of lifecycle_stage"),
    # a boolean is not an integer
    (cmp("tenure_years", "ge", True), "value", "expected an integer"),
    # a numeric string is not an integer
    (cmp("tenure_years", "ge", "3"), "value", "expected an integer"),
    # integers beyond JSON precision
    (cmp("tenure_years", "ge", 2**60), "value", "within"),
    # 0/1 is not a boolean
    ({"attr": "is_minor_u18", "op": "is", "value": 1}, "value", "expected true or false"),
    # a date in another format
    (cmp("opened_on", "eq", "01/02/2020"), "value", "expected a date"),
    # an impossible date
    (cmp("opened_on", "eq", "2020-02-30"), "value", "expected a date"),
    # value given where values is expected
    ({"attr": "city", "op": "in", "value": "B"}, "", "unknown key 'value'"),
    # missing operand
    ({"attr": "tenure_years", "op": "between", "low": 1}, "", "missing key 'high'"),
    # missing op
    ({"attr": "city", "value": "B"}, "op", "unknown operator None"),
    # an empty in list
    ({"attr": "city", "op": "in", "values": []}, "values", "non-empty list"),
    # one bad element of an in list
    ({"attr": "gender", "op": "in", "values": ["F", "X"]}, "values[1]", "not a value"),
    # too many values
    ({"attr": "tenure_years", "op": "in", "values": list(range(101))}, "values", "more than 100"),
    # between backwards
    ({"attr": "tenure_years", "op": "between", "low": 5, "high": 1}, "high", "below low"),
    # between backwards on an ordered enum, by position
    ({"attr": "churn_risk", "op": "between", "low": "high", "high": "low"}, "high", "below low"),
    # an empty string
    (cmp("city", "eq", ""), "value", "1 to 128"),
    # a tag with spaces or quotes
    ({"has_tag": "T' OR 1=1"}, "has_tag", "expected a tag name"),
    # too deep
    (DEEP, "not.not.not.not.not.not.not.not", "deeper than 8"),
    # too many nodes
    ({"any": [{"has_tag": "T"}] * 250}, "any", "more than 200 nodes"),
    # the 201st node: root, any[0] and its 150 leaves, any[1] and 48 leaves
    ({"any": [{"any": [{"has_tag": "T"}] * 150}] * 2}, "any[1].any[47]", "more than 200 nodes"),
]


@pytest.mark.parametrize(("data", "path", "reason"), INVALID)
def test_when_a_rule_is_invalid_then_the_error_names_path_and_reason(
    data: object, path: str, reason: str
) -> None:
    with pytest.raises(RuleInvalid) as caught:
        parse_rule(data, ATTRIBUTES)
    assert caught.value.path == path
    assert reason in caught.value.reason


INJECTED_NAMES = [
    "age_band; DROP TABLE masked_profile",
    "age_band OR 1=1",
    'city" --',
    "AGE_BAND",  # the whitelist is exact
    "__class__",
]


@pytest.mark.parametrize("name", INJECTED_NAMES)
def test_when_an_attribute_name_carries_sql_then_the_whitelist_refuses_it(name: str) -> None:
    with pytest.raises(RuleInvalid, match="unknown attribute"):
        parse_rule(cmp(name, "eq", "x"), ATTRIBUTES)


def test_when_a_value_carries_sql_then_it_is_bound_and_never_in_the_statement() -> None:
    payload = "x'; DROP TABLE masked_profile; --"
    rule = parse_rule({"any": [cmp("city", "eq", payload), {"has_tag": "T_A"}]}, ATTRIBUTES)
    statement = select(TABLE.c.city).where(to_sql(rule, TABLE))
    for url in ("sqlite://", "postgresql+psycopg://"):  # dialects only, never connected
        dialect = create_engine(url).dialect
        compiled = statement.compile(dialect=dialect)
        assert "DROP" not in str(compiled)
        assert payload in compiled.params.values()


def test_when_input_is_huge_then_the_error_does_not_echo_it() -> None:
    with pytest.raises(RuleInvalid) as caught:
        parse_rule(cmp("x" * 100_000, "eq", "y"), ATTRIBUTES)
    assert len(str(caught.value)) < 120


# (rule, row changes, matches)
MATCHES: list[tuple[dict[str, Any], dict[str, Any], bool]] = [
    # equality
    (cmp("city", "eq", "Shanghai"), {}, True),
    # ordered enum compares by declared position, not alphabetically
    (cmp("value_tier", "gt", "affluent"), {}, True),
    (cmp("value_tier", "gt", "wealth"), {}, False),
    (cmp("age_band", "lt", "36-45"), {}, True),
    # between is inclusive at both ends
    ({"attr": "tenure_years", "op": "between", "low": 7, "high": 7}, {}, True),
    ({"attr": "churn_risk", "op": "between", "low": "low", "high": "medium"}, {}, False),
    # dates compare as dates; the row is keyed by the column name
    (cmp("opened_on", "lt", "2018-03-02"), {}, True),
    # has_tag tests list membership, not substrings
    ({"has_tag": "T_ACTIVE_90D"}, {}, True),
    ({"has_tag": "T_ACTIVE"}, {}, False),
    ({"has_tag": "T_ACTIVE"}, {"tags": "T_ACTIVE"}, False),
    # booleans
    ({"attr": "is_minor_u18", "op": "is", "value": False}, {}, True),
    # in
    ({"attr": "gender", "op": "in", "values": ["M", "U"]}, {}, False),
    # NULL: every comparison is false, ne included
    (cmp("city", "ne", "Beijing"), {"city": None}, False),
    (cmp("city", "eq", "Beijing"), {"city": None}, False),
    ({"attr": "is_minor_u18", "op": "is", "value": False}, {"is_minor_u18": None}, False),
    ({"has_tag": "T_ACTIVE_90D"}, {"tags": None}, False),
    # ...and `not` is plain negation, so it keeps NULL rows
    ({"not": cmp("city", "eq", "Beijing")}, {"city": None}, True),
    # a missing key is NULL
    ({"not": cmp("tenure_years", "ge", 1)}, {"tenure_years": ...}, True),
    (cmp("tenure_years", "ge", 1), {"tenure_years": ...}, False),
    # groups
    ({"all": [cmp("gender", "eq", "F"), cmp("city", "eq", "Beijing")]}, {}, False),
    ({"any": [cmp("gender", "eq", "F"), cmp("city", "eq", "Beijing")]}, {}, True),
]


@pytest.mark.parametrize(("data", "changes", "expected"), MATCHES)
def test_when_a_row_is_evaluated_then_it_matches_as_documented(
    data: dict[str, Any], changes: dict[str, Any], expected: bool
) -> None:
    row = {**ROW, **changes}
    row = {key: value for key, value in row.items() if value is not ...}
    assert evaluate(parse_rule(data, ATTRIBUTES), row) is expected


def test_when_a_predicate_is_compiled_once_then_it_serves_many_rows() -> None:
    predicate = compile_predicate(parse_rule(cmp("churn_risk", "ge", "medium"), ATTRIBUTES))
    rows = [{**ROW, "churn_risk": risk} for risk in ("low", "medium", "high", None, "unknown")]
    assert [predicate(row) for row in rows] == [False, True, True, False, False]


# (attribute spec, words of the reason)
BAD_SPECS: list[tuple[dict[str, Any], str]] = [
    # an enum needs values
    ({"type": "enum"}, "no values"),
    # ints take no values
    ({"type": "int", "values": ["1"]}, "takes no values"),
    # only enums are ordered
    ({"type": "int", "ordered": True}, "only enums"),
    # unknown type
    ({"type": "float"}, "unknown type"),
    # unknown key
    ({"type": "int", "nullable": True}, "unknown keys"),
    # a column that is not an identifier
    ({"type": "int", "column": "a; DROP TABLE t"}, "not an identifier"),
    # sensitive must be a boolean
    ({"type": "int", "sensitive": "yes"}, "booleans"),
    # repeated enum values
    ({"type": "enum", "values": ["a", "a"]}, "repeats"),
]


@pytest.mark.parametrize(("spec", "reason"), BAD_SPECS)
def test_when_an_attribute_spec_is_malformed_then_it_is_refused(
    spec: dict[str, Any], reason: str
) -> None:
    with pytest.raises(AttributeSpecInvalid, match=reason):
        AttributeSet.from_mapping({"x": spec})


def test_when_has_tag_is_used_without_a_tags_attribute_then_it_is_refused() -> None:
    attributes = AttributeSet([Attribute("city", AttrType.STR, "city")])
    with pytest.raises(RuleInvalid, match="str_set attribute named tags"):
        parse_rule({"has_tag": "T"}, attributes)


def test_when_tags_are_declared_then_only_those_tags_are_accepted() -> None:
    attributes = AttributeSet([Attribute("tags", AttrType.STR_SET, "tags", values=("T_A",))])
    assert parse_rule({"has_tag": "T_A"}, attributes).attributes == {"tags"}
    with pytest.raises(RuleInvalid, match="unknown tag"):
        parse_rule({"has_tag": "T_B"}, attributes)


TABLE = Table(
    "masked_profile_rules",
    MetaData(),
    Column("id", Integer, primary_key=True),
    *(Column(name, String(128)) for name in ("age_band", "gender", "city", "value_tier")),
    *(Column(name, String(128)) for name in ("lifecycle_stage", "churn_risk")),
    Column("tenure_years", Integer),
    Column("account_opened_on", Date),
    Column("is_minor_u18", Boolean),
    Column("tags", JSON),
)


def test_when_the_docs_examples_are_parsed_then_they_are_valid() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    spec, *segments = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    attributes = AttributeSet.from_mapping(yaml.safe_load(spec))
    used = [parse_rule(yaml.safe_load(segment), attributes).uses_sensitive for segment in segments]
    assert used == [True, False, True]
