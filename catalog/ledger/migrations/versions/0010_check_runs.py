"""The history of consistency-check runs: when, for which date and institution, how many
findings of each severity and per rule (the trend a legal team follows).

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "check_run",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_date", sa.String(10), nullable=False),
        sa.Column("institution", sa.String(32), nullable=True),
        sa.Column("violations", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("infos", sa.Integer(), nullable=False),
        sa.Column("by_rule", sa.Text(), nullable=False),
    )
    op.create_index("ix_check_run_at", "check_run", ["at"])


def downgrade() -> None:
    op.drop_index("ix_check_run_at", table_name="check_run")
    op.drop_table("check_run")
