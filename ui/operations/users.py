"""What an administrator may do to an account, one ``Op`` per intent on the user services
(every one checked again by the service and recorded in the audit trail)."""

from __future__ import annotations

from workinggroup_app.services import users
from workinggroup_ui.operations.op import Context, Op


def create_user(
    ctx: Context, username: str, password: str, role: str, display_name: str = ""
) -> Op:
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: users.create_user(db, actor, username, password, role, display_name))


def set_role(ctx: Context, username: str, role: str) -> Op:
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: users.set_role(db, actor, username, role))


def set_password(ctx: Context, username: str, password: str) -> Op:
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: users.set_password(db, actor, username, password))


def set_active(ctx: Context, username: str, active: bool) -> Op:
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: users.set_active(db, actor, username, active))


def unlock(ctx: Context, username: str) -> Op:
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: users.unlock(db, actor, username))
