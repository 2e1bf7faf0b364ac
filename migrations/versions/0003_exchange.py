"""exchange packages: counterpart keys, per-record exchange state, conflicts, package log

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-29 00:14:03.458286
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_key")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_exchange_key_fingerprint")),
        sa.UniqueConstraint("name", name=op.f("uq_exchange_key_name")),
    )
    op.create_table(
        "exchange_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("record_uuid", sa.String(length=36), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("last_version", sa.Integer(), nullable=False),
        sa.Column("history", sa.Text(), nullable=False),
        sa.Column("last_direction", sa.String(length=8), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("pending_export", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_state")),
        sa.UniqueConstraint("record_uuid", name=op.f("uq_exchange_state_record_uuid")),
    )
    op.create_table(
        "exchange_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("record_uuid", sa.String(length=36), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("remote_content", sa.Text(), nullable=False),
        sa.Column("remote_hash", sa.String(length=64), nullable=False),
        sa.Column("remote_history", sa.Text(), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=100), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=False),
        sa.Column("resolved_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_conflict")),
    )
    op.create_index(op.f("ix_exchange_conflict_record_uuid"), "exchange_conflict", ["record_uuid"])
    op.create_table(
        "exchange_package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=100), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_package")),
    )
    op.create_index(
        op.f("ix_exchange_package_manifest_sha256"), "exchange_package", ["manifest_sha256"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_exchange_package_manifest_sha256"), table_name="exchange_package")
    op.drop_table("exchange_package")
    op.drop_index(op.f("ix_exchange_conflict_record_uuid"), table_name="exchange_conflict")
    op.drop_table("exchange_conflict")
    op.drop_table("exchange_state")
    op.drop_table("exchange_key")
