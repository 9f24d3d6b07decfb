"""The two backends agree: for random rules and rows, SQL WHERE keeps exactly the rows the
Python predicate accepts, on SQLite and PostgreSQL.

The table is a throw-away mirror of the masked view's column types (not the application schema,
which Alembic owns), created in memory or in a temporary PostgreSQL schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, delete, func, insert, select

from cdp.rules import compile_predicate, parse_rule, to_sql
from cdp.rules.parse import MAX_DEPTH
from tests.conftest import PgSchemas
from tests.unit.test_rules import ATTRIBUTES, SPEC, TABLE

CITIES = ["Beijing", "Shanghai", "x'; DROP TABLE masked_profile_rules; --", "北京"]
TAG_POOL = ["T_ACTIVE_90D", "T_APP_USER", "T_VIP", "T_X"]
DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 12, 31))
YEARS = st.integers(min_value=-2, max_value=30)
SCALARS = [name for name, spec in SPEC.items() if spec["type"] not in ("bool", "str_set")]
COLUMNS = {name: spec.get("column", name) for name, spec in SPEC.items()}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine holding the empty rules table on each backend."""
    if request.param == "sqlite":
        built = create_engine("sqlite://")
    else:
        schemas: PgSchemas = request.getfixturevalue("pg_schemas")
        built = create_engine(schemas.create())
    TABLE.metadata.create_all(built)
    yield built
    built.dispose()


def enum_values(name: str) -> list[str]:
    """Members of an enum attribute, in declared order."""
    return list(SPEC[name]["values"])


def operand(name: str) -> st.SearchStrategy[Any]:
    """Values a rule may compare the attribute with."""
    kind = SPEC[name]["type"]
    if kind == "enum":
        return st.sampled_from(enum_values(name))
    return {"int": YEARS, "date": DAYS.map(date.isoformat), "str": st.sampled_from(CITIES)}[kind]


@st.composite
def comparison(draw: st.DrawFn) -> dict[str, Any]:
    """A valid leaf on any scalar attribute."""
    name = draw(st.sampled_from(SCALARS))
    ordered = SPEC[name]["type"] in ("int", "date") or SPEC[name].get("ordered", False)
    ops = ["eq", "ne", "in"] + (["lt", "le", "gt", "ge", "between"] if ordered else [])
    op = draw(st.sampled_from(ops))
    if op == "in":
        return {
            "attr": name,
            "op": op,
            "values": draw(st.lists(operand(name), min_size=1, max_size=4)),
        }
    if op == "between":
        ends = sorted(draw(st.lists(operand(name), min_size=2, max_size=2)), key=rank(name))
        return {"attr": name, "op": op, "low": ends[0], "high": ends[1]}
    return {"attr": name, "op": op, "value": draw(operand(name))}


def rank(name: str) -> Any:
    """Orders operands as the attribute does (enums by declared position)."""
    if SPEC[name]["type"] == "enum":
        return enum_values(name).index
    return lambda value: value


LEAVES = st.one_of(
    comparison(),
    st.builds(lambda v: {"attr": "is_minor_u18", "op": "is", "value": v}, st.booleans()),
    st.builds(lambda t: {"has_tag": t}, st.sampled_from(TAG_POOL)),
)
RULES = st.recursive(
    LEAVES,
    lambda kids: st.one_of(
        st.builds(lambda k: {"all": k}, st.lists(kids, min_size=1, max_size=3)),
        st.builds(lambda k: {"any": k}, st.lists(kids, min_size=1, max_size=3)),
        st.builds(lambda k: {"not": k}, kids),
    ),
    max_leaves=10,
)


def cell(name: str) -> st.SearchStrategy[Any]:
    """Values a row may hold: the attribute's domain, NULL, and off-domain drift."""
    kind = SPEC[name]["type"]
    domain: st.SearchStrategy[Any] = {
        "enum": st.sampled_from([*SPEC[name].get("values", ["_"]), "drifted"]),
        "int": YEARS,
        "date": DAYS,
        "str": st.sampled_from(CITIES),
        "bool": st.booleans(),
        "str_set": st.one_of(
            st.lists(st.sampled_from(TAG_POOL), max_size=3), st.sampled_from(TAG_POOL)
        ),
    }[kind]
    return st.one_of(st.none(), domain)


ROWS = st.lists(
    st.fixed_dictionaries({}, optional={COLUMNS[name]: cell(name) for name in SPEC}),
    min_size=4,
    max_size=16,
)


def depth(data: dict[str, Any]) -> int:
    """Nesting levels of a generated rule."""
    children = data.get("all") or data.get("any") or ([data["not"]] if "not" in data else [])
    return 1 + max((depth(child) for child in children), default=0)


def matched_in_sql(engine: Engine, rule: Any, rows: list[dict[str, Any]]) -> set[int]:
    """Loads the rows (missing keys as NULL) and returns the ids the SQL WHERE keeps."""
    full = [{c.name: row.get(c.name) for c in TABLE.c} | {"id": i} for i, row in enumerate(rows)]
    with engine.begin() as conn:
        conn.execute(delete(TABLE))
        if full:
            conn.execute(insert(TABLE), full)
        return set(conn.scalars(select(TABLE.c.id).where(to_sql(rule, TABLE))))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=RULES, rows=ROWS)
def test_when_random_rules_run_on_both_backends_then_they_select_the_same_rows(
    engine: Engine, data: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    if depth(data) > MAX_DEPTH:
        reject()  # the generator's only way to make an invalid rule
    rule = parse_rule(data, ATTRIBUTES)
    predicate = compile_predicate(rule)
    in_python = {i for i, row in enumerate(rows) if predicate(row)}
    event("kept some, not all" if 0 < len(in_python) < len(rows) else "kept none or all")
    assert matched_in_sql(engine, rule, rows) == in_python


def test_when_a_value_carries_sql_then_the_table_survives_and_nothing_matches(
    engine: Engine,
) -> None:
    rule = parse_rule({"attr": "city", "op": "eq", "value": CITIES[2][:-4] + "OR 1=1"}, ATTRIBUTES)
    assert matched_in_sql(engine, rule, [{"city": "Beijing"}]) == set()
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(TABLE)) == 1


def test_when_a_tag_rule_runs_then_json_lists_match_by_element(engine: Engine) -> None:
    rule = parse_rule({"has_tag": "T_VIP"}, ATTRIBUTES)
    rows: list[dict[str, Any]] = [
        {"tags": ["T_VIP"]},
        {"tags": ["T_VIPX", "T_X"]},  # elements, not substrings
        {"tags": "T_VIP"},  # a JSON string is not a list
        {"tags": None},
        {},
    ]
    assert matched_in_sql(engine, rule, rows) == {0}
