"""the masked view's campaign-response label; responses looked up by pseudonym

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Applies this revision."""
    op.add_column(
        "masked_profile", sa.Column("campaign_response", sa.String(length=16), nullable=True)
    )
    op.create_index(
        "ix_campaign_response_pseudonym",
        "campaign_response",
        ["pseudonym", "kind", "at"],
        unique=False,
    )


def downgrade() -> None:
    """Reverts this revision."""
    op.drop_index("ix_campaign_response_pseudonym", table_name="campaign_response")
    with op.batch_alter_table("masked_profile") as batch:
        batch.drop_column("campaign_response")
