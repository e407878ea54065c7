"""Initial schema: profiles, lead pipeline, feedback and API tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "smes",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("cluster", sa.String(500), nullable=False, index=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("target_markets", sa.JSON, nullable=False),
        sa.Column("sectors", sa.JSON, nullable=False),
        sa.Column("seeking", sa.JSON, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _timestamp("updated_at"),
    )
    op.create_table(
        "partners",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("country", sa.String(2), nullable=False, index=True),
        sa.Column("city", sa.String(500), nullable=False),
        sa.Column("org_type", sa.String(32), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("sectors", sa.JSON, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _timestamp("updated_at"),
    )
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "sme_id",
            sa.String(100),
            sa.ForeignKey("smes.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "partner_id",
            sa.String(100),
            sa.ForeignKey("partners.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.UniqueConstraint("sme_id", "partner_id"),
    )
    op.create_table(
        "lead_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "lead_id",
            sa.Integer,
            sa.ForeignKey("leads.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("old_value", sa.Text, nullable=False),
        sa.Column("new_value", sa.Text, nullable=False),
        _timestamp("at"),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "sme_id",
            sa.String(100),
            sa.ForeignKey("smes.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "partner_id",
            sa.String(100),
            sa.ForeignKey("partners.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("interesting", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        _timestamp("at"),
        sa.UniqueConstraint("sme_id", "partner_id"),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("cluster", sa.String(500), nullable=False),
        sa.Column("sme_id", sa.String(100), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        _timestamp("created_at"),
        _timestamp("revoked_at", nullable=True),
    )


def downgrade() -> None:
    for table in ("tokens", "feedback", "lead_events", "leads", "partners", "smes"):
        op.drop_table(table)
