"""Browser sessions: a token exchanged for a session cookie on /login. Only the SHA-256 of the
session id is stored; a session ends when it expires, on logout, or when its token is revoked
(see catalog/workflow/sessions.py).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "browser_session",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("token_id", sa.Integer(), sa.ForeignKey("token.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_browser_session_id_hash", "browser_session", ["id_hash"], unique=True)
    op.create_index("ix_browser_session_token_id", "browser_session", ["token_id"])


def downgrade() -> None:
    op.drop_table("browser_session")
