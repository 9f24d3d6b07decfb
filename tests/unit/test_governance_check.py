"""`check_policy` finds each kind of defect at its file and line; a bad policy never loads."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from governance.loading import check_policy
from governance.registry import role_table
from governance.sources import PolicyInvalid, PolicyProblem, PolicyTexts
from tests.unit.test_governance_support import (
    CATALOGUE,
    SHIPPED,
    appended,
    engine,
    roles_yaml,
    small_policy,
)


def problems(texts: PolicyTexts) -> list[PolicyProblem]:
    """Checks texts against the shipped catalogue."""
    return check_policy(texts, CATALOGUE, load_yaml=yaml.safe_load)


def test_when_shipped_policy_is_checked_then_it_has_no_problems() -> None:
    assert problems(SHIPPED) == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        # too few columns
        ("p, customer_service, profile.mobile, read", "5 or 6 values"),
        # too many columns
        ("p, customer_service, profile.mobile, read, P01, allow, band, extra", "5 or 6 values"),
        # a line type Casbin would silently skip
        ("x, customer_service, profile.mobile", "unknown line type"),
        # a space inside a value
        ("p, customer service, profile.mobile, read, P01, allow", "not made of"),
        # a field the catalogue does not have
        ("p, customer_service, profile.salary, read, P01, allow", "unknown field or resource"),
        # a wildcard that matches nothing
        ("p, customer_service, profile.zz*, read, P01, allow", "unknown field or resource"),
        # a wildcard in the middle of a path
        ("p, customer_service, profile.*.x, read, P01, allow", "may only end the path"),
        # a class that does not exist
        ("p, customer_service, class:C4, read, P01, allow", "unknown field class"),
        # C3 may never be allowed
        ("p, risk_officer, class:C3, read, P03, allow", "C3 data may never be allowed"),
        # a purpose outside purposes.yaml
        ("p, customer_service, profile.mobile, read, P99, allow", "unknown purpose"),
        # an allow on customer data for every purpose
        ("p, customer_service, profile.mobile, read, *, allow", "must name a purpose"),
        # a role roles.yaml does not document
        ("p, teller, profile.mobile, read, P01, allow", "unknown role 'teller'"),
        # an action the model does not know
        ("p, customer_service, profile.mobile, delete, P01, allow", "unknown action"),
        # an effect Casbin would treat as indeterminate
        ("p, customer_service, profile.mobile, read, P01, permit", "neither allow nor deny"),
        # an allow for every subject
        ("p, *, profile.mobile, read, P01, allow", "subject * may only be used on deny"),
        # an allow for every action
        ("p, customer_service, profile.mobile, *, P01, allow", "action * may only be used on deny"),
        # an allow on every object
        ("p, customer_service, *, read, P01, allow", "object * may only be used on deny"),
        # a variant nobody defined
        (
            "p, customer_service, profile.mobile, read_masked, P01, allow, partial",
            "unknown variant",
        ),
        # the ID variant on a field with another mask
        ("p, kyc_officer, profile.mobile, read_masked, P02, allow, verify", "mask is M-ID"),
        # a mask variant on a clear read
        ("p, customer_service, profile.aum, read, P01, allow, band", "only applies to read_masked"),
        # a mask variant over a wildcard
        ("p, customer_service, profile.*, read_masked, P01, allow, band", "mask is M-AMT"),
        # a variant on a deny line
        ("p, customer_service, profile.mobile, read, P01, deny, book", "a deny line takes no"),
        # the book condition on a resource
        ("p, admin, keys.kek, write, *, allow, book", "applies to customer data"),
        # an exact duplicate of a shipped line
        ("p, customer_service, profile.mobile, read_masked, P01, allow", "duplicate of line"),
        # an allow contradicting a shipped deny
        ("p, customer_service_trainee, profile.aum, read_masked, P01, allow", "contradicts line"),
        # same request, different variant
        ("p, customer_service, profile.aum, read_masked, P01, allow", "variant 'band' vs ''"),
        # a grant for a purpose roles.yaml does not list for the role
        ("p, campaign_delivery, profile.mobile, read, P06, allow", "does not list it"),
        # inheriting from an unknown role
        ("g, customer_service, teller", "unknown role 'teller'"),
        # a member that is neither a role nor user:<id>
        ("g, alice, customer_service", "neither a known role nor a user"),
        # a role inheriting itself
        ("g, admin, admin", "inherits itself"),
        # the shipped inheritance, twice
        ("g, customer_service_trainee, customer_service", "duplicate of line"),
    ],
)
def test_when_policy_line_is_bad_then_check_names_file_line_and_reason(
    line: str, message: str
) -> None:
    texts, number = appended(line)
    found = [p for p in problems(texts) if p.file == "policy.csv" and p.line == number]
    assert any(message in p.message for p in found), found


def test_when_an_inherited_grant_has_another_variant_then_it_is_ambiguous() -> None:
    texts, number = appended("p, customer_service_trainee, profile.aum, read_masked, P01, allow")
    found = [p for p in problems(texts) if p.line == number]
    assert any("contradicts" in p.message or "ambiguous" in p.message for p in found)
    lines = (
        "g, junior, senior\n"
        "p, senior, profile.aum, read_masked, P01, allow, band\n"
        "p, junior, profile.aum, read_masked, P01, allow\n"
    )
    texts = small_policy(lines, ("senior", ["P01"]), ("junior", ["P01"]))
    assert [(p.line, "ambiguous" in p.message) for p in problems(texts)] == [(3, True)]


def test_when_roles_inherit_in_a_cycle_then_each_link_of_the_cycle_is_reported() -> None:
    lines = "p, a, profile.mobile, read, P01, allow\ng, a, b\ng, b, a\n"
    texts = small_policy(lines, ("a", ["P01"]), ("b", []))
    cycle = [(p.line, p.message) for p in problems(texts) if "cycle" in p.message]
    assert [line for line, _ in cycle] == [2, 3]


def test_when_a_role_lists_a_purpose_it_is_never_granted_then_roles_yaml_is_blamed() -> None:
    texts = replace(
        SHIPPED, roles_yaml=SHIPPED.roles_yaml.replace("purposes: [P07]", "purposes: [P07, P14]")
    )
    found = problems(texts)
    line = texts.roles_yaml.splitlines().index("  - name: campaign_delivery") + 1
    assert [(p.file, p.line) for p in found] == [("roles.yaml", line)]
    assert "lists P14 but no policy line grants it" in found[0].message


@pytest.mark.parametrize(
    ("roles", "line", "message"),
    [
        # the same role twice
        (roles_yaml(("clerk", ["P01"]), ("clerk", ["P01"])), 7, "defined twice"),
        # a purpose that does not exist
        (roles_yaml(("clerk", ["P01", "P77"])), 3, "unknown purpose(s) P77"),
        # a role without a description
        ("roles:\n  - name: clerk\n    name_zh: 柜员\n    purposes: [P01]\n", 2, "lacks"),
        # not YAML at all
        ("roles: [\n  - name: clerk\n", 2, "not valid YAML"),
        # no roles list
        ("version: 1\n", 1, "no 'roles' list"),
    ],
)
def test_when_roles_yaml_is_bad_then_check_names_its_line(
    roles: str, line: int, message: str
) -> None:
    texts = replace(small_policy("p, clerk, profile.mobile, read, P01, allow\n"), roles_yaml=roles)
    found = [p for p in problems(texts) if p.file == "roles.yaml"]
    assert any(p.line == line and message in p.message for p in found), found


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # a code outside Pnn
        (("code: P15", "code: X15"), "bad purpose code"),
        # the same code twice
        (("code: P15", "code: P14"), "defined twice"),
        # a basis PIPL does not have
        (("legal_basis: entrusted", "legal_basis: interest"), "legal_basis 'interest'"),
    ],
)
def test_when_purposes_yaml_is_bad_then_check_names_its_line(
    edit: tuple[str, str], message: str
) -> None:
    texts = replace(SHIPPED, purposes_yaml=SHIPPED.purposes_yaml.replace(*edit))
    found = [p for p in problems(texts) if p.file == "purposes.yaml"]
    assert any(message in p.message for p in found), found
    assert all(p.line > 1 for p in found)


@pytest.mark.parametrize(
    ("edit", "line", "message"),
    [
        # a line that is not key = value
        (("[matchers]\n", "[matchers]\nthis is not a key\n"), 22, "cannot be parsed"),
        # no role definition
        (("[role_definition]\ng = _, _\n", ""), 1, "missing [role_definition]"),
        # a request without the purpose
        (("r = sub, obj, act, purpose", "r = sub, obj, act"), 10, "r must be"),
        # allow-overrides instead of deny-overrides
        (("&& !some(where (p.eft == deny))", ""), 19, "e must be"),
        # a matcher that ignores the purpose
        ((' && (r.purpose == p.purpose || p.purpose == "*")', ""), 22, "m must be"),
    ],
)
def test_when_model_conf_is_bad_then_check_names_its_line(
    edit: tuple[str, str], line: int, message: str
) -> None:
    texts = replace(SHIPPED, model_conf=SHIPPED.model_conf.replace(*edit))
    found = [p for p in problems(texts) if p.file == "model.conf"]
    assert any(p.line == line and message in p.message for p in found), found


def test_when_policy_is_invalid_then_the_engine_refuses_to_start() -> None:
    texts, number = appended("p, customer_service, profile.salary, read, P01, allow")
    with pytest.raises(PolicyInvalid) as raised:
        engine(texts)
    assert f"policy.csv:{number}: unknown field or resource 'profile.salary'" in str(raised.value)
    assert [(p.file, p.line) for p in raised.value.problems] == [("policy.csv", number)]


def test_when_several_lines_are_bad_then_every_problem_is_reported_in_file_order() -> None:
    texts, number = appended(
        "p, teller, profile.mobile, read, P01, allow",
        "p, customer_service, profile.mobile, read, P98, allow",
        "p, customer_service, profile.mobile",
    )
    assert [p.line for p in problems(texts)] == [number, number + 1, number + 2]


def test_when_role_table_is_rendered_then_every_documented_role_has_a_row() -> None:
    table = role_table(engine().roles).splitlines()
    assert len(table) == 2 + len(engine().roles)
    assert "| `compliance_officer` | 合规审计员 | — |" in table[9]
