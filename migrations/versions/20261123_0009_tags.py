"""tags a customer deleted (Algorithmic Recommendation Provisions Art 17)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Applies this revision."""
    op.create_table(
        "tag_deletion",
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("tag_id", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", TS, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.customer_id"],
            name=op.f("fk_tag_deletion_customer_id_customer"),
        ),
        sa.PrimaryKeyConstraint("customer_id", "tag_id", name=op.f("pk_tag_deletion")),
    )


def downgrade() -> None:
    """Reverts this revision."""
    op.drop_table("tag_deletion")
