"""The table of tags customers deleted (Algorithmic Recommendation Provisions Art 17).

Declared as a Core table on the one schema metadata (`cdp.db.models.Base.metadata`), so Alembic
(`migrations/env.py` imports this module) compares it like every other table. A row here means
the tag is never again computed onto that customer's masked row, in refresh or rebuild.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, String, Table

from cdp.db.models import CUSTOMER_ID, Base

TS = DateTime(timezone=True)
metadata = Base.metadata

tag_deletion_t = Table(
    "tag_deletion",
    metadata,
    Column("customer_id", CUSTOMER_ID, ForeignKey("customer.customer_id"), primary_key=True),
    Column("tag_id", String(64), primary_key=True),
    Column("deleted_at", TS, nullable=False),
    Column("channel", String(16), nullable=False),  # app | counter | call_centre | ...
)
