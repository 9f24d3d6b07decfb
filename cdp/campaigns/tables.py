"""Campaign tables (issue 8 part 6): SQLAlchemy Core on the shared metadata, so `alembic check`
compares them with migration 0010. No table here holds a customer id or a channel address:
recipients are marketing-domain pseudonyms; addresses live only in memory during a send.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Table

from cdp.db.models import Base

TS = DateTime(timezone=True)
metadata = Base.metadata

campaign_t = Table(
    "campaign",
    metadata,
    Column("campaign_id", String(32), primary_key=True),
    Column("run_id", String(32), ForeignKey("segment_run.run_id"), nullable=False),
    Column("purpose", String(8), nullable=False),  # the run's purpose
    Column("channel", String(16), nullable=False),  # sms | email | app_push | phone | wechat
    Column("content_id", String(64), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("sent_at", TS),
    Index("ix_campaign_run_id", "run_id"),
)

campaign_recipient_t = Table(
    "campaign_recipient",
    metadata,
    Column("campaign_id", String(32), ForeignKey("campaign.campaign_id"), primary_key=True),
    Column("pseudonym", String(32), primary_key=True),  # marketing-domain pseudonym, 32 hex
    Column("status", String(16), nullable=False),
    Column("updated_at", TS, nullable=False),
)

campaign_response_t = Table(
    "campaign_response",
    metadata,
    Column("response_id", String(64), primary_key=True),  # the channel's id: idempotency key
    Column("campaign_id", String(32), ForeignKey("campaign.campaign_id"), nullable=False),
    Column("pseudonym", String(32), nullable=False),
    Column("kind", String(16), nullable=False),  # delivered | opened | converted | opted_out
    Column("at", TS, nullable=False),
    Index("ix_campaign_response_campaign_id", "campaign_id"),
    Index("ix_campaign_response_pseudonym", "pseudonym", "kind", "at"),  # the masked-view label
)
