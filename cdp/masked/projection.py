"""One customer's masked row from their decrypted fields, consents and masked note (pure logic).

Nothing clear leaves this function: birth date, address and AUM become band, city and tier; the
customer id becomes the view domain's pseudonym (the id is kept only as the internal key).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from cdp.consents.stored import state_from_json
from cdp.db.bulk import RawJson
from cdp.masked.config import MaskingConfig
from cdp.masked.notes import NoteOutcome
from cdp.masked.repository import SourceRow
from consent.notices import NoticeCatalogue
from consent.purposes import PurposeCatalogue
from consent.verdict import verdict_from_state
from masking.generalise import city_of, parse_decimal
from masking.pseudonyms import Pseudonymiser

# Encrypted fields a refresh opens; plain ones come with the source row, the note on demand.
NO_TAGS = RawJson("[]")  # the segmentation issue fills these
FIELDS = ("birth_date", "home_address", "aum")


class Projector:
    """Builds masked rows; holds the pseudonymiser, generaliser and consent catalogue."""

    def __init__(
        self,
        *,
        config: MaskingConfig,
        pseudonyms: Pseudonymiser,
        purposes: PurposeCatalogue,
        notices: NoticeCatalogue,
    ):
        self._domain = config.view_domain
        self._general = config.generaliser
        self._pseudonyms = pseudonyms
        self._consent_purposes = {p.code: p for p in purposes if p.needs_consent}
        self._notices = notices
        self._no_grants = _encode(dict.fromkeys(self._consent_purposes, False))

    def row(
        self,
        source: SourceRow,
        values: Mapping[str, str | None],
        consents: Sequence[tuple[dict[str, Any], datetime]],
        note: NoteOutcome,
        now: datetime,
        today: date,
    ) -> dict[str, Any]:
        """Returns the masked_profile row of one customer as of `now` (`today` in China)."""
        birth = _date(values["birth_date"])
        age = self._general.age(birth, today)
        address, aum = values["home_address"], values["aum"]
        return {
            "customer_id": source.customer_id,
            "pseudonym": self._pseudonyms.pseudonym(self._domain, source.customer_id),
            "age_band": age.band if age else None,
            "is_minor_u14": age.under_14 if age else None,
            "is_minor_u18": age.under_18 if age else None,
            "gender": source.gender,
            "city": city_of(address) if address else None,
            "aum_tier": self._general.aum_tier(parse_decimal(aum)) if aum else None,
            "risk_level": source.risk_tolerance,
            "preferred_channel": source.preferred_channel,
            "consents": self._flags(consents, birth, now),
            "masked_note": note.masked,
            "note_detector": note.detector,
            "note_source": note.source,
            "tags": NO_TAGS,
            "lifecycle_stage": None,
            "profile_updated_at": source.profile_updated_at,
            "consent_updated_at": max((at for _, at in consents), default=None),
            "refreshed_at": now,
        }

    def consent_columns(
        self,
        customer_id: str,
        birth_date: str | None,
        consents: Sequence[tuple[dict[str, Any], datetime]],
        now: datetime,
    ) -> dict[str, Any]:
        """The columns a consent change touches: flags, their latest instant, the refresh time."""
        return {
            "consents": self._flags(consents, _date(birth_date), now),
            "consent_updated_at": max((at for _, at in consents), default=None),
            "refreshed_at": now,
            "customer_id": customer_id,
        }

    def _flags(
        self,
        consents: Sequence[tuple[dict[str, Any], datetime]],
        birth: date | None,
        now: datetime,
    ) -> RawJson:
        """Tells per consent-based purpose whether a valid grant covers processing now."""
        if not consents:
            return self._no_grants
        flags = dict.fromkeys(self._consent_purposes, False)
        for doc, _ in consents:
            spec = self._consent_purposes.get(doc["purpose"])
            if spec is not None:
                state = state_from_json(doc)
                flags[spec.code] = verdict_from_state(state, spec, self._notices, birth, now).valid
        return _encode(flags)


def _encode(flags: dict[str, bool]) -> RawJson:
    """Encodes the flags in catalogue order: json.dumps per row costs more than the insert."""
    pairs = ",".join(f'"{code}":{"true" if ok else "false"}' for code, ok in flags.items())
    return RawJson("{" + pairs + "}")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
