"""``exchange ...``: signed, encrypted packages with the counterpart::

    exchange keygen [--name NAME] [--force] [-o PUBLIC_KEY_COPY]
    exchange protect-key
    exchange register-key --name NAME FILE
    exchange keys
    exchange export [--since YYYY-MM-DD] [--to NAME] -o FILE
    exchange import FILE [--dry-run]
    exchange show FILE
    exchange conflicts
    exchange resolve ID (--keep-mine | --take-theirs)

The private key is protected by a passphrase, taken (in this order) from the next line of
standard input with ``--passphrase-stdin`` (after the sign-in password when
``--password-stdin`` is used too), from the environment variable
``WORKINGGROUP_KEY_PASSPHRASE``, or asked on the terminal.

Exit status: 0 done; 1 refused (a tampered package, a wrong passphrase); 3 an import that
left conflicts or records that could not be imported, for a person to look at.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from workinggroup_app.cli.base import (
    Progress,
    UsageError,
    actor,
    date_arg,
    lang_of,
    open_db,
    say,
    word_for,
)

REJECTED = 1
NEEDS_ATTENTION = 3
PASSPHRASE_ENV = "WORKINGGROUP_KEY_PASSPHRASE"
PASSPHRASE_HELP = (
    "The private key's passphrase is read from the next line of standard input with "
    "--passphrase-stdin (the line after the sign-in password when --password-stdin is "
    f"used too), else from the environment variable {PASSPHRASE_ENV}, else asked on the "
    "terminal."
)


def _passphrase_option(p: argparse.ArgumentParser, what: str = "the key passphrase") -> None:
    p.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help=f"read {what} from the next line of standard input",
    )


def _stdin_line(args: argparse.Namespace) -> str:
    line = sys.stdin.readline()
    if not line:
        raise UsageError(
            word_for(
                args,
                "--passphrase-stdin: standard input has no line for the key passphrase",
                "--passphrase-stdin：标准输入中没有密钥口令这一行",
            )
        )
    return line.rstrip("\r\n")


def _no_terminal(args: argparse.Namespace, env: bool = True) -> UsageError:
    hint_en = f" or set {PASSPHRASE_ENV}" if env else ""
    hint_zh = f"或设置 {PASSPHRASE_ENV}" if env else ""
    return UsageError(
        word_for(
            args,
            f"no terminal to ask for the key passphrase: use --passphrase-stdin{hint_en}",
            f"没有可用于输入密钥口令的终端：请使用 --passphrase-stdin{hint_zh}",
        )
    )


def passphrase(args: argparse.Namespace, prompt: str = "") -> str:
    """The passphrase of this side's key: a line of stdin, the environment, the terminal."""
    if getattr(args, "passphrase_stdin", False):
        return _stdin_line(args)
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise _no_terminal(args)
    return getpass.getpass(prompt or word_for(args, "Key passphrase: ", "密钥口令："))


def new_passphrase(args: argparse.Namespace, *, env_ok: bool = True) -> str:
    """A new passphrase: a line of stdin, the environment (when ``env_ok``), or asked twice
    on the terminal."""
    if getattr(args, "passphrase_stdin", False):
        return _stdin_line(args)
    from_env = os.environ.get(PASSPHRASE_ENV)
    if env_ok and from_env:
        return from_env
    if not sys.stdin.isatty():
        raise _no_terminal(args, env=env_ok)
    first = getpass.getpass(word_for(args, "New key passphrase: ", "新的密钥口令："))
    second = getpass.getpass(word_for(args, "New key passphrase again: ", "再次输入新的密钥口令："))
    if first != second:
        raise UsageError(word_for(args, "the passphrases differ", "两次输入的口令不一致"))
    return first


