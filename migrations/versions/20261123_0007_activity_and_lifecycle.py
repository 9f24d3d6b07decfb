"""activity aggregates on the profile; activity, value and lifecycle in the masked view

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROFILE_COLUMNS = (
    ("last_login_date", sa.Date()),
    ("logins_30d", sa.Integer()),
    ("logins_90d", sa.Integer()),
    ("txns_30d", sa.Integer()),
    ("txns_90d", sa.Integer()),
    ("txn_amount_90d_ct", sa.LargeBinary()),
    ("aum_90d_ago_ct", sa.LargeBinary()),
    ("products_held", sa.Integer()),
)
MASKED_COLUMNS = (
    ("tenure_years", sa.Integer()),
    ("aum_trend", sa.String(length=8)),
    ("recency_band", sa.String(length=8)),
    ("activity_level", sa.String(length=8)),
    ("txn_amount_band", sa.String(length=16)),
    ("products_held", sa.Integer()),
    ("contribution_band", sa.String(length=8)),
    ("churn_risk", sa.Boolean()),
)


def upgrade() -> None:
    """Applies this revision (nullable columns only: existing rows stay valid)."""
    with op.batch_alter_table("profile") as batch:
        for name, type_ in PROFILE_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("masked_profile") as batch:
        for name, type_ in MASKED_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    """Reverts this revision."""
    with op.batch_alter_table("masked_profile") as batch:
        for name, _ in reversed(MASKED_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("profile") as batch:
        for name, _ in reversed(PROFILE_COLUMNS):
            batch.drop_column(name)
