"""The files of semantic assets (WSDL, XSD, OpenAPI, JSON Schema), content-addressed by their
SHA-256, so that every version's distributions are served by the hub.

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset_file",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("media_type", sa.String(127), nullable=False),
        sa.Column("byte_size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("asset_file")
