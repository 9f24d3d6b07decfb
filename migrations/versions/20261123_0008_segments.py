"""stored, versioned segments; runs and their pseudonymous audiences

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Applies this revision."""
    op.create_table(
        "segment",
        sa.Column("segment_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("segment_id", name=op.f("pk_segment")),
        sa.UniqueConstraint("name", name=op.f("uq_segment_name")),
    )
    op.create_table(
        "segment_version",
        sa.Column("segment_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("uses_sensitive", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("pia_id", sa.String(length=64), nullable=True),
        sa.Column("published_by", sa.String(length=128), nullable=True),
        sa.Column("published_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.segment_id"],
            name=op.f("fk_segment_version_segment_id_segment"),
        ),
        sa.PrimaryKeyConstraint("segment_id", "version", name=op.f("pk_segment_version")),
    )
    op.create_table(
        "segment_run",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("segment_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=8), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("suppressed", sa.Boolean(), nullable=False),
        sa.Column("include_minors", sa.Boolean(), nullable=False),
        sa.Column("breakdowns", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["segment_id", "version"],
            ["segment_version.segment_id", "segment_version.version"],
            name=op.f("fk_segment_run_segment_id_segment_version"),
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_segment_run")),
    )
    op.create_index("ix_segment_run_segment_id_at", "segment_run", ["segment_id", "at"])
    op.create_table(
        "segment_audience",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("pseudonym", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["segment_run.run_id"], name=op.f("fk_segment_audience_run_id_segment_run")
        ),
        sa.PrimaryKeyConstraint("run_id", "pseudonym", name=op.f("pk_segment_audience")),
    )


def downgrade() -> None:
    """Reverts this revision."""
    op.drop_table("segment_audience")
    op.drop_index("ix_segment_run_segment_id_at", table_name="segment_run")
    op.drop_table("segment_run")
    op.drop_table("segment_version")
    op.drop_table("segment")
