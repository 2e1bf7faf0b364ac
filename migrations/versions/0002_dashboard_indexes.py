"""dashboard indexes: open work in one covering pass, "since" ranges, "my work" lookups

The manager's dashboard (workinggroup_app/read/dashboard.py) counts open action items, the
referral pipeline and response times at a million rows within a refresh budget of 200 ms:
covering indexes let SQLite and PostgreSQL answer from the index alone.

Revision ID: 0002
Revises: 0003
Create Date: 2026-11-29 00:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTION_ITEM = (
    (
        "ix_action_item_open_work",
        ["status", "owner_side", "owner_agency_id", "due_date", "archived"],
    ),
    ("ix_action_item_created_at", ["created_at", "archived"]),
    ("ix_action_item_status_completed", ["status", "completed_on", "archived"]),
    ("ix_action_item_owner_person", ["owner_person"]),
    ("ix_action_item_created_by", ["created_by"]),
)
REFERRAL = (
    ("ix_referral_pipeline", ["status", "direction", "sent_on", "answered_on", "archived"]),
    ("ix_referral_answered_on", ["answered_on", "archived"]),
)


def upgrade() -> None:
    # plain CREATE/DROP INDEX (no batch: no table is rebuilt, no row is touched)
    # ix_action_item_status_due gains "archived": due-date range counts (due soon, became
    # overdue) then read the index alone; it still serves everything it served before
    op.drop_index("ix_action_item_status_due", table_name="action_item")
    op.create_index(
        "ix_action_item_status_due", "action_item", ["status", "due_date", "archived"], unique=False
    )
    for name, columns in ACTION_ITEM:
        op.create_index(name, "action_item", columns, unique=False)
    for name, columns in REFERRAL:
        op.create_index(name, "referral", columns, unique=False)


def downgrade() -> None:
    for name, _columns in REFERRAL:
        op.drop_index(name, table_name="referral")
    for name, _columns in ACTION_ITEM:
        op.drop_index(name, table_name="action_item")
    op.drop_index("ix_action_item_status_due", table_name="action_item")
    op.create_index(
        "ix_action_item_status_due", "action_item", ["status", "due_date"], unique=False
    )
