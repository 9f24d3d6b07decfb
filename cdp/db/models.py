"""Table definitions: the one schema that Alembic migrations reproduce.

Every PII column is ciphertext (`*_ct`) bound to table|column|customer|key version; lookups use the
separate `blind_index` table. Tables key on `customer_id` so the schema distributes on it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CUSTOMER_ID = String(36)
TS = DateTime(timezone=True)


class Base(DeclarativeBase):
    """Declarative base with deterministic constraint names for Alembic."""

    metadata = MetaData(naming_convention=NAMING)


class KekVersion(Base):
    """A key-encryption key version known to the store (the key itself lives with its provider)."""

    __tablename__ = "kek_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    provider: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # active | previous | retired
    created_at: Mapped[datetime] = mapped_column(TS)
    retired_at: Mapped[datetime | None] = mapped_column(TS)


class Customer(Base):
    """One natural person; the id is an opaque UUID, never derived from PII."""

    __tablename__ = "customer"

    customer_id: Mapped[str] = mapped_column(CUSTOMER_ID, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(TS)
    updated_at: Mapped[datetime] = mapped_column(TS)
    shredded_at: Mapped[datetime | None] = mapped_column(TS)


class CustomerKey(Base):
    """The customer's data key, wrapped by a KEK version; deleting it crypto-shreds the customer."""

    __tablename__ = "customer_key"

    customer_id: Mapped[str] = mapped_column(
        CUSTOMER_ID, ForeignKey("customer.customer_id"), primary_key=True
    )
    kek_version: Mapped[int] = mapped_column(ForeignKey("kek_version.version"), index=True)
    dek_version: Mapped[int] = mapped_column(Integer)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(TS)
    rotated_at: Mapped[datetime | None] = mapped_column(TS)


class Profile(Base):
    """The golden record: plain C1/C2 columns and ciphertext for every encrypted catalogue field."""

    __tablename__ = "profile"

    customer_id: Mapped[str] = mapped_column(
        CUSTOMER_ID, ForeignKey("customer.customer_id"), primary_key=True
    )
    full_name_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    gender: Mapped[str | None] = mapped_column(String(2))
    birth_date_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_type: Mapped[str | None] = mapped_column(String(32))
    id_number_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    mobile_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    landline_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    home_address_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    occupation: Mapped[str | None] = mapped_column(String(64))
    industry: Mapped[str | None] = mapped_column(String(64))
    card_no_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    aum_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    open_date: Mapped[date | None] = mapped_column(Date)
    open_branch: Mapped[str | None] = mapped_column(String(64))
    risk_tolerance: Mapped[str | None] = mapped_column(String(2))
    preferred_channel: Mapped[str | None] = mapped_column(String(16))
    service_note_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    # activity aggregates (issue 8): counts plain, amounts ciphertext like aum
    last_login_date: Mapped[date | None] = mapped_column(Date)
    logins_30d: Mapped[int | None] = mapped_column(Integer)
    logins_90d: Mapped[int | None] = mapped_column(Integer)
    txns_30d: Mapped[int | None] = mapped_column(Integer)
    txns_90d: Mapped[int | None] = mapped_column(Integer)
    txn_amount_90d_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    aum_90d_ago_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    products_held: Mapped[int | None] = mapped_column(Integer)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(TS)


class BlindIndex(Base):
    """Keyed digests of every identifier value a customer has been seen with, per column."""

    __tablename__ = "blind_index"
    __table_args__ = (Index("ix_blind_index_customer_id", "customer_id"),)

    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)
    customer_id: Mapped[str] = mapped_column(
        CUSTOMER_ID, ForeignKey("customer.customer_id"), primary_key=True
    )


class SourceLink(Base):
    """Which source system knows the customer under which key, and when it last told us."""

    __tablename__ = "source_link"
    __table_args__ = (Index("ix_source_link_customer_id", "customer_id"),)

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(CUSTOMER_ID, ForeignKey("customer.customer_id"))
    first_seen_at: Mapped[datetime] = mapped_column(TS)
    last_observed_at: Mapped[datetime] = mapped_column(TS)


class IngestRun(Base):
    """One ingest command over one file: counts only, never values."""

    __tablename__ = "ingest_run"

    run_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(TS)
    finished_at: Mapped[datetime | None] = mapped_column(TS)
    status: Mapped[str] = mapped_column(String(16))  # running | done | failed
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class ConsentEvent(Base):
    """The append-only consent ledger: one row per channel event, never updated or deleted.

    The customer reference the channel sent (an ID number or mobile) is resolved to the customer
    id at the door and not kept; a guardian's reference is kept only as a blind-index digest.
    """

    __tablename__ = "consent_event"
    __table_args__ = (
        Index("ix_consent_event_customer_purpose", "customer_id", "purpose", "occurred_at"),
    )

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(CUSTOMER_ID, ForeignKey("customer.customer_id"))
    purpose: Mapped[str] = mapped_column(String(8))
    action: Mapped[str] = mapped_column(String(24))
    channel: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(TS)
    received_at: Mapped[datetime] = mapped_column(TS)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    payload_sha256: Mapped[str] = mapped_column(String(64))


class ConsentState(Base):
    """The current consent per customer and purpose: the fold of the ledger, kept in step."""

    __tablename__ = "consent_state"

    customer_id: Mapped[str] = mapped_column(
        CUSTOMER_ID, ForeignKey("customer.customer_id"), primary_key=True
    )
    purpose: Mapped[str] = mapped_column(String(8), primary_key=True)
    status: Mapped[str] = mapped_column(String(24))
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(TS)


