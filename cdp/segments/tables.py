"""Tables of stored segments, their immutable versions, runs and pseudonymous audiences.

Declared as Core tables on the one schema metadata (`cdp.db.models.Base.metadata`), so Alembic
(`migrations/env.py` imports this module) compares them like every other table. No table here
holds a customer id: audiences are marketing-domain pseudonyms.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
)

from cdp.db.models import Base

TS = DateTime(timezone=True)
metadata = Base.metadata

segment_t = Table(
    "segment",
    metadata,
    Column("segment_id", String(32), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("created_by", String(128), nullable=False),
    Column("created_at", TS, nullable=False),
)

segment_version_t = Table(
    "segment_version",
    metadata,
    Column("segment_id", String(32), ForeignKey("segment.segment_id"), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("rule", JSON, nullable=False),  # the validated rule document, never changed
    Column("attributes", JSON, nullable=False),  # sorted attribute names the rule uses
    Column("uses_sensitive", Boolean, nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("pia_id", String(64)),  # personal information impact assessment (PIPL Art 55)
    Column("published_by", String(128)),
    Column("published_at", TS),
)

segment_run_t = Table(
    "segment_run",
    metadata,
    Column("run_id", String(32), primary_key=True),
    Column("segment_id", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("purpose", String(8), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("at", TS, nullable=False),
    Column("size", Integer, nullable=False),  # true size: stays inside; reports suppress it
    Column("k", Integer, nullable=False),
    Column("suppressed", Boolean, nullable=False),  # the size is below k
    Column("include_minors", Boolean, nullable=False),
    Column("breakdowns", JSON, nullable=False),  # as reported: cells below k are null
    ForeignKeyConstraint(
        ["segment_id", "version"], ["segment_version.segment_id", "segment_version.version"]
    ),
    Index("ix_segment_run_segment_id_at", "segment_id", "at"),
)

segment_audience_t = Table(
    "segment_audience",
    metadata,
    Column("run_id", String(32), ForeignKey("segment_run.run_id"), primary_key=True),
    Column("pseudonym", String(32), primary_key=True),  # audience-domain pseudonym, 32 hex
)
