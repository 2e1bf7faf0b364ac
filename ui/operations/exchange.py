"""What a user may do with the counterpart's packages, one ``Op`` per intent on the exchange
core: make this side's key (protected by a passphrase), protect an old one, trust theirs,
write a package (encrypted to the counterpart chosen), verify one, apply it, and settle a
conflict. Writing and applying report progress and can be cancelled."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from workinggroup_app.exchange import sync
from workinggroup_app.services.core import Change
from workinggroup_ui.operations.op import Context, Op


def generate_key(ctx: Context, name: str, key_dir: Path | None, passphrase: str) -> Op:
    db, actor = ctx.db, ctx.actor
    return Op(
        ctx,
        lambda: sync.generate_key(
            name, passphrase=passphrase, directory=key_dir, db=db, actor=actor
        ),
    )


def protect_key(ctx: Context, new_passphrase: str, key_dir: Path | None) -> Op:
    """Encrypt an old, unprotected private key with ``new_passphrase``, in place."""
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: sync.protect_key(new_passphrase, directory=key_dir, db=db, actor=actor))


def register_key(ctx: Context, name: str, path: Path) -> Op:
    """Trust the public key in ``path`` as ``name``'s."""
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: sync.register_key(db, name, path.read_bytes(), actor=actor))


def export_package(
    ctx: Context,
    out: Path,
    *,
    since: date | None,
    key_dir: Path | None,
    progress_label: str,
    to: str | None = None,
    passphrase: str | None = None,
) -> Op:
    """Write a package encrypted to the registered counterpart key ``to`` (a fingerprint;
    the only one registered when None) and to this side's key."""
    db, actor = ctx.db, ctx.actor
    return Op(
        ctx,
        lambda progress: sync.export_package(
            db,
            out,
            since=since,
            actor=actor,
            key_dir=key_dir,
            progress=progress,
            to=to,
            passphrase=passphrase,
        ),
        progress_label=progress_label,
    )


def preview_import(
    ctx: Context, path: Path, *, key_dir: Path | None = None, passphrase: str | None = None
) -> Op:
    """Decrypt and verify a package and say what importing it would do; nothing is written."""
    db, actor = ctx.db, ctx.actor
    return Op(
        ctx,
        lambda: sync.preview_import(db, path, actor=actor, key_dir=key_dir, passphrase=passphrase),
    )


def apply_import(
    ctx: Context,
    path: Path,
    *,
    progress_label: str,
    key_dir: Path | None = None,
    passphrase: str | None = None,
) -> Op:
    """Import a package; the result is (ImportResult, one Change per record type changed),
    so the lists of those types refresh."""
    db, actor = ctx.db, ctx.actor

    def work(progress: Any) -> Any:
        result = sync.apply_import(
            db, path, actor=actor, progress=progress, key_dir=key_dir, passphrase=passphrase
        )
        changed = sorted({i.record_type for i in result.items if i.action in ("new", "update")})
        return (result, *[Change(k, "import") for k in changed])

    return Op(ctx, work, progress_label=progress_label)


def resolve_conflict(ctx: Context, conflict_id: int, choice: str) -> Op:
    """``choice``: "mine" keeps this side's version, "theirs" takes the counterpart's."""
    db, actor = ctx.db, ctx.actor
    return Op(ctx, lambda: sync.resolve_conflict(db, conflict_id, choice, actor=actor))
