"""The notices catalogue: hashes computed from the exact text, versions, staleness, publishing."""

from __future__ import annotations

import copy
import hashlib
from datetime import date
from typing import Any

import pytest

from consent.errors import ConsentConfigError
from consent.notices import NoticeCatalogue, parse_notices, publish
from tests.unit.test_consent_support import BUMPED, NOTICES, PURPOSES, REWORDED, day, load


def test_when_loading_the_shipped_notices_then_each_hash_is_computed_from_its_text() -> None:
    for notice in NOTICES:
        assert notice.text_sha256 == hashlib.sha256(notice.text.encode("utf-8")).hexdigest()
        assert notice.name == f"{notice.purpose}-v1"
        assert "\n[" in notice.text  # Chinese first, then English


def test_when_loading_the_shipped_notices_then_every_purpose_has_its_first_notice() -> None:
    assert {n.purpose for n in NOTICES} == {s.code for s in PURPOSES}


def test_when_the_text_changes_by_one_character_then_the_hash_changes() -> None:
    data = copy.deepcopy(load("notices.yaml"))
    data["notices"][0]["text"] = data["notices"][0]["text"].replace("。", ".", 1)
    changed = parse_notices(data, PURPOSES).get("P01-v1")
    original = NOTICES.get("P01-v1")
    assert changed is not None
    assert original is not None
    assert changed.text_sha256 != original.text_sha256


def _notices_with(*entries: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(load("notices.yaml"))
    data["notices"].extend(entries)
    return data


def _entry(name: str, **changes: Any) -> dict[str, Any]:
    entry = {
        "name": name,
        "published_at": date(2026, 6, 1),
        "requires_reconsent": True,
        "text": "新版本。\nNew version.\n",
    }
    entry.update(changes)
    return entry


# (entries added to the shipped notices, words the error must contain)
BAD_NOTICES = [
    # a version skipped
    ([_entry("P05-v3")], ["P05-v3", "expected version 2"]),
    # a purpose that is not in the catalogue
    ([_entry("P99-v1")], ["P99-v1", "unknown purpose P99"]),
    # a name of the wrong shape
    ([_entry("P05 v2")], ["P05 v2", "name"]),
    # a hash typed in instead of computed
    ([_entry("P05-v2", text_sha256="00" * 32)], ["P05-v2", "text_sha256"]),
    # an empty text
    ([_entry("P05-v2", text="  ")], ["P05-v2", "text"]),
    # requires_reconsent as a string
    ([_entry("P05-v2", requires_reconsent="yes")], ["P05-v2", "requires_reconsent"]),
    # a date that is not a date
    ([_entry("P05-v2", published_at="soon")], ["P05-v2", "published_at"]),
    # a new version dated before the one it replaces
    ([_entry("P05-v2", published_at=date(2023, 1, 1))], ["P05-v2", "published before"]),
    # the same version twice
    ([_entry("P05-v1", requires_reconsent=False)], ["P05-v1", "expected version 2"]),
]


@pytest.mark.parametrize(("entries", "words"), BAD_NOTICES)
def test_when_a_notice_entry_is_wrong_then_the_error_names_it(
    entries: list[dict[str, Any]], words: list[str]
) -> None:
    with pytest.raises(ConsentConfigError) as caught:
        parse_notices(_notices_with(*entries), PURPOSES)
    for word in words:
        assert word in str(caught.value)


def test_when_a_purpose_has_no_notice_then_loading_the_notices_fails() -> None:
    data = copy.deepcopy(load("notices.yaml"))
    data["notices"] = [n for n in data["notices"] if n["name"] != "P07-v1"]
    with pytest.raises(ConsentConfigError, match="P07-v1 not published"):
        parse_notices(data, PURPOSES)


def test_when_a_first_version_claims_reconsent_then_it_is_refused() -> None:
    data = copy.deepcopy(load("notices.yaml"))
    data["notices"][0]["requires_reconsent"] = True
    with pytest.raises(ConsentConfigError, match="P01-v1"):
        parse_notices(data, PURPOSES)


# (catalogue, version asked about, at day, stale?)
STALE = [
    # the only version is never stale
    (NOTICES, "P05-v1", 100, False),
    # before the re-consent version takes effect (day 20, 00:00 China time)
    (BUMPED, "P05-v1", 19.6, False),
    # from 00:00 China time on its publication day
    (BUMPED, "P05-v1", 19.7, True),
    # the new version itself is current
    (BUMPED, "P05-v2", 100, False),
    # another purpose is not touched
    (BUMPED, "P06-v1", 100, False),
    # a reworded version asks nobody to consent again
    (REWORDED, "P05-v1", 100, False),
    # an unknown version fails closed
    (NOTICES, "P05-v7", 100, True),
]


@pytest.mark.parametrize(("notices", "name", "at", "stale"), STALE)
def test_when_a_later_version_requires_reconsent_then_earlier_ones_are_stale(
    notices: NoticeCatalogue, name: str, at: float, stale: bool
) -> None:
    assert notices.is_stale(name, day(at)) is stale


def test_when_publishing_then_the_next_version_is_current_from_its_date() -> None:
    v2 = BUMPED.get("P05-v2")
    assert v2 is not None
    assert v2.version == 2
    assert v2.requires_reconsent
    assert BUMPED.current("P05", day(10)) == NOTICES.get("P05-v1")
    assert BUMPED.current("P05", day(30)) == v2
    assert BUMPED.current("P05") == v2
    assert NOTICES.get("P05-v2") is None  # publishing never mutates the catalogue it was given


def test_when_publishing_a_version_dated_earlier_than_the_last_then_it_is_refused() -> None:
    with pytest.raises(ConsentConfigError, match="published before"):
        publish(
            BUMPED, purpose="P05", text="x", published_at=date(2026, 1, 1), requires_reconsent=True
        )