class Outbox(Base):
    """Changes for downstream systems (consent.changed, ...), drained at least once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_undelivered", "delivered_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(CUSTOMER_ID)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(TS)
    delivered_at: Mapped[datetime | None] = mapped_column(TS)


class AuditLink(Base):
    """One sealed audit record: a keyed hash chain per `chain`, the canonical body, index columns.

    Bodies name customers by id only (the audit core refuses PII-looking values).
    """

    __tablename__ = "audit_link"
    __table_args__ = (
        Index("ix_audit_link_occurred_at", "occurred_at"),
        Index("ix_audit_link_actor", "actor", "occurred_at"),
        Index("ix_audit_link_action", "action", "occurred_at"),
        Index("ix_audit_link_decision", "decision", "occurred_at"),
    )

    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    event_id: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(TS)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(48))
    decision: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str | None] = mapped_column(String(8))
    roles: Mapped[str | None] = mapped_column(String(512))  # "|a|b|", for `LIKE '%|a|%'`


class AuditSubject(Base):
    """Which links name which customer: the who-accessed-customer-X index (ids only)."""

    __tablename__ = "audit_subject"

    customer_id: Mapped[str] = mapped_column(CUSTOMER_ID, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(TS, primary_key=True)
    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class AuditCheckpoint(Base):
    """Signed chain heads, as exported (`heads` after a verification, `floor` after a prune)."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(TS)
    kind: Mapped[str] = mapped_column(String(8))
    document: Mapped[str] = mapped_column(String)


class AuditHead(Base):
    """The newest link of each chain; appenders lock this row, verifiers expect to reach it."""

    __tablename__ = "audit_head"

    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class MaskedProfile(Base):
    """The masked view: pseudonymous, generalised attributes only (no PII, ADR 0008).

    Keyed by customer id for distribution and joins inside the core; readers outside it get the
    pseudonym instead. Refreshed in the transaction of every profile write and consent change.
    """

    __tablename__ = "masked_profile"

    customer_id: Mapped[str] = mapped_column(
        CUSTOMER_ID, ForeignKey("customer.customer_id"), primary_key=True
    )
    pseudonym: Mapped[str] = mapped_column(String(32), unique=True)  # 32 hex digits
    age_band: Mapped[str | None] = mapped_column(String(16))
    is_minor_u14: Mapped[bool | None] = mapped_column(Boolean)
    is_minor_u18: Mapped[bool | None] = mapped_column(Boolean)
    gender: Mapped[str | None] = mapped_column(String(8))
    city: Mapped[str | None] = mapped_column(String(32))
    aum_tier: Mapped[str | None] = mapped_column(String(16))
    risk_level: Mapped[str | None] = mapped_column(String(2))
    preferred_channel: Mapped[str | None] = mapped_column(String(16))
    consents: Mapped[dict[str, Any]] = mapped_column(JSON)  # purpose code -> valid grant
    masked_note: Mapped[str | None] = mapped_column(Text)
    note_detector: Mapped[str | None] = mapped_column(String(32))
    note_source: Mapped[str | None] = mapped_column(String(32))  # digest of the note ciphertext
    tags: Mapped[list[Any]] = mapped_column(JSON)
    lifecycle_stage: Mapped[str | None] = mapped_column(String(16))
    # activity, value and lifecycle (issue 8): bands and flags only, never an amount or a date
    tenure_years: Mapped[int | None] = mapped_column(Integer)
    aum_trend: Mapped[str | None] = mapped_column(String(8))
    recency_band: Mapped[str | None] = mapped_column(String(8))
    activity_level: Mapped[str | None] = mapped_column(String(8))
    txn_amount_band: Mapped[str | None] = mapped_column(String(16))
    products_held: Mapped[int | None] = mapped_column(Integer)
    contribution_band: Mapped[str | None] = mapped_column(String(8))
    churn_risk: Mapped[bool | None] = mapped_column(Boolean)
    # campaign responsiveness (masking.responses): converted | opened | delivered | opted_out
    campaign_response: Mapped[str | None] = mapped_column(String(16))
    profile_updated_at: Mapped[datetime] = mapped_column(TS)
    consent_updated_at: Mapped[datetime | None] = mapped_column(TS)
    refreshed_at: Mapped[datetime] = mapped_column(TS)


class ApiClientRow(Base):
    """A registered API client: its roles and attributes, and only a digest of its key.

    Not keyed on `customer_id`: a small admin table, read through `key_prefix` (unique, indexed)
    on each authentication, so it is never distributed.
    """

    __tablename__ = "api_client"

    client_id: Mapped[str] = mapped_column(String(32), primary_key=True)  # "cli_" + 16 hex
    name: Mapped[str] = mapped_column(String(100), unique=True)
    roles: Mapped[str] = mapped_column(String(512))  # sorted role names, comma-joined
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)  # e.g. {"branches": "110105"}
    key_prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))  # hex SHA-256 of the whole key
    created_at: Mapped[datetime] = mapped_column(TS)
    disabled_at: Mapped[datetime | None] = mapped_column(TS)


def table_of(model: type[Base]) -> Table:
    """Returns the Core table behind a model, typed for Core statements."""
    return cast(Table, model.__table__)
