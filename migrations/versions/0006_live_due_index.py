"""list order indexes: the action items' default order over listed records; titles with id

Jumping into the middle of the action-item list reads a page at a deep offset: SQLite and
PostgreSQL step over every row before it. With the (due_date) index alone each of those
rows is also looked up in the table to test "not archived"; the partial index
``ix_action_item_due_live`` holds exactly the listed rows in list order, so the step is
over index entries only (row 500,000 of 1,000,000: 1.5 s -> 65 ms on SQLite, 1.5 s -> 66 ms
on PostgreSQL; benchmarks/README.md). The condition is written as the list query writes
it, so both planners can use it; on PostgreSQL it also INCLUDEs ``archived``, without which
PostgreSQL will not read the index alone.

Titles repeat (a few hundred distinct ones over a million demo items), so an index on the
title alone left PostgreSQL sorting each title's rows by id for the first page of a list
sorted by title (164 ms at 1M); (title_en, id) is the list's whole order. SQLite keeps the
rowid in every index, so there it only changes the index's declared shape.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 03:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain CREATE / DROP INDEX (no batch: no table is rebuilt, no row is touched)
    op.create_index(
        "ix_action_item_due_live",
        "action_item",
        ["due_date", "id"],
        unique=False,
        sqlite_where=sa.text("archived IS 0"),
        postgresql_where=sa.text("archived IS false"),
        postgresql_include=["archived"],
    )
    for table in ("action_item", "referral"):
        op.drop_index(f"ix_{table}_title_en", table_name=table)
        op.create_index(f"ix_{table}_title_en", table, ["title_en", "id"], unique=False)


def downgrade() -> None:
    for table in ("action_item", "referral"):
        op.drop_index(f"ix_{table}_title_en", table_name=table)
        op.create_index(f"ix_{table}_title_en", table, ["title_en"], unique=False)
    op.drop_index("ix_action_item_due_live", table_name="action_item")
