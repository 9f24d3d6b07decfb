"""The purposes catalogue: the shipped terms, the order of consent forms, bad entries named."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from consent.errors import ConsentConfigError
from consent.purposes import ConsentType, LegalBasis, RecipientRule, parse_purposes
from tests.unit.test_consent_support import PURPOSES, load

NONE, CONSENT, SEPARATE = ConsentType.NONE, ConsentType.CONSENT, ConsentType.SEPARATE
WRITTEN, GUARDIAN = ConsentType.WRITTEN, ConsentType.GUARDIAN

# (purpose, basis, form a grant needs, validity in days, recipient rule) per DOMAIN §7
SHIPPED = [
    # account opening rests on the contract: nothing to grant, no expiry
    ("P01", LegalBasis.CONTRACT, NONE, None, RecipientRule.NONE),
    # AML/KYC is a legal obligation
    ("P02", LegalBasis.LEGAL_OBLIGATION, NONE, None, RecipientRule.NONE),
    # risk management rests on the contract (and a PIA), not on consent
    ("P03", LegalBasis.CONTRACT, NONE, None, RecipientRule.NONE),
    # credit reference: written consent under the credit reporting regulation
    ("P04", LegalBasis.CONSENT, WRITTEN, 365, RecipientRule.NONE),
    # tiering uses AUM and balances (sensitive PI): separate consent
    ("P05", LegalBasis.CONSENT, SEPARATE, 730, RecipientRule.NONE),
    # personalised marketing targets on AUM-derived segments: separate consent
    ("P06", LegalBasis.CONSENT, SEPARATE, 365, RecipientRule.NONE),
    # contact channels: plain opt-in
    ("P07", LegalBasis.CONSENT, CONSENT, 365, RecipientRule.NONE),
    # provision to third parties: separate, naming the recipient
    ("P08", LegalBasis.CONSENT, SEPARATE, 365, RecipientRule.DOMESTIC),
    # entrusted processing: the processor's contract, no consent from the subject
    ("P09", LegalBasis.ENTRUSTED, NONE, None, RecipientRule.NONE),
    # cross-border: separate, naming the overseas recipient and country
    ("P10", LegalBasis.CONSENT, SEPARATE, 365, RecipientRule.OVERSEAS),
    # public disclosure: separate
    ("P11", LegalBasis.CONSENT, SEPARATE, 365, RecipientRule.NONE),
    # biometrics: separate
    ("P12", LegalBasis.CONSENT, SEPARATE, 730, RecipientRule.NONE),
    # children under 14: guardian consent
    ("P13", LegalBasis.CONSENT, GUARDIAN, 365, RecipientRule.NONE),
    # market research: plain consent
    ("P14", LegalBasis.CONSENT, CONSENT, 365, RecipientRule.NONE),
    # statistics on pseudonymised financial data: as P05
    ("P15", LegalBasis.CONSENT, SEPARATE, 730, RecipientRule.NONE),
]


@pytest.mark.parametrize(("code", "basis", "kind", "days", "recipient"), SHIPPED)
def test_when_loading_the_shipped_purposes_then_each_has_its_domain_terms(
    code: str,
    basis: LegalBasis,
    kind: ConsentType,
    days: int | None,
    recipient: RecipientRule,
) -> None:
    spec = PURPOSES.get(code)
    assert spec is not None
    assert (spec.legal_basis, spec.consent_type, spec.validity_days) == (basis, kind, days)
    assert spec.recipient is recipient
    assert spec.refusal_cooldown_days == (180 if spec.needs_consent else 0)
    assert spec.notice == f"{code}-v1"


def test_when_loading_the_shipped_purposes_then_there_are_exactly_fifteen() -> None:
    assert [s.code for s in PURPOSES] == [f"P{n:02}" for n in range(1, 16)]


# (form given, form required, enough?)
SATISFIES = [
    # the same form is enough
    (CONSENT, CONSENT, True),
    # separate consent covers a plain-consent purpose
    (SEPARATE, CONSENT, True),
    # written covers separate
    (WRITTEN, SEPARATE, True),
    # plain consent is too weak for a separate-consent purpose
    (CONSENT, SEPARATE, False),
    # separate is too weak where writing is required
    (SEPARATE, WRITTEN, False),
    # a guardian's consent is its own step: it covers separate
    (GUARDIAN, SEPARATE, True),
    # but not writing: a guardian signing a form records `written`
    (GUARDIAN, WRITTEN, False),
    # a guardian purpose takes only a guardian's consent, however strong the subject's
    (WRITTEN, GUARDIAN, False),
    # a guardian's consent meets a guardian purpose
    (GUARDIAN, GUARDIAN, True),
    # anything meets a purpose that needs no consent
    (CONSENT, NONE, True),
    # no consent meets nothing that needs one
    (NONE, CONSENT, False),
]


@pytest.mark.parametrize(("given", "required", "enough"), SATISFIES)
def test_when_comparing_consent_forms_then_stronger_satisfies_weaker(
    given: ConsentType, required: ConsentType, enough: bool
) -> None:
    assert given.satisfies(required) is enough


def _purposes_with(position: int, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(load("purposes.yaml"))
    entry = data["purposes"][position - 1]
    for key, value in changes.items():
        if value is None and key != "validity_days":
            entry.pop(key, None)
        else:
            entry[key] = value
    return data


# (position of the entry changed, change, words the error must contain)
BAD_PURPOSES = [
    # a consent type that does not exist
    (5, {"consent_type": "strong"}, ["purposes #5 (P05)", "consent_type 'strong'"]),
    # a contract purpose that asks for consent
    (1, {"consent_type": "separate"}, ["purposes #1 (P01)", "basis is not consent"]),
    # a consent purpose that needs no consent
    (6, {"consent_type": "none"}, ["purposes #6 (P06)", "basis is not consent"]),
    # a basis outside the four the bank uses
    (4, {"legal_basis": "legitimate_interest"}, ["(P04)", "legal_basis"]),
    # a negative validity
    (7, {"validity_days": -1}, ["(P07)", "validity_days"]),
    # validity given as text
    (7, {"validity_days": "one year"}, ["(P07)", "validity_days"]),
    # YAML true is not a number of days
    (7, {"refusal_cooldown_days": True}, ["(P07)", "refusal_cooldown_days"]),
    # the cooldown left out
    (8, {"refusal_cooldown_days": None}, ["(P08)", "refusal_cooldown_days missing"]),
    # a notice of another purpose
    (5, {"notice": "P06-v1"}, ["(P05)", "P05-v<N>"]),
    # a notice name of the wrong shape
    (5, {"notice": "P05 v1"}, ["(P05)", "P05-v<N>"]),
    # a code of the wrong shape
    (3, {"code": "3"}, ["purposes #3 (3)", "code"]),
    # the Chinese name left out
    (2, {"name_zh": None}, ["(P02)", "name_zh"]),
    # a recipient rule that does not exist
    (8, {"recipient": "moon"}, ["(P08)", "recipient 'moon'"]),
    # the same code twice
    (6, {"code": "P05", "notice": "P05-v1"}, ["purposes #6", "P05 defined twice"]),
]


@pytest.mark.parametrize(("position", "changes", "words"), BAD_PURPOSES)
def test_when_a_purpose_entry_is_wrong_then_the_error_names_it(
    position: int, changes: dict[str, Any], words: list[str]
) -> None:
    with pytest.raises(ConsentConfigError) as caught:
        parse_purposes(_purposes_with(position, **changes))
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [
        # no list at all
        {"version": 1},
        # an empty list
        {"purposes": []},
        # an entry that is not a mapping
        {"purposes": ["P01"]},
    ],
)
def test_when_the_purposes_file_has_no_entries_then_it_is_refused(data: dict[str, Any]) -> None:
    with pytest.raises(ConsentConfigError):
        parse_purposes(data)
