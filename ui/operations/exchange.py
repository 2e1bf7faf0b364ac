"""What a user may do with the counterpart's packages, one ``Op`` per intent on the exchange
core: make this side's key, trust theirs, write a package, verify one, apply it, and settle
a conflict. Writing and applying report progress and can be cancelled."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from workinggroup_app.exchange import sync
from workinggroup_app.services.core import Change
from workinggroup_ui.operations.op import Context, Op


def generate_key(ctx: Context, name: str, key_dir: Path) -> Op:
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: sync.generate_key(name, directory=key_dir, db=db, actor=actor))


def register_key(ctx: Context, name: str, path: Path) -> Op:
    """Trust the public key in ``path`` as ``name``'s."""
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: sync.register_key(db, name, path.read_bytes(), actor=actor))


def export_package(
    ctx: Context, out: Path, *, since: date | None, key_dir: Path, progress_label: str
) -> Op:
    db, actor = ctx.db, ctx.actor
    return Op(
        ctx,
        lambda progress: sync.export_package(
            db, out, since=since, actor=actor, key_dir=key_dir, progress=progress
        ),
        progress_label=progress_label,
    )


def preview_import(ctx: Context, path: Path) -> Op:
    """Verify a package and say what importing it would do; nothing is written."""
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: sync.preview_import(db, path, actor=actor))


def apply_import(ctx: Context, path: Path, *, progress_label: str) -> Op:
    """Import a package; the result is (ImportResult, one Change per record type changed),
    so the lists of those types refresh."""
    db, actor = ctx.db, ctx.actor

    def work(progress: Any) -> Any:
        result = sync.apply_import(db, path, actor=actor, progress=progress)
        changed = sorted({i.record_type for i in result.items if i.action in ("new", "update")})
        return (result, *[Change(k, "import") for k in changed])

    return Op(ctx, work, progress_label=progress_label)


def resolve_conflict(ctx: Context, conflict_id: int, choice: str) -> Op:
    """``choice``: "mine" keeps this side's version, "theirs" takes the counterpart's."""
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: sync.resolve_conflict(db, conflict_id, choice, actor=actor))
