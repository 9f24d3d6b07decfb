"""Purposes of processing (DOMAIN §7): lawful basis, the consent a grant needs, and its terms."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from consent.errors import ConsentConfigError

_CODE = re.compile(r"P\d{2}")
_NOTICE = re.compile(r"(P\d{2})-v([1-9]\d*)")
_E = TypeVar("_E", bound=StrEnum)


class LegalBasis(StrEnum):
    """PIPL Art 13 bases the bank relies on; only `consent` needs a grant."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    ENTRUSTED = "entrusted"  # the bank's processor acting under Art 21


class ConsentType(StrEnum):
    """The form of consent (PIPL Art 14, 29, 31); stronger forms satisfy weaker ones."""

    NONE = "none"
    CONSENT = "consent"
    SEPARATE = "separate"
    WRITTEN = "written"
    GUARDIAN = "guardian"  # given by a parent or guardian for a child, as its own step

    def satisfies(self, required: ConsentType) -> bool:
        """Tells whether a grant of this form is enough for a purpose requiring `required`."""
        if required is ConsentType.GUARDIAN:
            return self is ConsentType.GUARDIAN
        return _RANK[self] >= _RANK[required]


# A child's data is sensitive PI (Art 28), so a guardian's grant ranks as separate consent; it is
# not written consent: a guardian signing a written form records `written` with a guardian actor.
_RANK = {
    ConsentType.NONE: 0,
    ConsentType.CONSENT: 1,
    ConsentType.SEPARATE: 2,
    ConsentType.GUARDIAN: 2,
    ConsentType.WRITTEN: 3,
}


class RecipientRule(StrEnum):
    """Whether a grant must name who receives the data (PIPL Art 23, 39)."""

    NONE = "none"
    DOMESTIC = "domestic"  # name and contact
    OVERSEAS = "overseas"  # name, contact and country


@dataclass(frozen=True, slots=True)
class PurposeSpec:
    """One purpose with what a grant for it must be and how long it lasts."""

    code: str
    name_zh: str
    name_en: str
    legal_basis: LegalBasis
    consent_type: ConsentType
    validity_days: int | None
    refusal_cooldown_days: int
    notice: str  # the version the catalogue was written with; NoticeCatalogue.current: the latest
    recipient: RecipientRule = RecipientRule.NONE

    @property
    def needs_consent(self) -> bool:
        """Tells whether processing for this purpose needs a valid grant."""
        return self.legal_basis is LegalBasis.CONSENT


@dataclass(frozen=True, slots=True)
class PurposeCatalogue:
    """The purposes by code, in file order."""

    by_code: Mapping[str, PurposeSpec]

    def get(self, code: str) -> PurposeSpec | None:
        """Returns the purpose with this code, or None."""
        return self.by_code.get(code)

    def __iter__(self) -> Iterator[PurposeSpec]:
        return iter(self.by_code.values())

    def __len__(self) -> int:
        return len(self.by_code)


def parse_purposes(data: Mapping[str, Any]) -> PurposeCatalogue:
    """Builds the catalogue from parsed purposes.yaml, naming the first entry at fault."""
    items = data.get("purposes") if isinstance(data, Mapping) else None
    if not isinstance(items, list) or not items:
        raise ConsentConfigError("purposes", "no 'purposes' list")
    specs: dict[str, PurposeSpec] = {}
    for position, raw in enumerate(items, start=1):
        entry = f"purposes #{position}"
        if not isinstance(raw, Mapping):
            raise ConsentConfigError(entry, "not a mapping")
        spec = _spec(f"{entry} ({raw.get('code')})", raw)
        if spec.code in specs:
            raise ConsentConfigError(entry, f"purpose {spec.code} defined twice")
        specs[spec.code] = spec
    return PurposeCatalogue(specs)


def split_notice_name(name: str) -> tuple[str, int] | None:
    """Splits `P05-v2` into ("P05", 2); None when the name has another shape."""
    match = _NOTICE.fullmatch(name)
    return (match.group(1), int(match.group(2))) if match else None


def _spec(entry: str, raw: Mapping[str, Any]) -> PurposeSpec:
    code = _text(entry, raw, "code")
    if not _CODE.fullmatch(code):
        raise ConsentConfigError(entry, "code must look like P01")
    basis = _choice(entry, raw, "legal_basis", LegalBasis)
    kind = _choice(entry, raw, "consent_type", ConsentType)
    if (basis is LegalBasis.CONSENT) == (kind is ConsentType.NONE):
        raise ConsentConfigError(
            entry, "consent_type is none exactly when the basis is not consent"
        )
    notice = _text(entry, raw, "notice")
    parts = split_notice_name(notice)
    if parts is None or parts[0] != code:
        raise ConsentConfigError(entry, f"notice must be named {code}-v<N>")
    return PurposeSpec(
        code=code,
        name_zh=_text(entry, raw, "name_zh"),
        name_en=_text(entry, raw, "name_en"),
        legal_basis=basis,
        consent_type=kind,
        validity_days=_days(entry, raw, "validity_days", optional=True),
        refusal_cooldown_days=_days(entry, raw, "refusal_cooldown_days", optional=False) or 0,
        notice=notice,
        recipient=_choice(entry, raw, "recipient", RecipientRule, RecipientRule.NONE),
    )


def _text(entry: str, raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConsentConfigError(entry, f"{key} must be a non-empty string")
    return value


def _choice(
    entry: str, raw: Mapping[str, Any], key: str, enum: type[_E], default: _E | None = None
) -> _E:
    value = raw.get(key)
    if value is None and default is not None:
        return default
    try:
        return enum(str(value))
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise ConsentConfigError(entry, f"{key} {value!r} not one of {allowed}") from None


def _days(entry: str, raw: Mapping[str, Any], key: str, *, optional: bool) -> int | None:
    if key not in raw:
        raise ConsentConfigError(entry, f"{key} missing")
    value = raw[key]
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConsentConfigError(entry, f"{key} must be a whole number of days >= 0")
    return value
