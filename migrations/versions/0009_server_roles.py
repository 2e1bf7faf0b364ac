"""the server enforces what the application enforces (PostgreSQL only)

On PostgreSQL: one group role per application role (``<database>:viewer`` ...
``<database>:administrator``) with the grants ``domain.permissions`` implies, append-only
triggers on ``audit_event`` and ``status_change``, the server's own audit of every row
changed outside the application, and ``wg_keep_login`` through which the accounts'
logins follow them. All of it is made by ``storage.server_roles.ensure_server_roles``,
which every later upgrade runs again so that new tables get their grants. The owner
running the upgrade needs CREATEROLE. Nothing changes on SQLite.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from workinggroup_app.storage import server_roles

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    server_roles.ensure_server_roles(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    server_roles.remove_server_objects(bind)
