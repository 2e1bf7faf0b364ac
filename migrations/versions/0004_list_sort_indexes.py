"""list sort indexes: titles and "last changed" of the two big tables

Sorting a list by a column reads the first page in key order; without an index SQLite
sorts the whole table first. Measured with 1,000,000 action items (benchmarks/bench_gui.py):
sorting by title or by last change took 2-5 s and now takes 20-40 ms. Action items and
referrals are the tables that grow large; the other lists stay small.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-29 01:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_action_item_title_en", "action_item", ["title_en"]),
    ("ix_action_item_updated_at", "action_item", ["updated_at"]),
    ("ix_referral_title_en", "referral", ["title_en"]),
    ("ix_referral_updated_at", "referral", ["updated_at"]),
)


def upgrade() -> None:
    # plain CREATE INDEX (no batch: no table is rebuilt, no row is touched)
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
