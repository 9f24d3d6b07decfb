"""The run-time consent filter of a segment run, in SQL (the consent core's verdict, set-wise).

A customer is kept when the consent projection (`consent_state`) holds, for the run's purpose:
status `granted`; `valid_until` unset or later than the run; a grant form that satisfies the
purpose's consent type (and SEPARATE consent when the rule uses sensitive-PI-derived attributes);
a notice version of that purpose that is not stale at the run (no later version requiring
re-consent in force). Refused, withdrawn, expired, stale and never-granted customers have no such
row. The form and notice lists come from the catalogues in Python and are bound as parameters.
Under-14s (the guardian rule) are excluded from every run before this filter applies.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Table, and_, exists, false, or_, select, true

from cdp.db.models import ConsentState, table_of
from consent.fold import ConsentStatus
from consent.notices import NoticeCatalogue
from consent.purposes import ConsentType, PurposeSpec

consent_state_t: Table = table_of(ConsentState)


def accepted_forms(purpose: PurposeSpec, *, sensitive: bool) -> tuple[str, ...]:
    """Grant forms that count for the purpose (SEPARATE at least when `sensitive`)."""
    forms = [kind for kind in ConsentType if kind.satisfies(purpose.consent_type)]
    if sensitive:
        forms = [kind for kind in forms if kind.satisfies(ConsentType.SEPARATE)]
    return tuple(kind.value for kind in forms)


def current_notices(
    purpose: PurposeSpec, notices: NoticeCatalogue, at: datetime
) -> tuple[str, ...]:
    """Notice versions of the purpose a grant may rest on at `at` (not stale)."""
    return tuple(
        n.name
        for n in notices.versions(purpose.code)
        if n.name.startswith(f"{purpose.code}-") and not notices.is_stale(n.name, at)
    )


def iso_utc(at: datetime) -> str:
    """The projection's timestamp text (`datetime.isoformat` in UTC), comparable as text."""
    return at.astimezone(UTC).isoformat()


def consent_filter(
    customer_id: ColumnElement[str],
    purpose: PurposeSpec,
    notices: NoticeCatalogue,
    at: datetime,
    *,
    sensitive: bool,
) -> ColumnElement[bool]:
    """EXISTS a valid grant for the purpose, correlated on `customer_id`."""
    if not purpose.needs_consent:
        return true()
    forms, versions = (
        accepted_forms(purpose, sensitive=sensitive),
        current_notices(purpose, notices, at),
    )
    if not forms or not versions:
        return false()
    cs = consent_state_t
    state = cs.c.state
    valid_until = state["valid_until"].as_string()
    return exists(
        select(cs.c.customer_id).where(
            cs.c.customer_id == customer_id,
            cs.c.purpose == purpose.code,
            cs.c.status == ConsentStatus.GRANTED.value,
            state["consent_type"].as_string().in_(forms),
            state["notice_version"].as_string().in_(versions),
            or_(valid_until.is_(None), valid_until > iso_utc(at)),
        )
    ).correlate_except(cs)


def minors_filter(table: Table, *, include_minors: bool) -> ColumnElement[bool]:
    """Adults of known age only; with `include_minors`, 14-17 too. Under-14s never."""
    if include_minors:
        return table.c.is_minor_u14 == false()
    return and_(table.c.is_minor_u18 == false(), table.c.is_minor_u14 == false())
