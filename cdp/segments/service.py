"""Segments: create (new version per re-create), list, show, publish (PIA id), run (audited).

Every operation takes the caller's connection and writes its audit event in that transaction.
A run evaluates the rule and the consent filter in one SQL statement over the masked view, keeps
adults only by default, k-suppresses every count it reports and stores the audience as
audience-domain pseudonyms computed from the customer ids inside the run (never the ids).
"""

from __future__ import annotations

import builtins
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update

from audit.tags import AuditTag, Decision
from cdp.auditing.recorder import AuditRecorder, principal_fields
from cdp.db.models import MaskedProfile, table_of
from cdp.profiles.resolution import utcnow
from cdp.rules import Rule, RuleInvalid, parse_rule, to_sql
from cdp.segments.config import SegmentConfig
from cdp.segments.consent_sql import consent_filter, minors_filter
from cdp.segments.tables import segment_audience_t, segment_run_t, segment_t, segment_version_t
from cdp.tags.repository import customers_who_deleted
from consent.notices import NoticeCatalogue
from consent.purposes import PurposeCatalogue
from governance.decision import Access, Action, Principal
from governance.engine import PolicyEngine
from masking.pseudonyms import Pseudonymiser

masked_t: Table = table_of(MaskedProfile)
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,99}")
PIA_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}")
BREAKDOWNS = ("aum_tier", "lifecycle_stage", "city")
UNKNOWN = "unknown"
AUDIENCE_BATCH = 20_000


class SegmentError(Exception):
    """A segment operation was refused; `code` is a stable reason."""

    code = "segment_error"


class SegmentNotFound(SegmentError):
    code = "segment_not_found"


class SegmentInvalid(SegmentError):
    code = "segment_invalid"


class SegmentDenied(SegmentError):
    code = "segment_denied"


class PiaRequired(SegmentError):
    code = "pia_required"


