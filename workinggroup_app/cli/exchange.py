"""``exchange ...``: signed packages with the counterpart::

    exchange keygen [--name NAME] [--force] [-o PUBLIC_KEY_COPY]
    exchange register-key --name NAME FILE
    exchange keys
    exchange export [--since YYYY-MM-DD] -o FILE
    exchange import FILE [--dry-run]
    exchange conflicts
    exchange resolve ID (--keep-mine | --take-theirs)

Exit status: 0 done; 1 refused (a tampered package); 3 an import that left conflicts or
records that could not be imported, for a person to look at.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workinggroup_app.cli.base import Progress, actor, date_arg, lang_of, open_db, say, word_for

REJECTED = 1
NEEDS_ATTENTION = 3


def add_commands(subparsers: Any) -> None:
    """Register ``exchange`` and its actions."""
    ex = subparsers.add_parser("exchange", help="signed exchange packages with the counterpart")
    ex_sub = ex.add_subparsers(dest="exchange_command", metavar="ACTION", required=True)

    kg = ex_sub.add_parser("keygen", help="create this side's signing key")
    kg.add_argument("--name", default="US", help="this side's name in packages (default: US)")
    kg.add_argument("--force", action="store_true", help="replace an existing key")
    kg.add_argument("-o", "--output", metavar="FILE", help="also copy the public key here")
    kg.set_defaults(func=cmd_keygen)

    rk = ex_sub.add_parser("register-key", help="trust the counterpart's public key")
    rk.add_argument("--name", required=True, help="who the key belongs to, e.g. 'PRC MPS'")
    rk.add_argument("file", metavar="FILE", help="public key file (PEM)")
    rk.set_defaults(func=cmd_register_key)

    ks = ex_sub.add_parser("keys", help="show this side's key and the registered keys")
    ks.set_defaults(func=cmd_keys)

    xo = ex_sub.add_parser("export", help="write a signed package of releasable records")
    xo.add_argument(
        "--since", type=date_arg, metavar="YYYY-MM-DD", help="only records changed since this date"
    )
    xo.add_argument("-o", "--output", required=True, metavar="FILE")
    xo.set_defaults(func=cmd_exchange_export)

    xi = ex_sub.add_parser("import", help="verify a package and merge it")
    xi.add_argument("file", metavar="FILE")
    xi.add_argument("--dry-run", action="store_true", help="verify and preview; write nothing")
    xi.set_defaults(func=cmd_exchange_import)

    xc = ex_sub.add_parser("conflicts", help="list conflicts waiting for a decision")
    xc.set_defaults(func=cmd_conflicts)

    xr = ex_sub.add_parser("resolve", help="resolve a conflict")
    xr.add_argument("id", type=int, metavar="ID", help="conflict number (see 'conflicts')")
    which = xr.add_mutually_exclusive_group(required=True)
    which.add_argument("--keep-mine", action="store_true", help="keep this side's version")
    which.add_argument("--take-theirs", action="store_true", help="take the counterpart's")
    xr.set_defaults(func=cmd_resolve)


def cmd_keygen(args: argparse.Namespace) -> int:
    from workinggroup_app.exchange import sync

    db = open_db(args)
    try:
        info = sync.generate_key(args.name, overwrite=args.force, db=db, actor=actor(args))
    finally:
        db.dispose()
    if args.output:
        Path(args.output).write_bytes(info.public_path.read_bytes())
    say(f"private key: {info.private_path} (keep it secret; readable by you only)")
    say(f"public key:  {args.output or info.public_path} (send it to the counterpart)")
    say(f"fingerprint: {info.fingerprint}")
    say("Read the fingerprint to the counterpart by another channel (telephone, in person)")
    say("so they can check the key they register is really yours.")
    return 0


def cmd_register_key(args: argparse.Namespace) -> int:
    from workinggroup_app.exchange import sync

    data = Path(args.file).read_bytes()
    db = open_db(args)
    try:
        key = sync.register_key(db, args.name, data, actor=actor(args))
    finally:
        db.dispose()
    say(f"registered '{key.name}'")
    say(f"fingerprint: {key.fingerprint}")
    say("Check this fingerprint with the counterpart before importing their packages.")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import DomainError
    from workinggroup_app.exchange import sync

    try:
        _key, info = sync.own_key()
        say(f"this side: {info.name}  {info.fingerprint}")
    except DomainError as exc:
        say(exc.message(lang_of(args)))
    db = open_db(args)
    try:
        with db.session() as session:
            keys = sync.registered_keys(session)
            for k in keys:
                state = "" if k.active else " (revoked)"
                say(f"registered: {k.name}  {k.fingerprint}{state}")
    finally:
        db.dispose()
    if not keys:
        say("no counterpart key registered yet ('exchange register-key --name NAME FILE')")
    return 0


def cmd_exchange_export(args: argparse.Namespace) -> int:
    from workinggroup_app.domain import vocabulary
    from workinggroup_app.exchange import sync

    db = open_db(args)
    progress = Progress("exporting")
    try:
        result = sync.export_package(
            db, args.output, since=args.since, actor=actor(args), progress=progress
        )
    finally:
        progress.clear()
        db.dispose()
    lang = lang_of(args)
    for key, n in result.counts.items():
        if n:
            say(f"{vocabulary.word('record_type_plural', key, lang)}: {n:,}")
    say(f"wrote {result.total:,} releasable records to {result.path}")
    say(f"signed with key {result.fingerprint}")
    return 0


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def print_plan(result: Any, lang: str = "en") -> None:
    from workinggroup_app.domain import vocabulary
    from workinggroup_app.domain.fields import record_type
    from workinggroup_app.exchange import sync

    zh = lang.startswith("zh")
    when = result.created_at.strftime("%Y-%m-%d %H:%M UTC") if result.created_at else "?"
    say(
        f"package {result.file} from {result.sender} (key {sync.short_fingerprint(result.fingerprint)}), made {when}"
        if not zh
        else f"交换包 {result.file}，来自 {result.sender}（密钥 {sync.short_fingerprint(result.fingerprint)}），生成于 {when}"
    )
    for action, n in result.counts().items():
        if n:
            en, zh_word = vocabulary.pair("exchange_outcome", action)
            say(f"  {zh_word if zh else en}: {n:,}")
    for item in result.items:
        if item.action == sync.UNCHANGED:
            continue
        en, zh_word = vocabulary.pair("exchange_outcome", item.action)
        kind = vocabulary.word("record_type", item.record_type, lang)
        say(f"{zh_word if zh else en}: {kind} {item.reference} {_show(item.title)}")
        if item.message_en and item.action in (sync.PROBLEM, sync.CONFLICT):
            say(f"    {item.message(lang)}")
        if item.action in (sync.UPDATE, sync.CONFLICT):
            rt = record_type(item.record_type)
            for name, ours, theirs in item.changes:
                label = sync.content_label(rt.key, name, lang)
                say(f"    {label}: {_show(ours)} -> {_show(theirs)}")


def cmd_exchange_import(args: argparse.Namespace) -> int:
    from workinggroup_app.exchange import sync

    lang = lang_of(args)
    db = open_db(args)
    progress = Progress("importing")
    try:
        if args.dry_run:
            result = sync.preview_import(db, args.file, actor=actor(args))
        else:
            result = sync.apply_import(db, args.file, actor=actor(args), progress=progress)
    finally:
        progress.clear()
        db.dispose()
    print_plan(result, lang)
    counts = result.counts()
    if args.dry_run:
        say(word_for(args, "dry run: nothing was changed", "试运行：未作任何更改"))
    if counts[sync.CONFLICT]:
        say(
            word_for(
                args,
                f"{counts[sync.CONFLICT]} conflict(s) kept for you to resolve: "
                "'exchange conflicts', then 'exchange resolve ID --keep-mine|--take-theirs'",
                f"{counts[sync.CONFLICT]} 处冲突待处理：请使用“exchange conflicts”查看，"
                "再用“exchange resolve 编号 --keep-mine|--take-theirs”处理",
            )
        )
    if counts[sync.CONFLICT] or counts[sync.PROBLEM]:
        return NEEDS_ATTENTION
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from workinggroup_app.domain import vocabulary
    from workinggroup_app.domain.fields import record_type
    from workinggroup_app.exchange import sync

    lang = lang_of(args)
    db = open_db(args)
    try:
        conflicts = sync.open_conflicts(db)
    finally:
        db.dispose()
    if not conflicts:
        say(word_for(args, "no conflicts", "没有冲突"))
        return 0
    for c in conflicts:
        rt = record_type(c.record_type)
        when = c.detected_at.strftime("%Y-%m-%d %H:%M UTC")
        kind = vocabulary.word("record_type", c.record_type, lang)
        say(f"#{c.id}  {kind} {c.reference} {_show(c.title)}  ({c.sender}, {when})")
        for name, ours, theirs in c.differences:
            label = sync.content_label(rt.key, name, lang)
            say(f"    {label}: ours {_show(ours)} | theirs {_show(theirs)}")
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from workinggroup_app.exchange import sync

    choice = "mine" if args.keep_mine else "theirs"
    db = open_db(args)
    try:
        change = sync.resolve_conflict(db, args.id, choice, actor=actor(args))
    finally:
        db.dispose()
    if choice == "mine":
        say(
            f"kept our version of {change.reference}; it goes to the counterpart with the next export"
        )
    else:
        say(f"took the counterpart's version of {change.reference}")
    return 0
