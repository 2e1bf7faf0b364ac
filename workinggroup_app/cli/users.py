"""``users``: accounts for administrators (add, list, set-role, disable, enable, unlock,
reset-password). Every action is a service call of ``services.users`` made as the
signed-in administrator; the service checks the permission and writes the audit event.

A new password is asked twice on the terminal, or read from the next line of standard
input with ``--new-password-stdin`` (after the administrator's own sign-in password when
``--password-stdin`` is used too).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from workinggroup_app.cli.base import UsageError, actor, open_db, say, word_for
from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.permissions import ROLES


def add_commands(subparsers: Any) -> None:
    """Register ``users`` and its actions."""
    p = subparsers.add_parser("users", help="accounts (administrators)")
    sub = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    ls = sub.add_parser("list", help="every account with its role and state")
    ls.set_defaults(func=cmd_list)

    add = sub.add_parser("add", help="create an account")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--display-name", default="", metavar="TEXT")
    _new_password_option(add)
    add.set_defaults(func=cmd_add)

    sr = sub.add_parser("set-role", help="give an account another role")
    sr.add_argument("name", metavar="NAME")
    sr.add_argument("role", choices=ROLES)
    sr.set_defaults(func=cmd_set_role)

    for action, helptext in (
        ("disable", "disable an account (accounts are never deleted)"),
        ("enable", "enable a disabled account again"),
        ("unlock", "lift a sign-in lock before it runs out"),
    ):
        one = sub.add_parser(action, help=helptext)
        one.add_argument("name", metavar="NAME")
        one.set_defaults(func=cmd_account_action, action=action)

    rp = sub.add_parser("reset-password", help="set a new password (also lifts a lock)")
    rp.add_argument("name", metavar="NAME")
    _new_password_option(rp)
    rp.set_defaults(func=cmd_reset_password)


def _new_password_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--new-password-stdin",
        action="store_true",
        help="read the new password from the next line of standard input",
    )


def new_password(args: argparse.Namespace, stdin_option: str = "new_password_stdin") -> str:
    """A new password from the next line of stdin, or asked twice on the terminal."""
    if getattr(args, stdin_option, False):
        line = sys.stdin.readline()
        if not line:
            raise UsageError(
                word_for(
                    args,
                    "standard input has no line for the new password",
                    "标准输入中没有新密码这一行",
                )
            )
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError(
            word_for(
                args,
                "no terminal to ask for the new password: use --new-password-stdin",
                "没有可用于输入新密码的终端：请使用 --new-password-stdin",
            )
        )
    first = getpass.getpass(word_for(args, "New password: ", "新密码："))
    second = getpass.getpass(word_for(args, "New password again: ", "再次输入新密码："))
    if first != second:
        raise UsageError(word_for(args, "the passwords differ", "两次输入的密码不一致"))
    return first


def _done(args: argparse.Namespace, change: Any, en: str, zh: str) -> int:
    if change.action == "none":
        say(
            word_for(
                args, f"{change.reference}: nothing to change", f"{change.reference}：无需更改"
            )
        )
    else:
        say(word_for(args, en, zh))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.models import utcnow
    from workinggroup_app.services import users

    db = open_db(args)
    try:
        accounts = users.list_users(db, actor(args))
    finally:
        db.dispose()
    now = utcnow()
    lang = getattr(args, "lang", None) or "en"
    header = word_for(
        args,
        f"{'NAME':<24} {'ROLE':<14} {'STATE':<10} LAST SIGN-IN",
        f"{'用户名':<21} {'角色':<12} {'状态':<8} 最近登录",
    )
    say(header)
    for u in accounts:
        if not u.active:
            state = word_for(args, "disabled", "已停用")
        elif u.locked(now):
            state = word_for(args, "locked", "已锁定")
        else:
            state = word_for(args, "active", "正常")
        seen = u.last_seen_at.strftime("%Y-%m-%d %H:%M") if u.last_seen_at else "-"
        say(f"{u.username:<24} {users.role_label(u.role, lang):<14} {state:<10} {seen}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from workinggroup_app.services import users

    db = open_db(args)
    try:
        who = actor(args)
        users.list_users(db, who)  # refuse a non-administrator before asking for a password
        password = new_password(args)
        change = users.create_user(db, who, args.name, password, args.role, args.display_name)
    finally:
        db.dispose()
    return _done(
        args,
        change,
        f"added {change.reference} ({args.role})",
        f"已添加 {change.reference}（{users.role_label(args.role, 'zh')}）",
    )


def cmd_set_role(args: argparse.Namespace) -> int:
    from workinggroup_app.services import users

    db = open_db(args)
    try:
        change = users.set_role(db, actor(args), args.name, args.role)
    finally:
        db.dispose()
    return _done(
        args,
        change,
        f"{change.reference} is now {args.role} (from their next sign-in)",
        f"{change.reference} 现为{users.role_label(args.role, 'zh')}（下次登录起生效）",
    )


def cmd_account_action(args: argparse.Namespace) -> int:
    from workinggroup_app.services import users

    db = open_db(args)
    try:
        who = actor(args)
        if args.action == "unlock":
            change = users.unlock(db, who, args.name)
        else:
            change = users.set_active(db, who, args.name, args.action == "enable")
    finally:
        db.dispose()
    en, zh = vocabulary.pair("account_action", args.action)
    return _done(args, change, f"{change.reference}: {en}", f"{change.reference}：{zh}")


def cmd_reset_password(args: argparse.Namespace) -> int:
    from workinggroup_app.services import users

    db = open_db(args)
    try:
        who = actor(args)
        if users.normalise_username(args.name) != who.username:
            users.list_users(db, who)  # only administrators reset someone else's
        password = new_password(args)
        own = users.normalise_username(args.name) == who.username
        current = args._credentials.password if own else None  # signed in with it just now
        change = users.set_password(db, who, args.name, password, current_password=current)
    finally:
        db.dispose()
    return _done(
        args,
        change,
        f"{change.reference}: password set; the account is unlocked",
        f"{change.reference}：已设置新密码，账户已解锁",
    )
