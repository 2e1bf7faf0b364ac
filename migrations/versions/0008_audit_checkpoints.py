"""signed checkpoints of the audit chain

``audit_checkpoint`` keeps, at intervals and at every export, packet and exchange package,
the chain's head (event count, last id and hash, time) signed with the installation's
Ed25519 audit key, so deleting the newest events, or recomputing the chain after a rewrite,
no longer matches a signed statement (``audit verify``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 21:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("head_id", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    op.create_index("ix_audit_checkpoint_head_id", "audit_checkpoint", ["head_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_checkpoint_head_id", table_name="audit_checkpoint")
    op.drop_table("audit_checkpoint")
