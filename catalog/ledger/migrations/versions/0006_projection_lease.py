"""One writer of a projection at a time: the lease of each projection, and the mark of a
rebuild under way (see catalog/ledger/leases.py).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projection_lease",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("holder", sa.String(256), nullable=True),
        sa.Column("lease_until", sa.Float(), nullable=False),
        sa.Column("rebuilding", sa.Boolean(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("projection_lease")