def unlock_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase of this side's key when it is protected; for an old unprotected key,
    None and a warning to protect it."""
    from workinggroup_app.exchange import sync

    info = sync.key_info()
    if info.protected:
        return passphrase(args)
    warn_unprotected(args)
    return None


def warn_unprotected(args: argparse.Namespace) -> None:
    print(
        word_for(
            args,
            "warning: this side's private key is stored without a passphrase; protect it "
            "with 'exchange protect-key'",
            "警告：本方私钥未设口令保护；请使用“exchange protect-key”加以保护",
        ),
        file=sys.stderr,
        flush=True,
    )


def add_commands(subparsers: Any) -> None:
    """Register ``exchange`` and its actions."""
    ex = subparsers.add_parser(
        "exchange",
        help="signed, encrypted exchange packages with the counterpart",
        description=PASSPHRASE_HELP,
    )
    ex_sub = ex.add_subparsers(dest="exchange_command", metavar="ACTION", required=True)

    kg = ex_sub.add_parser(
        "keygen",
        help="create this side's key, protected by a passphrase",
        description=f"Create this side's key. {PASSPHRASE_HELP} On a terminal it is asked twice.",
    )
    kg.add_argument("--name", default="US", help="this side's name in packages (default: US)")
    kg.add_argument("--force", action="store_true", help="replace an existing key")
    kg.add_argument("-o", "--output", metavar="FILE", help="also copy the public key here")
    _passphrase_option(kg, "the new key passphrase")
    kg.set_defaults(func=cmd_keygen)

    pk = ex_sub.add_parser(
        "protect-key",
        help="encrypt this side's private key with a passphrase (or change it)",
        description=(
            "Encrypt this side's private key with a new passphrase, in place; the key and "
            "its fingerprint stay the same. A key already protected is opened with its "
            "current passphrase first (a change of passphrase). With --passphrase-stdin the "
            "current passphrase (when there is one) and then the new one are the next lines "
            f"of standard input; with {PASSPHRASE_ENV} set, that is the current one."
        ),
    )
    _passphrase_option(pk, "the passphrase(s)")
    pk.set_defaults(func=cmd_protect_key)

    rk = ex_sub.add_parser("register-key", help="trust the counterpart's public key")
    rk.add_argument("--name", required=True, help="who the key belongs to, e.g. 'PRC MPS'")
    rk.add_argument("file", metavar="FILE", help="public key file (PEM)")
    rk.set_defaults(func=cmd_register_key)

    ks = ex_sub.add_parser("keys", help="show this side's key and the registered keys")
    ks.set_defaults(func=cmd_keys)

    xo = ex_sub.add_parser(
        "export",
        help="write a signed package of releasable records, encrypted to the counterpart",
        description=(
            "Write a package signed with this side's key and encrypted to the registered "
            "counterpart key chosen with --to (the only one registered by default) and to "
            f"this side's own key, so that it can be opened here again ('exchange show'). {PASSPHRASE_HELP}"
        ),
    )
    xo.add_argument(
        "--since", type=date_arg, metavar="YYYY-MM-DD", help="only records changed since this date"
    )
    xo.add_argument(
        "--to",
        metavar="NAME",
        help="the registered counterpart key to encrypt to (its name or fingerprint); needed "
        "only when more than one is registered",
    )
    xo.add_argument("-o", "--output", required=True, metavar="FILE")
    _passphrase_option(xo)
    xo.set_defaults(func=cmd_exchange_export)

    xi = ex_sub.add_parser(
        "import",
        help="decrypt and verify a package and merge it",
        description=f"Decrypt a package with this side's key, verify and merge it. {PASSPHRASE_HELP}",
    )
    xi.add_argument("file", metavar="FILE")
    xi.add_argument("--dry-run", action="store_true", help="verify and preview; write nothing")
    _passphrase_option(xi)
    xi.set_defaults(func=cmd_exchange_import)

    xs = ex_sub.add_parser(
        "show",
        help="decrypt and verify a package and list what it holds, without importing it "
        "(also one this side wrote)",
        description=f"Decrypt and verify a package and list what it holds. {PASSPHRASE_HELP}",
    )
    xs.add_argument("file", metavar="FILE")
    _passphrase_option(xs)
    xs.set_defaults(func=cmd_show)

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
        who = actor(args)
        sync.check_can_create(overwrite=args.force)  # before asking for a passphrase
        secret = new_passphrase(args)
        sync.check_new_passphrase(secret)
        info = sync.generate_key(
            args.name, passphrase=secret, overwrite=args.force, db=db, actor=who
        )
    finally:
        db.dispose()
    if args.output:
        Path(args.output).write_bytes(info.public_path.read_bytes())
    say(f"private key: {info.private_path} (protected by your passphrase; readable by you only)")
    say(f"public key:  {args.output or info.public_path} (send it to the counterpart)")
    say(f"fingerprint: {info.fingerprint}")
    say("Read the fingerprint to the counterpart by another channel (telephone, in person)")
    say("so they can check the key they register is really yours.")
    return 0


def cmd_protect_key(args: argparse.Namespace) -> int:
    from workinggroup_app.exchange import sync

    db = open_db(args)
    try:
        who = actor(args)
        info = sync.key_info()
        current = None
        if info.protected:
            current = passphrase(args, word_for(args, "Current key passphrase: ", "当前密钥口令："))
            sync.own_key(passphrase=current)  # a wrong one is refused before asking more
        # the environment gives the key's passphrase: the new one only for a key without
        new = new_passphrase(args, env_ok=not info.protected)
        sync.check_new_passphrase(new)
        info = sync.protect_key(new, passphrase=current, db=db, actor=who)
    finally:
        db.dispose()
    say(f"private key protected: {info.private_path}")
    say(f"fingerprint (unchanged): {info.fingerprint}")
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
        info = sync.key_info()
        say(f"this side: {info.name}  {info.fingerprint}")
        if not info.protected:
            warn_unprotected(args)
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
        who = actor(args)
        with db.session() as session:  # no counterpart key: say so before asking anything
            sync.choose_recipients(session, args.to)
        secret = unlock_passphrase(args)
        result = sync.export_package(
            db,
            args.output,
            since=args.since,
            actor=who,
            progress=progress,
            to=args.to,
            passphrase=secret,
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
    for name, fp in result.recipients:
        ours = " (this side, to open it again: 'exchange show')" if fp == result.fingerprint else ""
        say(f"encrypted to {name}{ours}: {fp}")
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
        who = actor(args)
        secret = unlock_passphrase(args)
        if args.dry_run:
            result = sync.preview_import(db, args.file, actor=who, passphrase=secret)
        else:
            result = sync.apply_import(
                db, args.file, actor=who, progress=progress, passphrase=secret
            )
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


def cmd_show(args: argparse.Namespace) -> int:
    from workinggroup_app.domain import vocabulary
    from workinggroup_app.exchange import sync

    lang = lang_of(args)
    db = open_db(args)
    try:
        actor(args)
        secret = unlock_passphrase(args)
        with db.session() as session:
            package = sync.inspect_package(session, args.file, passphrase=secret)
    finally:
        db.dispose()
    when = package.created_at.strftime("%Y-%m-%d %H:%M UTC") if package.created_at else "?"
    fp = sync.short_fingerprint(package.fingerprint)
    say(f"package {package.path.name} from {package.sender} (key {fp}), made {when}")
    for name, key_fp in package.recipients:
        say(f"encrypted to {name}: {key_fp}")
    counts: dict[str, int] = {}
    for rec in package.records:
        counts[rec.record_type] = counts.get(rec.record_type, 0) + 1
    for key, n in counts.items():
        say(f"{vocabulary.word('record_type_plural', key, lang)}: {n:,}")
    for rec in package.records:
        kind = vocabulary.word("record_type", rec.record_type, lang)
        title = rec.content.get("title_zh" if lang.startswith("zh") else "title_en")
        say(f"  {kind} {rec.reference} {_show(title)}")
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
