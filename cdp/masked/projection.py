"""One customer's masked row from their decrypted fields, consents and masked note (pure logic).

Nothing clear leaves this function: birth date, address and AUM become band, city and tier; the
activity amounts (transactions over 90 days, AUM 90 days ago) become a band, a trend and a
contribution band; dates become tenure years and a recency band (`masking.lifecycle`); campaign
responses become one responsiveness label (`masking.responses`); the customer id becomes the view
domain's pseudonym (the id is kept only as the internal key).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from cdp.consents.stored import state_from_json
from cdp.db.bulk import RawJson
from cdp.masked.config import MaskingConfig
from cdp.masked.notes import NoteOutcome
from cdp.masked.repository import SourceRow
from cdp.tags.compute import TagComputer
from consent.notices import NoticeCatalogue
from consent.purposes import PurposeCatalogue
from consent.verdict import verdict_from_state
from masking.generalise import city_of, parse_decimal
from masking.lifecycle import ActivityInputs
from masking.pseudonyms import Pseudonymiser

# Encrypted fields a refresh opens; plain ones come with the source row, the note on demand.
NO_TAGS = RawJson("[]")  # without a tag computer (tests of the projection alone)
FIELDS = ("birth_date", "home_address", "aum", "txn_amount_90d", "aum_90d_ago")


class Projector:
    """Builds masked rows; holds the pseudonymiser, generaliser and consent catalogue."""

    def __init__(
        self,
        *,
        config: MaskingConfig,
        pseudonyms: Pseudonymiser,
        purposes: PurposeCatalogue,
        notices: NoticeCatalogue,
        tags: TagComputer | None = None,
        response_domain: str | None = None,
    ):
        self._tags = tags
        self._domain = config.view_domain
        self._response_domain = response_domain  # None: responses are not labelled
        self._responses = config.responses
        self._general = config.generaliser
        self._lifecycle = config.lifecycle
        self._pseudonyms = pseudonyms
        self._consent_purposes = {p.code: p for p in purposes if p.needs_consent}
        self._notices = notices
        self._no_grants = _encode(dict.fromkeys(self._consent_purposes, False))

    def response_keys(self, customer_ids: Sequence[str]) -> dict[str, str]:
        """marketing pseudonym -> customer id, to look the customers' campaign responses up."""
        domain = self._response_domain
        if domain is None:
            return {}
        mint = self._pseudonyms.pseudonym
        return {mint(domain, cid): cid for cid in customer_ids}

    def row(
        self,
        source: SourceRow,
        values: Mapping[str, str | None],
        consents: Sequence[tuple[dict[str, Any], datetime]],
        note: NoteOutcome,
        now: datetime,
        today: date,
        deleted_tags: Collection[str] = (),
        responses: Mapping[str, datetime] | None = None,
    ) -> dict[str, Any]:
        """Returns the masked_profile row of one customer as of `now` (`today` in China); its
        tags are computed from the finished row, without the ones the customer deleted.
        `responses` holds the latest instant of each campaign response kind, if any."""
        birth = _date(values["birth_date"])
        age = self._general.age(birth, today)
        address, raw_aum, raw_txn = values["home_address"], values["aum"], values["txn_amount_90d"]
        raw_before = values["aum_90d_ago"]
        aum = parse_decimal(raw_aum) if raw_aum else None
        txn = parse_decimal(raw_txn) if raw_txn else None
        tier = self._general.aum_tier(aum)
        derived = self._lifecycle.derive(
            ActivityInputs(
                source.open_date,
                None if aum is None else float(aum),
                _amount(raw_before),
                source.last_login_date,
                source.logins_30d,
                source.logins_90d,
                source.txns_30d,
                source.txns_90d,
                None if txn is None else float(txn),
                tier,
            ),
            today,
        )
        masked = {
            "customer_id": source.customer_id,
            "pseudonym": self._pseudonyms.pseudonym(self._domain, source.customer_id),
            "age_band": age.band if age else None,
            "is_minor_u14": age.under_14 if age else None,
            "is_minor_u18": age.under_18 if age else None,
            "gender": source.gender,
            "city": city_of(address) if address else None,
            "aum_tier": tier,  # the value tier (大众/贵宾/财富/私行)
            "risk_level": source.risk_tolerance,
            "preferred_channel": source.preferred_channel,
            "consents": self._flags(consents, birth, now),
            "masked_note": note.masked,
            "note_detector": note.detector,
            "note_source": note.source,
            "tags": NO_TAGS,
            "lifecycle_stage": derived.lifecycle_stage,
            "tenure_years": derived.tenure_years,
            "aum_trend": derived.aum_trend,
            "recency_band": derived.recency_band,
            "activity_level": derived.activity_level,
            "txn_amount_band": self._general.amount_band(txn),
            "products_held": source.products_held,
            "contribution_band": derived.contribution_band,
            "churn_risk": derived.churn_risk,
            "campaign_response": self._responses.label(responses, now),
            "profile_updated_at": source.profile_updated_at,
            "consent_updated_at": max((at for _, at in consents), default=None),
            "refreshed_at": now,
        }
        if self._tags is not None:
            masked["tags"] = self._tags.encoded(masked, deleted_tags)
        return masked

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


def _amount(value: str | None) -> float | None:
    """Reads a canonical amount for labelling only (None when absent or unreadable)."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None
