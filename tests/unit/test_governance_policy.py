"""The shipped policy, decided: role x field x purpose x action, and the rules behind the table."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.catalogue import FieldCatalogue, FieldClass, FieldSpec, FieldType
from governance.compiler import role_verdicts
from governance.conditions import conditions_holding
from governance.decision import Access, Action, Condition, MaskVariant, Principal, Reason
from governance.loading import load_policy
from governance.objects import OPERATIONAL_PURPOSE, RESOURCES, PolicyObject
from tests.unit.test_governance_support import (
    CATALOGUE,
    SHIPPED,
    as_role,
    engine,
    small_policy,
)

ENGINE = engine()
LOADED = load_policy(SHIPPED, CATALOGUE, load_yaml=yaml.safe_load)
CLEAR, MASKED, DENIED = Access.CLEAR, Access.MASKED, Access.DENIED
BOOK, VERIFY, BAND, LAST4 = Condition.BOOK, MaskVariant.VERIFY, MaskVariant.BAND, MaskVariant.LAST4
OPS = OPERATIONAL_PURPOSE

# (role, field, purpose, action, expected access, expected variant or condition)
TABLE = [
    # customer service: C1 in clear through the one class:C1 line
    ("customer_service", "gender", "P01", "read", CLEAR, None),
    # customer service: contact details only masked (M-MOBILE)
    ("customer_service", "mobile", "P01", "read", MASKED, None),
    # customer service: ID with the default mask, first 1 + last 1
    ("customer_service", "id_number", "P01", "read", MASKED, None),
    # customer service: AUM shown as a band, not ***
    ("customer_service", "aum", "P01", "read", MASKED, BAND),
    # customer service: the birth date is not needed to serve a caller
    ("customer_service", "birth_date", "P01", "read", DENIED, None),
    # customer service: risk rating belongs to risk and the RM
    ("customer_service", "risk_tolerance", "P01", "read", DENIED, None),
    # customer service: marketing is not a customer-service purpose
    ("customer_service", "mobile", "P06", "read", DENIED, None),
    # customer service: finds a caller by exact mobile (blind index)
    ("customer_service", "mobile", "P01", "search", CLEAR, None),
    # customer service: writes service notes
    ("customer_service", "service_note", "P01", "write", CLEAR, None),
    # customer service: never exports
    ("customer_service", "mobile", "P01", "export", DENIED, None),
    # trainee: inherits the masked contact view
    ("customer_service_trainee", "mobile", "P01", "read", MASKED, None),
    # trainee: explicit deny beats the inherited masked card number
    ("customer_service_trainee", "card_no", "P01", "read", DENIED, None),
    # trainee: explicit deny beats the inherited AUM band
    ("customer_service_trainee", "aum", "P01", "read", DENIED, None),
    # trainee: may not look customers up by ID
    ("customer_service_trainee", "id_number", "P01", "search", DENIED, None),
    # trainee: inherited look-up by mobile stays
    ("customer_service_trainee", "mobile", "P01", "search", CLEAR, None),
    # trainee: may not write service notes
    ("customer_service_trainee", "service_note", "P01", "write", DENIED, None),
    # RM: contact in clear, for customers in the book only
    ("relationship_manager", "mobile", "P01", "read", CLEAR, BOOK),
    # RM: AUM in clear, book only
    ("relationship_manager", "aum", "P01", "read", CLEAR, BOOK),
    # RM: profile.* read is denied for the ID, masked view remains (book)
    ("relationship_manager", "id_number", "P01", "read", MASKED, BOOK),
    # RM: masked card number on request, book only
    ("relationship_manager", "card_no", "P01", "read_masked", MASKED, BOOK),
    # RM: service notes masked (they are free text with PII)
    ("relationship_manager", "service_note", "P01", "read", MASKED, BOOK),
    # RM: tiering (P05) uses AUM in clear
    ("relationship_manager", "aum", "P05", "read", CLEAR, BOOK),
    # RM: tiering needs no contact details
    ("relationship_manager", "mobile", "P05", "read", DENIED, None),
    # RM: no marketing reads
    ("relationship_manager", "mobile", "P06", "read", DENIED, None),
    # KYC: the ID number in clear for P02
    ("kyc_officer", "id_number", "P02", "read", CLEAR, None),
    # KYC: the masked ID keeps first 6 + last 4 (verification variant)
    ("kyc_officer", "id_number", "P02", "read_masked", MASKED, VERIFY),
    # KYC: the mobile masked
    ("kyc_officer", "mobile", "P02", "read", MASKED, None),
    # KYC: AUM only as a band
    ("kyc_officer", "aum", "P02", "read", MASKED, BAND),
    # KYC: the ID is for AML, not for service (P01)
    ("kyc_officer", "id_number", "P01", "read", DENIED, None),
    # KYC: sanctions screening searches by name
    ("kyc_officer", "full_name", "P02", "search", CLEAR, None),
    # risk: AUM in clear for P03
    ("risk_officer", "aum", "P03", "read", CLEAR, None),
    # risk: card numbers last 4 only
    ("risk_officer", "card_no", "P03", "read", MASKED, LAST4),
    # risk: identity masked with the default mask
    ("risk_officer", "id_number", "P03", "read", MASKED, None),
    # risk: contact details are not risk data
    ("risk_officer", "mobile", "P03", "read", DENIED, None),
    # risk: C1 through the class line
    ("risk_officer", "open_branch", "P03", "read", CLEAR, None),
    # marketing analyst: AUM usable in a segment (as a value tier)
    ("marketing_analyst", "aum", "P06", "segment", CLEAR, None),
    # marketing analyst: birth date usable for statistics (as an age band)
    ("marketing_analyst", "birth_date", "P15", "segment", CLEAR, None),
    # marketing analyst: never segments on a contact detail
    ("marketing_analyst", "mobile", "P06", "segment", DENIED, None),
    # marketing analyst: no PII read at all, not even C1
    ("marketing_analyst", "gender", "P06", "read", DENIED, None),
    # marketing analyst: occupation is not granted for statistics
    ("marketing_analyst", "occupation", "P15", "segment", DENIED, None),
    # campaign delivery: resolves the mobile at send time
    ("campaign_delivery", "mobile", "P07", "read", CLEAR, None),
    # campaign delivery: or the e-mail address
    ("campaign_delivery", "email", "P07", "read", CLEAR, None),
    # campaign delivery: nothing else, not even the name
    ("campaign_delivery", "full_name", "P07", "read", DENIED, None),
    # campaign delivery: only for the contact purpose
    ("campaign_delivery", "mobile", "P06", "read", DENIED, None),
    # compliance: reads the audit trail
    ("compliance_officer", "audit.events", OPS, "read", CLEAR, None),
    # compliance: exports the audit trail for regulators
    ("compliance_officer", "audit.events", OPS, "export", CLEAR, None),
    # compliance: reviews the policy but cannot change it
    ("compliance_officer", "policy.rules", OPS, "write", DENIED, None),
    # compliance: no customer data (separation of duties)
    ("compliance_officer", "gender", "P01", "read", DENIED, None),
    # DPO: exports a customer's data for an access request
    ("dpo", "mobile", "P01", "export", CLEAR, None),
    # DPO: reviews requests against the masked profile (class:C2 line)
    ("dpo", "mobile", "P01", "read", MASKED, None),
    # DPO: C1 in clear
    ("dpo", "gender", "P01", "read", CLEAR, None),
    # DPO: works data-subject requests
    ("dpo", "dsr.requests", OPS, "write", CLEAR, None),
    # DPO: no export outside the request purpose
    ("dpo", "mobile", "P06", "export", DENIED, None),
    # consent channel: sends consent events, reads no profile and no consent state
    ("consent_intake", "consent.records", OPS, "write", CLEAR, None),
    ("consent_intake", "consent.records", "P01", "read", DENIED, None),
    ("consent_intake", "mobile", "P01", "read", DENIED, None),
    # customer service: reads a caller's consent states for P01
    ("customer_service", "consent.records", "P01", "read", CLEAR, None),
    # compliance officer: no consent states of customers either
    ("compliance_officer", "consent.records", "P01", "read", DENIED, None),
    # admin: manages API clients
    ("admin", "api.clients", OPS, "write", CLEAR, None),
    # data engineer: ingests
    ("data_engineer", "mobile", "P01", "write", CLEAR, None),
    # data engineer: reads nothing back
    ("data_engineer", "mobile", "P01", "read", DENIED, None),
    # data engineer: writes only for P01
    ("data_engineer", "aum", "P03", "write", DENIED, None),
    # admin: rotates the key-encryption key
    ("admin", "keys.kek", OPS, "write", CLEAR, None),
    # admin: changes the policy
    ("admin", "policy.rules", OPS, "write", CLEAR, None),
    # admin: no customer reads by default
    ("admin", "mobile", "P01", "read", DENIED, None),
    # admin: does not read the audit trail (auditors do)
    ("admin", "audit.events", OPS, "read", DENIED, None),
]


@pytest.mark.parametrize(("role", "field", "purpose", "action", "access", "extra"), TABLE)
def test_when_role_asks_for_field_then_shipped_policy_decides_as_the_table_says(
    role: str, field: str, purpose: str, action: str, access: Access, extra: object
) -> None:
    found = ENGINE.decide(as_role(role), purpose, [field], action).fields[field]
    assert (found.access, found.variant or found.condition) == (access, extra)
    assert (found.rule is None) == (access is DENIED and found.reason is not Reason.DENY_RULE)


def test_when_table_is_read_then_it_covers_every_documented_role() -> None:
    assert {row[0] for row in TABLE} == {role.name for role in ENGINE.roles}
    assert len(TABLE) >= 40


def test_when_a_role_inherits_an_allow_then_its_explicit_deny_wins() -> None:
    parent = ENGINE.explain("customer_service", "P01", "card_no")
    child = ENGINE.explain("customer_service_trainee", "P01", "card_no")
    assert parent.decision.access is MASKED
    assert child.decision.access is DENIED
    assert child.decision.reason is Reason.DENY_RULE
    assert (
        child.rules[0].text
        == "p, customer_service_trainee, profile.card_no, read_masked, P01, deny"
    )


def test_when_class_line_allows_then_every_field_of_that_class_is_covered() -> None:
    texts = small_policy("p, clerk, class:C2, read_masked, P01, allow\n", ("clerk", ["P01"]))
    decided = engine(texts).decide(as_role("clerk"), "P01").fields
    expected = {
        spec.name: MASKED if spec.field_class is FieldClass.C2 else DENIED for spec in CATALOGUE
    }
    assert {name: d.access for name, d in decided.items()} == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a class deny overrides a path allow
        (
            "p, clerk, profile.mobile, read, P01, allow\np, clerk, class:C2, read, P01, deny\n",
            DENIED,
        ),
        # a path deny overrides a class allow
        (
            "p, clerk, class:C2, read, P01, allow\np, clerk, profile.mobile, read, P01, deny\n",
            DENIED,
        ),
        # a wildcard deny overrides a path allow
        (
            "p, clerk, profile.mobile, read, P01, allow\np, clerk, profile.*, read, P01, deny\n",
            DENIED,
        ),
        # path and class allows together still allow
        (
            "p, clerk, class:C2, read, P01, allow\np, clerk, profile.mobile, read, P01, allow\n",
            CLEAR,
        ),
    ],
)
def test_when_path_and_class_lines_meet_then_deny_overrides(lines: str, expected: Access) -> None:
    decided = engine(small_policy(lines, ("clerk", ["P01"]))).decide(
        as_role("clerk"), "P01", ["mobile"]
    )
    assert decided.fields["mobile"].access is expected


def test_when_a_field_is_c3_then_it_is_denied_even_where_a_wildcard_allows() -> None:
    cvn = FieldSpec("cvn", "安全码", FieldClass.C3, True, False, "none", FieldType.STRING, "x", 4)
    catalogue = FieldCatalogue(1, (*CATALOGUE.fields, cvn))
    texts = small_policy("p, clerk, profile.*, read, P01, allow\n", ("clerk", ["P01"]))
    decided = engine(texts, catalogue).decide(as_role("clerk"), "P01", ["cvn", "mobile"]).fields
    assert decided["cvn"].access is DENIED
    assert decided["cvn"].reason is Reason.C3
    assert decided["mobile"].access is CLEAR


def test_when_shipped_policy_loads_then_c3_is_denied_for_everyone_by_a_line() -> None:
    assert "p, *, class:C3, *, *, deny" in SHIPPED.policy_csv.splitlines()


@pytest.mark.parametrize(
    ("roles", "purpose", "fields", "action", "reason"),
    [
        # a role nobody documented
        (("teller",), "P01", ["mobile"], "read", Reason.UNKNOWN_ROLE),
        # no role at all
        ((), "P01", ["mobile"], "read", Reason.UNKNOWN_ROLE),
        # a purpose outside P01-P15
        (("customer_service",), "P99", ["mobile"], "read", Reason.UNKNOWN_PURPOSE),
        # an action the model does not know
        (("customer_service",), "P01", ["mobile"], "delete", Reason.UNKNOWN_ACTION),
        # a role that holds no grant for the purpose
        (("customer_service",), "P06", ["mobile"], "read", Reason.PURPOSE_NOT_PERMITTED),
        # compliance never acts for a customer-data purpose
        (("compliance_officer",), "P01", ["gender"], "read", Reason.PURPOSE_NOT_PERMITTED),
        # customer service holds no operational grant
        (("customer_service",), OPS, ["audit.events"], "read", Reason.PURPOSE_NOT_PERMITTED),
    ],
)
def test_when_request_is_unknown_or_not_permitted_then_everything_is_denied(
    roles: tuple[str, ...], purpose: str, fields: list[str], action: str, reason: Reason
) -> None:
    decision = ENGINE.decide(as_role(*roles), purpose, fields, action)
    assert (decision.denied, decision.reason) == (True, reason)
    assert {d.access for d in decision.fields.values()} == {DENIED}
    assert decision.policy_version == ENGINE.version


def test_when_field_is_unknown_then_only_that_field_is_denied() -> None:
    decision = ENGINE.decide(as_role("customer_service"), "P01", ["mobile", "salary"])
    assert not decision.denied
    assert decision.fields["salary"].reason is Reason.UNKNOWN_FIELD
    assert decision.fields["mobile"].access is MASKED


@pytest.mark.parametrize(
    ("principal", "purpose", "fields", "action"),
    [
        # not a principal at all
        (None, "P01", ["mobile"], "read"),
        # roles that cannot be iterated
        (Principal("u", 42), "P01", ["mobile"], "read"),  # type: ignore[arg-type]
        # an unhashable purpose
        (as_role("customer_service"), ["P01"], ["mobile"], "read"),
        # fields that cannot be iterated
        (as_role("customer_service"), "P01", 7, "read"),
        # an unhashable action
        (as_role("customer_service"), "P01", ["mobile"], {"read"}),
    ],
)
def test_when_input_is_malformed_then_decide_fails_closed_without_raising(
    principal: object, purpose: object, fields: object, action: object
) -> None:
    decision = ENGINE.decide(principal, purpose, fields, action)  # type: ignore[arg-type]
    assert decision.denied
    assert {d.access for d in decision.fields.values()} <= {DENIED}


def test_when_roles_combine_then_conditional_clear_falls_back_to_the_unconditional_mask() -> None:
    decided = ENGINE.decide(as_role("customer_service", "relationship_manager"), "P01", ["mobile"])
    mobile = decided.fields["mobile"]
    assert (mobile.access, mobile.condition) == (CLEAR, BOOK)
    assert mobile.settle(frozenset({BOOK})).access is CLEAR
    assert mobile.settle(frozenset()).access is MASKED


def test_when_one_role_denies_then_the_deny_wins_over_the_other_roles_allow() -> None:
    both = as_role("customer_service", "marketing_analyst")
    assert ENGINE.decide(both, "P01", ["mobile"]).fields["mobile"].access is DENIED
    assert ENGINE.decide(both, "P01", ["mobile"], "search").fields["mobile"].access is CLEAR


def test_when_roles_mask_differently_then_the_more_revealing_variant_wins() -> None:
    lines = (
        "p, teller, profile.aum, read_masked, P01, allow\n"
        "p, banker, profile.aum, read_masked, P01, allow, band\n"
    )
    texts = small_policy(lines, ("teller", ["P01"]), ("banker", ["P01"]))
    aum = engine(texts).decide(as_role("teller", "banker"), "P01", ["aum"]).fields["aum"]
    assert (aum.access, aum.variant) == (MASKED, BAND)


def test_when_a_user_is_assigned_a_role_by_g_line_then_the_principal_gets_it() -> None:
    lines = "p, clerk, profile.mobile, read, P01, allow\ng, user:u-42, clerk\n"
    policy = engine(small_policy(lines, ("clerk", ["P01"])))
    assert (
        policy.decide(Principal("u-42", frozenset()), "P01", ["mobile"]).fields["mobile"].access
        is CLEAR
    )
    assert (
        policy.decide(Principal("u-43", frozenset()), "P01", ["mobile"]).reason
        is Reason.UNKNOWN_ROLE
    )


@pytest.mark.parametrize(
    ("branches", "customer_branch", "expected"),
    [
        # the customer opened the account at one of the RM's branches
        ("0101, 0102", "0102", CLEAR),
        # another branch's customer
        ("0101", "0200", DENIED),
        # an RM with no branches recorded
        ("", "0101", DENIED),
        # a customer record without a branch
        ("0101", "", DENIED),
    ],
)
def test_when_book_condition_is_settled_then_only_customers_in_the_book_are_readable(
    branches: str, customer_branch: str, expected: Access
) -> None:
    rm = Principal("rm-1", frozenset({"relationship_manager"}), {"branches": branches})
    holds = conditions_holding(rm, {"open_branch": customer_branch})
    settled = ENGINE.decide(rm, "P01", ["mobile"]).settle(holds)
    assert settled.fields["mobile"].access is expected


def test_when_explained_then_the_deciding_lines_are_named_with_their_text() -> None:
    explained = ENGINE.explain("relationship_manager", "P01", "id_number")
    assert explained.decision.access is MASKED
    assert [rule.text for rule in explained.rules] == [
        "p, relationship_manager, profile.id_number, read_masked, P01, allow, book"
    ]
    assert explained.decision.rule == explained.rules[0].rule_id


def test_when_matrix_is_asked_then_every_role_has_every_object() -> None:
    grid = ENGINE.matrix("P01")
    assert set(grid) == {role.name for role in ENGINE.roles}
    assert grid["customer_service"]["aum"].variant is BAND
    assert all(len(row) == len(CATALOGUE.fields) + len(RESOURCES) for row in grid.values())


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, Action, PolicyObject]:
    """Draws a request, mostly for a purpose the role acts for (where the lines are)."""
    role = draw(st.sampled_from(LOADED.roles))
    purposes = [*role.purposes, OPS] if draw(st.booleans()) else [p.code for p in LOADED.purposes]
    purpose = draw(st.sampled_from(purposes))
    return (
        role.name,
        purpose,
        draw(st.sampled_from(list(Action))),
        draw(st.sampled_from(LOADED.objects)),
    )


@settings(max_examples=200, deadline=None)
@given(request=requests())
def test_when_compiled_from_scoped_lines_then_verdicts_equal_the_full_casbin_enforcer(
    request: tuple[str, str, Action, PolicyObject],
) -> None:
    role, purpose, action, obj = request
    scoped = LOADED.scoped(role, purpose, action)
    fast = role_verdicts(scoped, [obj], role, purpose, action)
    assert fast == role_verdicts(LOADED.casbin, [obj], role, purpose, action)