@dataclass(frozen=True, slots=True)
class SegmentVersion:
    """One stored definition (immutable) and its publication."""

    name: str
    version: int
    rule: dict[str, Any]
    attributes: tuple[str, ...]
    uses_sensitive: bool
    created_by: str
    created_at: datetime
    pia_id: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SegmentSummary:
    name: str
    latest_version: int
    uses_sensitive: bool
    published: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a run reports; counts below k are None. `audience` stays inside unless exported."""

    run_id: str
    segment: str
    version: int
    purpose: str
    at: datetime
    k: int
    size: int | None
    suppressed: bool
    include_minors: bool
    breakdowns: dict[str, dict[str, int | None]]
    audience_domain: str
    audience: tuple[str, ...] = field(repr=False, default=())

    def as_report(self) -> dict[str, Any]:
        """The shareable report: suppressed counts, no pseudonyms."""
        return {
            "run_id": self.run_id,
            "segment": self.segment,
            "version": self.version,
            "purpose": self.purpose,
            "at": self.at.isoformat(),
            "k": self.k,
            "size": self.size,
            "suppressed": self.suppressed,
            "include_minors": self.include_minors,
            "breakdowns": self.breakdowns,
            "audience_domain": self.audience_domain,
        }


def suppress(counts: Mapping[str, int], k: int, *, total_shown: bool) -> dict[str, int | None]:
    """Cells below k become None; when exactly one cell is hidden and the total is shown, the
    next smallest is hidden too, so no cell can be recovered by subtraction."""
    cells: dict[str, int | None] = {key: (n if n >= k else None) for key, n in counts.items()}
    hidden = [key for key, n in cells.items() if n is None]
    if total_shown and len(hidden) == 1:
        shown = sorted((n, key) for key, n in cells.items() if n is not None)
        if shown:
            cells[shown[0][1]] = None
    return dict(sorted(cells.items()))


class SegmentService:
    """Segments for one platform: whitelist, policy, consent catalogues, pseudonyms, audit."""

    def __init__(
        self,
        *,
        config: SegmentConfig,
        policy: PolicyEngine,
        purposes: PurposeCatalogue,
        notices: NoticeCatalogue,
        pseudonyms: Pseudonymiser,
        audit: AuditRecorder,
        clock: Callable[[], datetime] = utcnow,
        tag_attributes: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        if config.audience_domain not in pseudonyms.domains:
            raise ValueError("segments.yaml audience_domain is not a pseudonym domain")
        self.config = config
        self._policy = policy
        self._purposes = purposes
        self._notices = notices
        self._pseudonyms = pseudonyms
        self._audit = audit
        self._clock = clock
        self._tag_attributes = dict(tag_attributes or {})  # tag id -> attributes its rule reads

    # -- definitions ---------------------------------------------------------------------------

    def parse(self, rule: Any) -> Rule:
        """Validates a rule document against the whitelist (raises RuleInvalid)."""
        return parse_rule(rule, self.config.attributes)

    def create(
        self, conn: Connection, principal: Principal, name: str, rule_doc: Any
    ) -> SegmentVersion:
        """Stores a new segment, or a new version of an existing one (earlier ones unchanged)."""
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise SegmentInvalid("name: letters, digits, _ . - (1-100, starting with a letter)")
        rule_doc = json.loads(json.dumps(rule_doc, default=str))  # YAML dates -> "YYYY-MM-DD"
        rule = self.parse(rule_doc)
        self._authorise_any(conn, principal, rule, AuditTag.SEGMENT_CREATE)
        now = self._clock()
        found = conn.execute(select(segment_t.c.segment_id).where(segment_t.c.name == name)).first()
        if found is None:
            segment_id = uuid.uuid4().hex
            conn.execute(
                insert(segment_t).values(
                    segment_id=segment_id, name=name, created_by=principal.id, created_at=now
                )
            )
            version = 1
        else:
            segment_id = found[0]
            latest = conn.execute(
                select(func.max(segment_version_t.c.version)).where(
                    segment_version_t.c.segment_id == segment_id
                )
            ).scalar_one()
            version = (latest or 0) + 1
        attributes = tuple(sorted(rule.attributes))
        conn.execute(
            insert(segment_version_t).values(
                segment_id=segment_id,
                version=version,
                rule=rule_doc,
                attributes=list(attributes),
                uses_sensitive=rule.uses_sensitive,
                created_by=principal.id,
                created_at=now,
            )
        )
        self._audit.record(
            conn,
            AuditTag.SEGMENT_CREATE,
            Decision.ALLOW,
            **principal_fields(principal),
            reason=f"segment {name} v{version}",
            fields_clear=self.config.fields_of(rule.attributes),
        )
        return SegmentVersion(
            name, version, rule_doc, attributes, rule.uses_sensitive, principal.id, now
        )

    def list(self, conn: Connection) -> builtins.list[SegmentSummary]:
        """Every segment with its latest version."""
        s, v = segment_t, segment_version_t
        latest = (
            select(v.c.segment_id, func.max(v.c.version).label("version"))
            .group_by(v.c.segment_id)
            .subquery()
        )
        rows = conn.execute(
            select(s.c.name, v.c.version, v.c.uses_sensitive, v.c.published_at, s.c.created_at)
            .join(latest, latest.c.segment_id == s.c.segment_id)
            .join(v, (v.c.segment_id == s.c.segment_id) & (v.c.version == latest.c.version))
            .order_by(s.c.name)
        ).all()
        return [SegmentSummary(r[0], r[1], bool(r[2]), r[3] is not None, r[4]) for r in rows]

    def show(self, conn: Connection, name: str, version: int | None = None) -> SegmentVersion:
        """One version of a segment (the latest when not given)."""
        s, v = segment_t, segment_version_t
        query = (
            select(
                s.c.name,
                v.c.version,
                v.c.rule,
                v.c.attributes,
                v.c.uses_sensitive,
                v.c.created_by,
                v.c.created_at,
                v.c.pia_id,
                v.c.published_at,
            )
            .join(v, v.c.segment_id == s.c.segment_id)
            .where(s.c.name == name)
        )
        query = query.where(v.c.version == version) if version else query
        row = conn.execute(query.order_by(v.c.version.desc()).limit(1)).first()
        if row is None:
            raise SegmentNotFound(
                f"no segment {name!r}" + (f" version {version}" if version else "")
            )
        return SegmentVersion(
            row[0], row[1], row[2], tuple(row[3]), bool(row[4]), row[5], row[6], row[7], row[8]
        )

    def publish(
        self,
        conn: Connection,
        principal: Principal,
        name: str,
        pia_id: str | None,
        version: int | None = None,
    ) -> SegmentVersion:
        """Marks a version publishable for marketing; sensitive ones need a PIA id (Art 55)."""
        found = self.show(conn, name, version)
        rule = self.parse(found.rule)
        self._authorise_any(conn, principal, rule, AuditTag.SEGMENT_PUBLISH)
        if pia_id is not None and not PIA_ID.fullmatch(pia_id):
            raise SegmentInvalid("pia id: letters, digits and _ . : / - (1-64)")
        if found.uses_sensitive and not pia_id:
            self._audit.record(
                conn,
                AuditTag.SEGMENT_PUBLISH,
                Decision.DENY,
                **principal_fields(principal),
                reason=PiaRequired.code,
            )
            raise PiaRequired(f"{name} v{found.version} uses sensitive attributes: give --pia-id")
        now = self._clock()
        conn.execute(
            update(segment_version_t)
            .where(
                segment_version_t.c.segment_id
                == select(segment_t.c.segment_id).where(segment_t.c.name == name).scalar_subquery(),
                segment_version_t.c.version == found.version,
            )
            .values(pia_id=pia_id, published_by=principal.id, published_at=now)
        )
        self._audit.record(
            conn,
            AuditTag.SEGMENT_PUBLISH,
            Decision.ALLOW,
            **principal_fields(principal),
            reason=f"segment {name} v{found.version}",
            ticket_id=pia_id,
        )
        return self.show(conn, name, found.version)

    # -- runs -----------------------------------------------------------------------------------

    def run(
        self,
        conn: Connection,
        principal: Principal,
        name: str,
        purpose: str,
        *,
        version: int | None = None,
        include_minors: bool = False,
        k: int | None = None,
    ) -> RunResult:
        """Runs a segment for a purpose and stores its audience snapshot (one audit event)."""
        k = self.config.min_group_size if k is None else k
        if type(k) is not int or k < self.config.min_group_size:
            raise SegmentInvalid(f"k must be an integer >= {self.config.min_group_size}")
        spec = self._purposes.get(purpose)
        if spec is None or purpose not in self.config.purposes:
            raise SegmentInvalid(f"a run names one of {', '.join(self.config.purposes)}")
        found = self.show(conn, name, version)
        rule = self.parse(found.rule)
        self._authorise(conn, principal, rule, purpose, AuditTag.SEGMENT_RUN)
        if rule.uses_sensitive and not found.pia_id:
            self._deny(conn, principal, AuditTag.SEGMENT_RUN, purpose, PiaRequired.code)
            raise PiaRequired(
                f"{name} v{found.version} uses sensitive attributes: publish it with a PIA id first"
            )
        at = self._clock()
        m = masked_t
        query = select(m.c.customer_id, *(m.c[col] for col in BREAKDOWNS)).where(
            to_sql(rule, m),
            minors_filter(m, include_minors=include_minors),
            consent_filter(m.c.customer_id, spec, self._notices, at, sensitive=rule.uses_sensitive),
        )
        rows = conn.execute(query).all()
        dropped = customers_who_deleted(conn, self.shadowing_tags(found.rule, rule))
        if dropped:
            rows = [row for row in rows if row[0] not in dropped]
        size = len(rows)
        suppressed = size < k
        breakdowns: dict[str, dict[str, int | None]] = {}
        for position, column in enumerate(BREAKDOWNS, start=1):
            counts = Counter(row[position] or UNKNOWN for row in rows)
            breakdowns[column] = (
                {} if suppressed else suppress(counts, k, total_shown=not suppressed)
            )
        run_id = uuid.uuid4().hex
        conn.execute(
            insert(segment_run_t).values(
                run_id=run_id,
                segment_id=select(segment_t.c.segment_id)
                .where(segment_t.c.name == name)
                .scalar_subquery(),
                version=found.version,
                purpose=purpose,
                actor=principal.id,
                at=at,
                size=size,
                k=k,
                suppressed=suppressed,
                include_minors=include_minors,
                breakdowns=breakdowns,
            )
        )
        audience = self._pseudonymise(row[0] for row in rows)
        for start in range(0, len(audience), AUDIENCE_BATCH):
            conn.execute(
                insert(segment_audience_t),
                [
                    {"run_id": run_id, "pseudonym": p}
                    for p in audience[start : start + AUDIENCE_BATCH]
                ],
            )
        self._audit.record(
            conn,
            AuditTag.SEGMENT_RUN,
            Decision.ALLOW,
            **principal_fields(principal),
            purpose=purpose,
            record_count=size,
            reason=f"segment {name} v{found.version}",
            ticket_id=run_id,
            fields_clear=self.config.fields_of(rule.attributes),
        )
        return RunResult(
            run_id,
            name,
            found.version,
            purpose,
            at,
            k,
            None if suppressed else size,
            suppressed,
            include_minors,
            breakdowns,
            self.config.audience_domain,
            audience,
        )

    def shadowing_tags(self, document: Any, rule: Rule) -> builtins.list[str]:
        """The tags whose deletion leaves a customer out of this rule's runs: the tags it names
        with has_tag, and every tag whose rule reads an attribute it reads (a deleted tag cannot
        be got round by restating its rule; Algorithmic Recommendation Provisions Art 17)."""
        named = set(_tags_of(document))
        named.update(tag for tag, read in self._tag_attributes.items() if read & rule.attributes)
        return sorted(named)

    def audience(self, conn: Connection, run_id: str) -> builtins.list[str]:
        """The stored pseudonyms of one run, sorted."""
        t = segment_audience_t
        return list(
            conn.scalars(select(t.c.pseudonym).where(t.c.run_id == run_id).order_by(t.c.pseudonym))
        )

    def _pseudonymise(self, customer_ids: Iterable[str]) -> tuple[str, ...]:
        mint, domain = self._pseudonyms.pseudonym, self.config.audience_domain
        return tuple(sorted({mint(domain, cid) for cid in customer_ids}))

    # -- authorisation --------------------------------------------------------------------------

    def _allowed(self, principal: Principal, rule: Rule, purpose: str) -> tuple[bool, str | None]:
        fields = self.config.fields_of(rule.attributes)
        decision = self._policy.decide(principal, purpose, fields, Action.SEGMENT)
        if decision.denied:
            return False, str(decision.reason or "denied")
        if any(d.access is Access.DENIED for d in decision.fields.values()):
            return False, "attribute_not_permitted"
        return True, None

    def _authorise(
        self, conn: Connection, principal: Principal, rule: Rule, purpose: str, tag: AuditTag
    ) -> None:
        ok, reason = self._allowed(principal, rule, purpose)
        if not ok:
            self._deny(conn, principal, tag, purpose, reason or "denied")
            raise SegmentDenied(f"not permitted to segment on these attributes for {purpose}")

    def _authorise_any(
        self, conn: Connection, principal: Principal, rule: Rule, tag: AuditTag
    ) -> None:
        """Defining needs the right to segment on the attributes for at least one run purpose."""
        reasons = [self._allowed(principal, rule, p) for p in self.config.purposes]
        if not any(ok for ok, _ in reasons):
            self._deny(conn, principal, tag, None, next(r for _, r in reasons if r) or "denied")
            raise SegmentDenied("not permitted to segment on these attributes for any run purpose")

    def _deny(
        self,
        conn: Connection,
        principal: Principal,
        tag: AuditTag,
        purpose: str | None,
        reason: str,
    ) -> None:
        self._audit.record(
            conn, tag, Decision.DENY, **principal_fields(principal), purpose=purpose, reason=reason
        )


def _tags_of(node: Any) -> frozenset[str]:
    """The tags a validated rule document tests with has_tag."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("has_tag"), str):
                found.add(item["has_tag"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return frozenset(found)


def build_service(platform: Any) -> SegmentService:
    """The service for a built platform (segments.yaml from its policy directory)."""
    from cdp.bootstrap import policy_dir
    from cdp.segments.config import load_segment_config
    from cdp.tags.config import load_tag_config

    tags = load_tag_config(policy_dir(platform.settings))
    return SegmentService(
        config=load_segment_config(policy_dir(platform.settings)),
        policy=platform.policy,
        purposes=platform.purposes,
        notices=platform.notices,
        pseudonyms=platform.pseudonyms,
        audit=platform.recorder,
        tag_attributes={tag.id: tag.rule.attributes for tag in tags.tags},
    )


__all__ = [
    "PiaRequired",
    "RuleInvalid",
    "RunResult",
    "SegmentDenied",
    "SegmentError",
    "SegmentInvalid",
    "SegmentNotFound",
    "SegmentService",
    "SegmentSummary",
    "SegmentVersion",
    "build_service",
    "suppress",
]
