"""Campaigns and the closed loop (issue 8 part 6; README "Campaigns").

A campaign binds a segment run's audience snapshot to a channel and a content id. Its recipients
are the run's marketing-domain pseudonyms; no campaign table ever holds a customer id or an
address. Design decisions:

- **Pseudonym resolution.** A pseudonym is a keyed HMAC with no inverse, and no mapping is stored.
  When the platform needs the customer behind a recipient (send, opt-out, report) it recomputes
  the marketing pseudonym of a bounded candidate set inside the transaction and matches: at send
  time the customers holding a granted consent for the purpose (the verdict is then checked per
  customer), for an opt-out every customer with a consent state for the purpose, for the report
  the masked view. The ids live only in memory for that call.
- **One audited batch.** A send runs every governed read in one transaction through a reader that
  has the consent check but no per-read observer, and records ONE `campaign:send` event naming the
  resolved subjects, the field read in clear, the purpose and the campaign (as ticket id); a
  policy refusal is one `campaign:send` deny. Addresses are returned to the caller (the delivery
  system) in memory and never written anywhere.
- **Consent per purpose and channel.** Consent is recorded per purpose. A recipient is sent to when
  the purpose's verdict is valid at the instant of sending and, if the deciding grant's `scope`
  names any campaign channel (`sms`, `email`, `app_push`, `phone`, `wechat`), the campaign's
  channel is among them; a grant without channel scope covers every channel.
- **Responses.** Idempotent on the channel's `response_id`. `opted_out` records a `withdraw` of the
  campaign's purpose by the subject, on the consent channel the campaign channel maps to
  (sms→sms, email→web, app_push→app, phone→call_center, wechat→wechat). The responders' masked
  rows are then refreshed in the same transaction, so their `campaign_response` label and the
  营销信息 response tags follow at once (the closed loop).
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from audit.tags import AuditTag, Decision
from cdp.auditing.recorder import AuditRecorder, principal_fields
from cdp.campaigns.tables import campaign_recipient_t, campaign_response_t, campaign_t
from cdp.consents import repository as consent_repo
from cdp.consents.service import ConsentLedger
from cdp.db.models import ConsentState, MaskedProfile, table_of
from cdp.governed.errors import AccessDenied
from cdp.governed.read import GovernedReader
from cdp.profiles.resolution import utcnow
from cdp.profiles.store import CustomerErased, CustomerNotFound
from cdp.segments.config import SegmentConfig
from cdp.segments.service import suppress
from cdp.segments.tables import segment_audience_t, segment_run_t, segment_version_t
from consent.fold import ConsentStatus
from consent.parsing import DEFAULT_SKEW
from governance.decision import Access, Action, Principal
from governance.engine import PolicyEngine
from governance.objects import OPERATIONAL_PURPOSE
from masking.pseudonyms import Pseudonymiser

masked_t: Table = table_of(MaskedProfile)
consent_state_t: Table = table_of(ConsentState)

CHANNELS = ("sms", "email", "app_push", "phone", "wechat")
# the profile field a channel's address is read from (the app and WeChat accounts are bound to
# the registered mobile number; policy lets campaign_delivery read mobile and email only)
ADDRESS_FIELD = {
    "sms": "mobile",
    "phone": "mobile",
    "app_push": "mobile",
    "wechat": "mobile",
    "email": "email",
}
# the consent-ledger channel an opt-out arrives through, per campaign channel
CONSENT_CHANNEL = {
    "sms": "sms",
    "email": "web",
    "app_push": "app",
    "phone": "call_center",
    "wechat": "wechat",
}
CONTACT_PURPOSES = ("P07",)  # a campaign contacts customers: only for the contact purpose
KINDS = ("delivered", "opened", "converted", "opted_out")
STATUSES = (
    "pending",
    "sent",
    "skipped_consent",
    "unreachable",
    "delivered",
    "opened",
    "converted",
    "opted_out",
)
REACHED = frozenset({"sent", "delivered", "opened", "converted", "opted_out"})
RANK = {"sent": 1, "delivered": 2, "opened": 3, "converted": 4}  # opted_out is terminal
CONTENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}")
RESPONSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
CAMPAIGN_ID = re.compile(r"[0-9a-f]{32}")
PSEUDONYM = re.compile(r"[0-9a-f]{32}")
REPORT_BY = ("aum_tier", "lifecycle_stage")
UNKNOWN = "unknown"
BATCH = 20_000
OPT_OUT_NAMESPACE = uuid.UUID("6f1d8a52-3c2e-4f0b-9a57-0c1e2d3f4a5b")


class CampaignError(Exception):
    """A campaign operation was refused; `code` is a stable reason. The caller commits the
    transaction (a denial's audit record must stay) unless `rolls_back` says the operation
    wrote something it must not keep."""

    code = "campaign_error"
    rolls_back = False


class CampaignNotFound(CampaignError):
    code = "campaign_not_found"


class CampaignInvalid(CampaignError):
    code = "campaign_invalid"


class CampaignDenied(CampaignError):
    code = "campaign_denied"


class OptOutNotRecorded(CampaignError):
    """The ledger refused an opt-out's withdrawal; the whole response batch is rolled back."""

    code = "opt_out_not_recorded"
    rolls_back = True


class AlreadySent(CampaignError):
    code = "campaign_already_sent"


@dataclass(frozen=True, slots=True)
class Campaign:
    campaign_id: str
    run_id: str
    purpose: str
    channel: str
    content_id: str
    created_by: str
    created_at: datetime
    sent_at: datetime | None
    recipients: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """One address to send to: held in memory by the caller, never persisted."""

    pseudonym: str
    address: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SendResult:
    campaign_id: str
    channel: str
    at: datetime
    deliveries: tuple[Delivery, ...] = field(repr=False)
    skipped_consent: int = 0
    unreachable: int = 0


@dataclass(frozen=True, slots=True)
class ResponseResult:
    position: int
    response_id: str | None
    status: str  # recorded | duplicate | rejected
    reason: str | None = None


class CampaignService:
    """Campaigns for one platform: segments config, policy, consent ledger, reader, audit."""

    def __init__(
        self,
        *,
        config: SegmentConfig,
        policy: PolicyEngine,
        pseudonyms: Pseudonymiser,
        consents: ConsentLedger,
        reader: GovernedReader,
        audit: AuditRecorder,
        clock: Callable[[], datetime] = utcnow,
        on_responses: Callable[[Connection, Sequence[str]], object] | None = None,
    ) -> None:
        self._config = config
        self._policy = policy
        self._pseudonyms = pseudonyms
        self._consents = consents
        self._reader = reader  # consent check, no per-read observer: the send audits the batch
        self._audit = audit
        self._clock = clock
        self._domain = config.audience_domain
        self._on_responses = on_responses  # refreshes the responders' masked rows (their tags)

    # -- create / show / export ----------------------------------------------------------------

    def create(
        self, conn: Connection, principal: Principal, run_id: str, channel: str, content_id: str
    ) -> Campaign:
        """Binds a run's audience to a channel and content; every recipient starts `pending`."""
        if channel not in CHANNELS:
            raise CampaignInvalid(f"channel: one of {', '.join(CHANNELS)}")
        if not isinstance(content_id, str) or not CONTENT_ID.fullmatch(content_id):
            raise CampaignInvalid("content id: letters, digits and _ . : / - (1-64)")
        run = conn.execute(
            select(segment_run_t.c.purpose, segment_version_t.c.attributes)
            .join(
                segment_version_t,
                (segment_version_t.c.segment_id == segment_run_t.c.segment_id)
                & (segment_version_t.c.version == segment_run_t.c.version),
            )
            .where(segment_run_t.c.run_id == run_id)
        ).first()
        if run is None:
            raise CampaignNotFound("no such segment run")
        purpose, attributes = run[0], frozenset(run[1])
        self._authorise(conn, principal, AuditTag.CAMPAIGN_CREATE, purpose, attributes)
        if purpose not in CONTACT_PURPOSES:
            raise CampaignInvalid(
                f"a campaign contacts customers: its run must be for P07, not {purpose}"
            )
        now = self._clock()
        campaign_id = uuid.uuid4().hex
        conn.execute(
            insert(campaign_t).values(
                campaign_id=campaign_id,
                run_id=run_id,
                purpose=purpose,
                channel=channel,
                content_id=content_id,
                created_by=principal.id,
                created_at=now,
            )
        )
        audience = list(
            conn.scalars(
                select(segment_audience_t.c.pseudonym).where(segment_audience_t.c.run_id == run_id)
            )
        )
        for start in range(0, len(audience), BATCH):
            conn.execute(
                insert(campaign_recipient_t),
                [
                    {
                        "campaign_id": campaign_id,
                        "pseudonym": p,
                        "status": "pending",
                        "updated_at": now,
                    }
                    for p in audience[start : start + BATCH]
                ],
            )
        self._audit.record(
            conn,
            AuditTag.CAMPAIGN_CREATE,
            Decision.ALLOW,
            **principal_fields(principal),
            purpose=purpose,
            record_count=len(audience),
            reason=f"campaign {channel} content {content_id} from run {run_id}",
            ticket_id=campaign_id,
        )
        return self.show(conn, campaign_id)

    def show(self, conn: Connection, campaign_id: str) -> Campaign:
        c = campaign_t
        row = conn.execute(select(c).where(c.c.campaign_id == campaign_id)).first()
        if row is None:
            raise CampaignNotFound("no such campaign")
        count = len(self._statuses(conn, campaign_id))
        return Campaign(
            row.campaign_id,
            row.run_id,
            row.purpose,
            row.channel,
            row.content_id,
            row.created_by,
            row.created_at,
            row.sent_at,
            count,
        )

    def export(self, conn: Connection, principal: Principal, campaign_id: str) -> list[str]:
        """The audience as marketing-domain pseudonyms only, sorted (audited as an export)."""
        found = self.show(conn, campaign_id)
        self._authorise(conn, principal, AuditTag.EXPORT, found.purpose, frozenset())
        pseudonyms = sorted(self._statuses(conn, campaign_id))
        self._audit.record(
            conn,
            AuditTag.EXPORT,
            Decision.ALLOW,
            **principal_fields(principal),
            purpose=found.purpose,
            record_count=len(pseudonyms),
            reason=f"campaign audience ({self._domain} pseudonyms)",
            ticket_id=campaign_id,
        )
        return pseudonyms

    # -- send -------------------------------------------------------------------------------------

    def send(self, conn: Connection, principal: Principal, campaign_id: str) -> SendResult:
        """Resolves the pending recipients' addresses in one audited batch, consent checked now.

        Run it in one transaction: the statuses, `sent_at` and the single audit event commit
        together. Returns the addresses in memory; nothing about them is stored.
        """
        found = self.show(conn, campaign_id)
        purpose, channel = found.purpose, found.channel
        address_field = ADDRESS_FIELD[channel]
        decision = self._policy.decide(principal, purpose, [address_field], Action.READ)
        granted = decision.fields.get(address_field)
        if decision.denied or granted is None or granted.access is not Access.CLEAR:
            reason = str(decision.reason or "resource_denied")
            self._audit.record(
                conn,
                AuditTag.CAMPAIGN_SEND,
                Decision.DENY,
                **principal_fields(principal),
                purpose=purpose,
                reason=reason,
                ticket_id=campaign_id,
            )
            raise CampaignDenied(f"not permitted to read {address_field} for {purpose}")
        if found.sent_at is not None:
            raise AlreadySent("the campaign was sent already")
        at = self._clock()
        statuses = self._statuses(conn, campaign_id)
        pending = {p for p, s in statuses.items() if s == "pending"}
        granted_ids = conn.scalars(
            select(consent_state_t.c.customer_id).where(
                consent_state_t.c.purpose == purpose,
                consent_state_t.c.status == ConsentStatus.GRANTED.value,
            )
        )
        resolved = self._resolve(granted_ids, pending)
        valid: dict[str, str | None] = {}  # pseudonym -> deciding grant's event id
        for pseudonym, customer_id in resolved.items():
            verdict = self._consents.check(conn, customer_id, purpose)
            if verdict.valid:
                valid[pseudonym] = verdict.snapshot.event_id
        scoped_out = self._outside_scope(conn, purpose, channel, resolved, valid)
        deliveries: list[Delivery] = []
        sent_ids: list[str] = []
        new_status: dict[str, str] = dict.fromkeys(pending, "skipped_consent")
        for pseudonym in sorted(valid):
            if pseudonym in scoped_out:
                continue
            customer_id = resolved[pseudonym]
            try:
                read = self._reader.read(conn, principal, purpose, customer_id, [address_field])
            except AccessDenied:
                continue  # the consent check refused it after all: stays skipped_consent
            except (CustomerNotFound, CustomerErased):
                new_status[pseudonym] = "unreachable"
                continue
            value = read.fields[address_field].value
            if not value:
                new_status[pseudonym] = "unreachable"
                continue
            deliveries.append(Delivery(pseudonym, value))
            sent_ids.append(customer_id)
            new_status[pseudonym] = "sent"
        for status in ("sent", "skipped_consent", "unreachable"):
            chosen = [p for p, s in new_status.items() if s == status]
            for start in range(0, len(chosen), BATCH):
                conn.execute(
                    update(campaign_recipient_t)
                    .where(
                        campaign_recipient_t.c.campaign_id == campaign_id,
                        campaign_recipient_t.c.pseudonym.in_(chosen[start : start + BATCH]),
                    )
                    .values(status=status, updated_at=at)
                )
        conn.execute(
            update(campaign_t).where(campaign_t.c.campaign_id == campaign_id).values(sent_at=at)
        )
        counts = Counter(new_status.values())
        self._audit.record(
            conn,
            AuditTag.CAMPAIGN_SEND,
            Decision.ALLOW,
            **principal_fields(principal),
            purpose=purpose,
            channel=channel,
            customer_ids=tuple(sent_ids),
            record_count=len(sent_ids),
            fields_clear=(address_field,),
            reason=(
                f"sent {counts['sent']}, skipped_consent {counts['skipped_consent']}, "
                f"unreachable {counts['unreachable']}"
            ),
            ticket_id=campaign_id,
        )
        return SendResult(
            campaign_id,
            channel,
            at,
            tuple(deliveries),
            counts["skipped_consent"],
            counts["unreachable"],
        )

    def _outside_scope(
        self,
        conn: Connection,
        purpose: str,
        channel: str,
        resolved: Mapping[str, str],
        valid: Mapping[str, str | None],
    ) -> set[str]:
        """Recipients whose deciding grant is scoped to channels that exclude this one."""
        if not valid:
            return set()
        ids = [resolved[p] for p in valid]
        ledger = consent_repo.events_of(conn, ids, {(cid, purpose) for cid in ids})
        scope_of: dict[str, tuple[str, ...]] = {}
        for events in ledger.values():
            for doc in events:
                scope_of[str(doc.get("event_id"))] = tuple(doc.get("scope") or ())
        out: set[str] = set()
        for pseudonym, event_id in valid.items():
            named = {s for s in scope_of.get(str(event_id), ()) if s in CHANNELS}
            if named and channel not in named:
                out.add(pseudonym)
        return out

    # -- responses ------------------------------------------------------------------------------

    def record_responses(
        self, conn: Connection, principal: Principal, events: Sequence[Mapping[str, Any]]
    ) -> list[ResponseResult]:
        """Records channel responses (idempotent on response_id); opted_out withdraws consent."""
        decision = self._policy.decide(
            principal, OPERATIONAL_PURPOSE, ["consent.records"], Action.WRITE
        )
        found = decision.fields.get("consent.records")
        if decision.denied or found is None or found.access is Access.DENIED:
            self._audit.record(
                conn,
                AuditTag.CAMPAIGN_RESPONSE,
                Decision.DENY,
                **principal_fields(principal),
                reason=str(decision.reason or "resource_denied"),
            )
            raise CampaignDenied("not permitted to record campaign responses")
        now = self._clock()
        results: list[ResponseResult] = []
        campaigns: dict[str, Campaign | None] = {}
        recipients: dict[str, dict[str, str]] = {}
        opt_outs: list[tuple[str, str, datetime, str]] = []  # campaign, pseudonym, at, response id
        responders: dict[str, set[str]] = {}  # purpose -> pseudonyms with a recorded response
        seen: set[str] = set()
        for position, raw in enumerate(events):
            parsed = self._parse_response(raw, now)
            if isinstance(parsed, str):
                rid = raw.get("response_id") if isinstance(raw, Mapping) else None
                results.append(
                    ResponseResult(
                        position, rid if isinstance(rid, str) else None, "rejected", parsed
                    )
                )
                continue
            rid, cid, pseudonym, kind, at = parsed
            if cid not in campaigns:
                try:
                    campaigns[cid] = self.show(conn, cid)
                    recipients[cid] = self._statuses(conn, cid)
                except CampaignNotFound:
                    campaigns[cid] = None
            campaign = campaigns[cid]
            if campaign is None:
                results.append(ResponseResult(position, rid, "rejected", "campaign_id: unknown"))
                continue
            if pseudonym not in recipients[cid]:
                results.append(
                    ResponseResult(position, rid, "rejected", "pseudonym: not a recipient")
                )
                continue
            stored = conn.execute(
                select(
                    campaign_response_t.c.campaign_id,
                    campaign_response_t.c.pseudonym,
                    campaign_response_t.c.kind,
                ).where(campaign_response_t.c.response_id == rid)
            ).first()
            if stored is not None or rid in seen:
                same = stored is None or tuple(stored) == (cid, pseudonym, kind)
                results.append(
                    ResponseResult(
                        position,
                        rid,
                        "duplicate" if same else "rejected",
                        None if same else "conflict: same response id, different content",
                    )
                )
                continue
            seen.add(rid)
            conn.execute(
                insert(campaign_response_t).values(
                    response_id=rid, campaign_id=cid, pseudonym=pseudonym, kind=kind, at=at
                )
            )
            current = recipients[cid][pseudonym]
            if current != "opted_out" and (
                kind == "opted_out" or RANK.get(kind, 0) > RANK.get(current, 0)
            ):
                conn.execute(
                    update(campaign_recipient_t)
                    .where(
                        campaign_recipient_t.c.campaign_id == cid,
                        campaign_recipient_t.c.pseudonym == pseudonym,
                    )
                    .values(status=kind, updated_at=now)
                )
                recipients[cid][pseudonym] = kind
            if kind == "opted_out":
                opt_outs.append((cid, pseudonym, at, rid))
            responders.setdefault(campaign.purpose, set()).add(pseudonym)
            results.append(ResponseResult(position, rid, "recorded"))
        resolved = self._customers_of(conn, responders)
        self._withdraw(conn, campaigns, opt_outs, resolved)
        if self._on_responses is not None and resolved:
            self._on_responses(conn, sorted(set(resolved.values())))
        counts = Counter(r.status for r in results)
        self._audit.record(
            conn,
            AuditTag.CAMPAIGN_RESPONSE,
            Decision.ALLOW,
            **principal_fields(principal),
            record_count=counts["recorded"],
            reason=(
                f"recorded {counts['recorded']}, duplicate {counts['duplicate']}, "
                f"rejected {counts['rejected']}, opted_out {len(opt_outs)}"
            ),
        )
        return results

    def _parse_response(self, raw: Any, now: datetime) -> tuple[str, str, str, str, datetime] | str:
        if not isinstance(raw, Mapping):
            return "response: an object"
        rid, cid, pseudonym, kind = (
            raw.get("response_id"),
            raw.get("campaign_id"),
            raw.get("pseudonym"),
            raw.get("kind"),
        )
        if not isinstance(rid, str) or not RESPONSE_ID.fullmatch(rid):
            return "response_id: letters, digits and _ . : - (1-64)"
        if not isinstance(cid, str) or not CAMPAIGN_ID.fullmatch(cid):
            return "campaign_id: 32 hex digits"
        if not isinstance(pseudonym, str) or not PSEUDONYM.fullmatch(pseudonym):
            return "pseudonym: 32 hex digits"
        if kind not in KINDS:
            return f"kind: one of {', '.join(KINDS)}"
        given = raw.get("at")
        if given is None:
            return rid, cid, pseudonym, str(kind), now
        try:
            at = given if isinstance(given, datetime) else datetime.fromisoformat(str(given))
        except ValueError:
            return "at: an ISO 8601 instant with offset"
        if at.tzinfo is None:
            return "at: an ISO 8601 instant with offset"
        if at > now + DEFAULT_SKEW:  # as the consent ledger: an opt-out must become a withdrawal
            return "at: in the future (beyond the 5-minute clock-skew allowance)"
        return rid, cid, pseudonym, str(kind), at.astimezone(UTC)

    def _withdraw(
        self,
        conn: Connection,
        campaigns: Mapping[str, Campaign | None],
        opt_outs: Sequence[tuple[str, str, datetime, str]],
        resolved: Mapping[tuple[str, str], str],
    ) -> None:
        """Records each opt-out as the subject's withdrawal of the campaign's purpose."""
        docs: list[dict[str, Any]] = []
        for cid, pseudonym, at, rid in opt_outs:
            campaign = campaigns[cid]
            if campaign is None:
                continue
            customer_id = resolved.get((campaign.purpose, pseudonym))
            if customer_id is None:
                continue  # no consent state for the purpose: nothing to withdraw
            docs.append(
                {
                    "event_id": str(uuid.uuid5(OPT_OUT_NAMESPACE, f"{cid}/{rid}")),
                    "customer": {"customer_id": customer_id},
                    "purpose": campaign.purpose,
                    "action": "withdraw",
                    "channel": CONSENT_CHANNEL[campaign.channel],
                    "actor": {"kind": "subject"},
                    "occurred_at": at.isoformat(),
                }
            )
        if docs:
            refused = [r for r in self._consents.record(conn, docs) if r.status == "rejected"]
            if refused:  # fail closed: no opt-out is recorded while the consent stays granted
                raise OptOutNotRecorded(
                    f"the consent ledger refused {len(refused)} opt-out withdrawal(s):"
                    f" {refused[0].field}: {refused[0].reason}"
                )

    def _customers_of(
        self, conn: Connection, by_purpose: Mapping[str, set[str]]
    ) -> dict[tuple[str, str], str]:
        """(purpose, pseudonym) -> customer id, among the customers with a consent state for the
        purpose (every recipient was granted it when sent to); unmatched pseudonyms are left out."""
        resolved: dict[tuple[str, str], str] = {}
        for purpose, wanted in by_purpose.items():
            ids = conn.scalars(
                select(consent_state_t.c.customer_id).where(consent_state_t.c.purpose == purpose)
            )
            for pseudonym, match in self._resolve(ids, wanted).items():
                resolved[(purpose, pseudonym)] = match
        return resolved

    # -- report ---------------------------------------------------------------------------------

    def report(
        self, conn: Connection, principal: Principal, campaign_id: str, k: int | None = None
    ) -> dict[str, Any]:
        """Counts by status and conversion by AUM tier and lifecycle stage; cells below k hidden."""
        k = self._config.min_group_size if k is None else k
        if type(k) is not int or k < self._config.min_group_size:
            raise CampaignInvalid(f"k must be an integer >= {self._config.min_group_size}")
        found = self.show(conn, campaign_id)
        self._authorise(conn, principal, AuditTag.EXPORT, found.purpose, frozenset(REPORT_BY))
        statuses = self._statuses(conn, campaign_id)
        size = len(statuses)
        suppressed = size < k
        by_status = Counter(statuses.values())
        report: dict[str, Any] = {
            "campaign_id": campaign_id,
            "purpose": found.purpose,
            "channel": found.channel,
            "content_id": found.content_id,
            "k": k,
            "size": None if suppressed else size,
            "suppressed": suppressed,
            "status": {} if suppressed else suppress(by_status, k, total_shown=True),
            "conversion": {column: {} for column in REPORT_BY},
        }
        if not suppressed:
            reached: dict[str, Counter[str]] = {column: Counter() for column in REPORT_BY}
            converted: dict[str, Counter[str]] = {column: Counter() for column in REPORT_BY}
            mint = self._pseudonyms.pseudonym
            rows = conn.execute(
                select(masked_t.c.customer_id, *(masked_t.c[col] for col in REPORT_BY))
            )
            for row in rows:
                status = statuses.get(mint(self._domain, row[0]))
                if status not in REACHED:
                    continue
                for position, column in enumerate(REPORT_BY, start=1):
                    cell = row[position] or UNKNOWN
                    reached[column][cell] += 1
                    if status == "converted":
                        converted[column][cell] += 1
            for column in REPORT_BY:
                shown_reached = suppress(reached[column], k, total_shown=False)
                shown_converted = suppress(
                    {c: converted[column][c] for c in reached[column]}, k, total_shown=False
                )
                report["conversion"][column] = {
                    cell: {
                        "reached": n,
                        "converted": shown_converted[cell],
                        "rate": (
                            round(shown_converted[cell] / n, 4)  # type: ignore[operator]
                            if n and shown_converted[cell] is not None
                            else None
                        ),
                    }
                    for cell, n in shown_reached.items()
                }
        self._audit.record(
            conn,
            AuditTag.EXPORT,
            Decision.ALLOW,
            **principal_fields(principal),
            purpose=found.purpose,
            reason=f"campaign report (k={k})",
            ticket_id=campaign_id,
        )
        return report

    # -- helpers --------------------------------------------------------------------------------

    def _statuses(self, conn: Connection, campaign_id: str) -> dict[str, str]:
        r = campaign_recipient_t
        query = select(r.c.pseudonym, r.c.status).where(r.c.campaign_id == campaign_id)
        return {str(p): str(s) for p, s in conn.execute(query)}

    def _resolve(self, customer_ids: Iterable[str], wanted: set[str]) -> dict[str, str]:
        """pseudonym -> customer id for the candidates whose marketing pseudonym is wanted."""
        mint, domain = self._pseudonyms.pseudonym, self._domain
        found: dict[str, str] = {}
        for customer_id in customer_ids:
            pseudonym = mint(domain, customer_id)
            if pseudonym in wanted:
                found[pseudonym] = customer_id
        return found

    def _authorise(
        self,
        conn: Connection,
        principal: Principal,
        tag: AuditTag,
        purpose: str,
        attributes: frozenset[str],
    ) -> None:
        """Needs the right to segment for the purpose (on the given attributes' fields)."""
        fields = self._config.fields_of(attributes) or ("birth_date",)  # any segment right
        decision = self._policy.decide(principal, purpose, list(fields), Action.SEGMENT)
        denied = decision.denied or any(d.access is Access.DENIED for d in decision.fields.values())
        if denied:
            self._audit.record(
                conn,
                tag,
                Decision.DENY,
                **principal_fields(principal),
                purpose=purpose,
                reason=str(decision.reason or "attribute_not_permitted"),
            )
            raise CampaignDenied(f"not permitted to run campaigns for {purpose}")


def build_service(platform: Any) -> CampaignService:
    """The service for a built platform (a quiet reader: the send audits its batch once)."""
    from cdp.bootstrap import policy_dir
    from cdp.consents.enforce import ConsentReadCheck
    from cdp.segments.config import load_segment_config

    reader = GovernedReader(
        policy=platform.policy,
        store=platform.store,
        catalogue=platform.catalogue,
        masks=platform.masks,
        checks=[ConsentReadCheck(platform.consents)],
        observers=(),
    )
    return CampaignService(
        config=load_segment_config(policy_dir(platform.settings)),
        policy=platform.policy,
        pseudonyms=platform.pseudonyms,
        consents=platform.consents,
        reader=reader,
        audit=platform.recorder,
        on_responses=platform.masked.refresh,
    )


__all__ = [
    "ADDRESS_FIELD",
    "CHANNELS",
    "CONSENT_CHANNEL",
    "KINDS",
    "AlreadySent",
    "Campaign",
    "CampaignDenied",
    "CampaignError",
    "CampaignInvalid",
    "CampaignNotFound",
    "CampaignService",
    "Delivery",
    "OptOutNotRecorded",
    "ResponseResult",
    "SendResult",
    "build_service",
]
