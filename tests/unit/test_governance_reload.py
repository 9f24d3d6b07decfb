"""Policy versions and reloads: atomic swaps, invalid files never replace a working policy."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace

import pytest

from governance.decision import Access, Decision
from governance.sources import PolicyInvalid
from tests.unit.test_governance_support import SHIPPED, appended, as_role, engine

FIELDS = ["mobile", "email", "aum", "id_number", "gender", "birth_date"]
CLERK = as_role("customer_service")

# Policy B gives customer service another answer for every field in FIELDS.
POLICY_B, _ = appended(
    "p, customer_service, profile.mobile, read, P01, allow",
    "p, customer_service, profile.email, read, P01, allow",
    "p, customer_service, profile.aum, read, P01, allow",
    "p, customer_service, profile.id_number, read, P01, allow",
    "p, customer_service, profile.gender, read, P01, deny",
    "p, customer_service, profile.birth_date, read_masked, P01, allow",
)


def answer(decision: Decision) -> tuple[str, dict[str, Access]]:
    """Reduces a decision to its version and per-field access."""
    return decision.policy_version, {name: d.access for name, d in decision.fields.items()}


def test_when_any_policy_file_changes_then_the_version_changes() -> None:
    edited = [
        replace(SHIPPED, model_conf=SHIPPED.model_conf + "\n"),
        replace(SHIPPED, policy_csv=SHIPPED.policy_csv + "# a comment\n"),
        replace(SHIPPED, roles_yaml=SHIPPED.roles_yaml + "\n"),
        replace(SHIPPED, purposes_yaml=SHIPPED.purposes_yaml + "\n"),
    ]
    versions = {texts.version for texts in [SHIPPED, *edited]}
    assert len(versions) == 5
    assert all(len(v) == 64 and int(v, 16) >= 0 for v in versions)
    assert engine().version == SHIPPED.version


def test_when_files_are_moved_between_fields_then_the_version_still_differs() -> None:
    moved = replace(SHIPPED, model_conf="", policy_csv=SHIPPED.model_conf + SHIPPED.policy_csv)
    plain = hashlib.sha256((SHIPPED.model_conf + SHIPPED.policy_csv).encode()).hexdigest()
    assert moved.version not in {SHIPPED.version, plain}


def test_when_reloaded_with_a_valid_policy_then_new_decisions_follow_it() -> None:
    policy = engine()
    before = policy.decide(CLERK, "P01", ["mobile"]).fields["mobile"].access
    assert policy.reload(POLICY_B) == POLICY_B.version
    after = policy.decide(CLERK, "P01", ["mobile"])
    assert (before, after.fields["mobile"].access) == (Access.MASKED, Access.CLEAR)
    assert after.policy_version == POLICY_B.version


def test_when_reloaded_with_an_invalid_policy_then_the_old_policy_stays_in_force() -> None:
    policy = engine()
    before = answer(policy.decide(CLERK, "P01", FIELDS))
    broken, number = appended(
        "p, customer_service, profile.mobile, read, P01, allow",
        "p, customer_service, profile.salary, read, P01, allow",
    )
    with pytest.raises(PolicyInvalid) as raised:
        policy.reload(broken)
    assert [p.line for p in raised.value.problems] == [number + 1]
    assert answer(policy.decide(CLERK, "P01", FIELDS)) == before
    assert policy.version == SHIPPED.version


def test_when_policy_is_swapped_under_concurrent_reads_then_each_read_sees_one_whole_policy() -> (
    None
):
    policy = engine()
    expected = {
        SHIPPED.version: answer(policy.decide(CLERK, "P01", FIELDS))[1],
        POLICY_B.version: answer(engine(POLICY_B).decide(CLERK, "P01", FIELDS))[1],
    }
    assert expected[SHIPPED.version] != expected[POLICY_B.version]
    stop = threading.Event()
    seen: list[tuple[str, dict[str, Access]]] = []
    failures: list[BaseException] = []

    def read() -> None:
        try:
            while not stop.is_set():
                seen.append(answer(policy.decide(CLERK, "P01", FIELDS)))
        except BaseException as exc:  # surfaced by the assertion below
            failures.append(exc)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for round_ in range(10):
        policy.reload(POLICY_B if round_ % 2 == 0 else SHIPPED)
    stop.set()
    for reader in readers:
        reader.join()
    assert not failures
    assert {version for version, _ in seen} == set(expected)
    assert all(fields == expected[version] for version, fields in seen)
