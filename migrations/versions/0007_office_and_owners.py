"""office settings and action-item owners as accounts

``app_setting`` holds this installation's settings as key/value rows: the office profile
chosen at set-up (side, office name, default releasability of new records) and which
version of the shipped reference data has been merged in. ``action_item.owner_user_id``
names the owner as a user account; ``owner_person`` stays for owners on the counterpart
side, who have no account here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 02:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_setting")),
    )
    # a plain ADD COLUMN, no batch copy of the table (offices have a million action items):
    # SQLite accepts a REFERENCES clause on a column added with no default, but Alembic
    # would add the constraint separately, which SQLite cannot
    fk = "fk_action_item_owner_user_id_app_user"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE action_item ADD COLUMN owner_user_id INTEGER "
            f"CONSTRAINT {fk} REFERENCES app_user (id)"
        )
    else:
        op.add_column("action_item", sa.Column("owner_user_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f(fk), "action_item", "app_user", ["owner_user_id"], ["id"])
    op.create_index(op.f("ix_action_item_owner_user_id"), "action_item", ["owner_user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_action_item_owner_user_id"), table_name="action_item")
    with op.batch_alter_table("action_item") as batch:
        batch.drop_column("owner_user_id")
    op.drop_table("app_setting")
