"""campaigns: audience snapshot + channel + content; recipients and responses as pseudonyms

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Applies this revision."""
    op.create_table(
        "campaign",
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("content_id", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["segment_run.run_id"], name=op.f("fk_campaign_run_id_segment_run")
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_campaign")),
    )
    op.create_index("ix_campaign_run_id", "campaign", ["run_id"], unique=False)
    op.create_table(
        "campaign_recipient",
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("pseudonym", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.campaign_id"],
            name=op.f("fk_campaign_recipient_campaign_id_campaign"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "pseudonym", name=op.f("pk_campaign_recipient")),
    )
    op.create_table(
        "campaign_response",
        sa.Column("response_id", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("pseudonym", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.campaign_id"],
            name=op.f("fk_campaign_response_campaign_id_campaign"),
        ),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_campaign_response")),
    )
    op.create_index(
        "ix_campaign_response_campaign_id", "campaign_response", ["campaign_id"], unique=False
    )


def downgrade() -> None:
    """Reverts this revision."""
    op.drop_index("ix_campaign_response_campaign_id", table_name="campaign_response")
    op.drop_table("campaign_response")
    op.drop_table("campaign_recipient")
    op.drop_index("ix_campaign_run_id", table_name="campaign")
    op.drop_table("campaign")
