"""Revoke the SME tokens whose SME no longer exists.

Deleting an SME now revokes its tokens in the same transaction, so a new SME given the same
id is not readable with them. Tokens of SMEs deleted before that are revoked here.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tokens = sa.table(
        "tokens",
        sa.column("role", sa.String),
        sa.column("sme_id", sa.String),
        sa.column("revoked_at", sa.DateTime(timezone=True)),
    )
    smes = sa.table("smes", sa.column("id", sa.String))
    op.execute(
        tokens.update()
        .where(tokens.c.role == "sme", tokens.c.revoked_at.is_(None))
        .where(~sa.exists().where(smes.c.id == tokens.c.sme_id))
        .values(revoked_at=datetime.now(UTC))
    )


def downgrade() -> None:
    # Revoked tokens stay revoked: un-revoking would hand re-used ids to old holders.
    pass
