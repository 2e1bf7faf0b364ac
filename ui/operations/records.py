"""What a user may do to a record, one function per intent, each an ``Op`` on the record
services: create, update, move through the workflow (one record or many), reassign to
another owner (one record or many), archive, restore, and save a meeting's parts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import QWidget

from workinggroup_ui.operations.op import Context, Op


def create(
    ctx: Context, type_key: str, values: Mapping[str, Any], *, parent: QWidget | None = None
) -> Op:
    services = ctx.services
    return Op(ctx, lambda: services.create(type_key, values), parent=parent)


def update(
    ctx: Context,
    type_key: str,
    record_id: int,
    values: Mapping[str, Any],
    version: int,
    *,
    parent: QWidget | None = None,
) -> Op:
    """Save the edited fields; refused as stale when someone saved ``version`` meanwhile."""
    services = ctx.services
    return Op(ctx, lambda: services.update(type_key, record_id, values, version), parent=parent)


def transition(
    ctx: Context,
    type_key: str,
    record_id: int,
    target: str,
    *,
    version: int,
    comment: str = "",
    outcome: str | None = None,
    duplicate_of: int | None = None,
    note_releasable: bool = False,
    parent: QWidget | None = None,
) -> Op:
    services = ctx.services
    return Op(
        ctx,
        lambda: services.transition(
            type_key,
            record_id,
            target,
            comment=comment,
            expected_version=version,
            outcome=outcome,
            duplicate_of=duplicate_of,
            note_releasable=note_releasable,
        ),
        parent=parent,
    )


def bulk_transition(
    ctx: Context,
    type_key: str,
    items: Sequence[tuple[int, int]],
    target: str,
    *,
    comment: str = "",
    outcome: str | None = None,
    parent: QWidget | None = None,
) -> Op:
    """Move every (id, version) of ``items`` to ``target``, all or none."""
    services = ctx.services
    return Op(
        ctx,
        lambda: services.bulk_transition(type_key, items, target, comment=comment, outcome=outcome),
        parent=parent,
    )


def reassign(
    ctx: Context,
    items: Sequence[tuple[int, int]],
    owner: int | str | None,
    *,
    type_key: str = "action_item",
    parent: QWidget | None = None,
) -> Op:
    """Give every (id, version) of ``items`` the owner account ``owner``, all or none."""
    services = ctx.services
    items = list(items)
    return Op(ctx, lambda: services.reassign(items, owner, type_key=type_key), parent=parent)


def set_archived(
    ctx: Context,
    type_key: str,
    record_id: int,
    version: int,
    archived: bool,
    *,
    parent: QWidget | None = None,
) -> Op:
    """Archive the record (``archived``) or bring it back."""
    services = ctx.services
    fn = services.archive if archived else services.restore
    return Op(ctx, lambda: fn(type_key, record_id, version), parent=parent)


def save_meeting_content(
    ctx: Context,
    meeting_id: int,
    version: int,
    payload: Mapping[str, Any],
    *,
    parent: QWidget | None = None,
) -> Op:
    """Save a meeting's attendees, agenda, decisions and discussed records as one edit."""
    services = ctx.services
    return Op(
        ctx, lambda: services.save_meeting_content(meeting_id, version, **payload), parent=parent
    )
