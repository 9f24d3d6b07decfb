"""Versioned notices (PIPL Art 17): the hash of the exact text shown, and when one goes stale."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from consent.clock import start_of
from consent.errors import ConsentConfigError
from consent.purposes import PurposeCatalogue, split_notice_name

_KEYS = frozenset({"name", "published_at", "requires_reconsent", "text"})


@dataclass(frozen=True, slots=True)
class Notice:
    """One published version of the notice for a purpose, e.g. `P05-v2`."""

    name: str
    purpose: str
    version: int
    text_sha256: str
    requires_reconsent: bool  # Art 14 ¶2: purpose, method or categories changed
    published_at: date
    text: str = field(repr=False)
    in_force_from: datetime = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "in_force_from", start_of(self.published_at))  # 00:00 in China


@dataclass(frozen=True)
class NoticeCatalogue:
    """Every notice version, with the look-ups the fold and the verdict need."""

    notices: tuple[Notice, ...]
    _by_name: dict[str, Notice] = field(init=False, repr=False, compare=False)
    _reconsent: dict[str, tuple[tuple[int, datetime], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {n.name: n for n in self.notices})
        bumps: dict[str, list[tuple[int, datetime]]] = {}
        for n in self.notices:
            if n.requires_reconsent:
                bumps.setdefault(n.purpose, []).append((n.version, n.in_force_from))
        object.__setattr__(self, "_reconsent", {p: tuple(v) for p, v in bumps.items()})

    def get(self, name: str) -> Notice | None:
        """Returns the notice version with this name, or None."""
        return self._by_name.get(name)

    def versions(self, purpose: str) -> tuple[Notice, ...]:
        """Returns a purpose's notice versions, oldest first."""
        return tuple(sorted((n for n in self.notices if n.purpose == purpose), key=_version))

    def current(self, purpose: str, at: datetime | None = None) -> Notice | None:
        """Returns the latest version in force at `at` (or ever): the one a channel must show."""
        live = [n for n in self.versions(purpose) if at is None or n.in_force_from <= at]
        return live[-1] if live else None

    def is_stale(self, name: str, at: datetime) -> bool:
        """Tells whether a later version requiring re-consent is in force at `at`; unknown: yes."""
        notice = self._by_name.get(name)
        if notice is None:
            return True
        for version, since in self._reconsent.get(notice.purpose, ()):
            if version > notice.version and since <= at:
                return True
        return False

    def __iter__(self) -> Iterator[Notice]:
        return iter(self.notices)


def text_sha256(text: str) -> str:
    """Hashes the exact text shown, so a grant proves which words the customer saw."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_notices(data: Mapping[str, Any], purposes: PurposeCatalogue) -> NoticeCatalogue:
    """Builds the catalogue from parsed notices.yaml, naming the first entry at fault."""
    items = data.get("notices") if isinstance(data, Mapping) else None
    if not isinstance(items, list) or not items:
        raise ConsentConfigError("notices", "no 'notices' list")
    found: list[Notice] = []
    for position, raw in enumerate(items, start=1):
        if not isinstance(raw, Mapping):
            raise ConsentConfigError(f"notices #{position}", "not a mapping")
        found.append(_notice(f"notices #{position} ({raw.get('name')})", raw, purposes))
    catalogue = NoticeCatalogue(())
    for notice in found:
        catalogue = _added(catalogue, notice)
    for spec in purposes:
        if catalogue.get(spec.notice) is None:
            raise ConsentConfigError(f"purpose {spec.code}", f"notice {spec.notice} not published")
    return catalogue


def publish(
    catalogue: NoticeCatalogue,
    *,
    purpose: str,
    text: str,
    published_at: date,
    requires_reconsent: bool,
) -> NoticeCatalogue:
    """Returns the catalogue with the purpose's next notice version added."""
    version = len(catalogue.versions(purpose)) + 1
    name = f"{purpose}-v{version}"
    notice = Notice(
        name, purpose, version, text_sha256(text), requires_reconsent, published_at, text
    )
    return _added(catalogue, notice)


def _added(catalogue: NoticeCatalogue, notice: Notice) -> NoticeCatalogue:
    earlier = catalogue.versions(notice.purpose)
    entry = f"notice {notice.name}"
    if len(earlier) + 1 != notice.version:
        raise ConsentConfigError(entry, f"expected version {len(earlier) + 1} of {notice.purpose}")
    if earlier and earlier[-1].published_at > notice.published_at:
        raise ConsentConfigError(entry, "published before the version it replaces")
    if notice.version == 1 and notice.requires_reconsent:
        raise ConsentConfigError(entry, "a first version has nothing to re-consent to")
    return NoticeCatalogue((*catalogue.notices, notice))


def _notice(entry: str, raw: Mapping[str, Any], purposes: PurposeCatalogue) -> Notice:
    unknown = sorted(str(k) for k in raw if k not in _KEYS)
    if unknown:
        raise ConsentConfigError(entry, f"unexpected key(s) {', '.join(unknown)}")
    name, text = raw.get("name"), raw.get("text")
    parts = split_notice_name(name) if isinstance(name, str) else None
    if parts is None or not isinstance(name, str):
        raise ConsentConfigError(entry, "name must look like P05-v1")
    if purposes.get(parts[0]) is None:
        raise ConsentConfigError(entry, f"unknown purpose {parts[0]}")
    if not isinstance(text, str) or not text.strip():
        raise ConsentConfigError(entry, "text must be the non-empty text shown")
    reconsent = raw.get("requires_reconsent")
    if not isinstance(reconsent, bool):
        raise ConsentConfigError(entry, "requires_reconsent must be true or false")
    published = _date(entry, raw.get("published_at"))
    return Notice(name, parts[0], parts[1], text_sha256(text), reconsent, published, text)


def _date(entry: str, value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConsentConfigError(entry, "published_at must be a date like 2026-01-01")


def _version(notice: Notice) -> int:
    return notice.version
