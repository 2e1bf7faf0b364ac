"""status sort index for the action-item list

Sorting the action-item list by status reads the first page in (status, id) order; the
existing (status, due_date, archived) index gives the status order but not the id tiebreak,
so SQLite sorted every item of each status: 250-700 ms at 1,000,000 action items, 10-35 ms
with this index (benchmarks/README.md).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain CREATE INDEX (no batch: no table is rebuilt, no row is touched)
    op.create_index("ix_action_item_status_id", "action_item", ["status", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_action_item_status_id", table_name="action_item")
