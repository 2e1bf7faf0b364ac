"""``setup``: day one of a database on the command line, as the desktop's set-up wizard does
it: the first administrator, the office profile and the shipped reference data::

    setup --admin NAME [--display-name TEXT] [--password-stdin]
          [--side US|PRC] [--office-name TEXT] [--default-releasability us_only|releasable]
          [--no-reference-data]

The password comes from a prompt (asked twice) or, for scripts, from the first line of
standard input (``--password-stdin``); never from an argument, which other users of the
machine could read. Everything is written in one transaction, each step audited; a
database that already has an account is refused (exit status 1).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from workinggroup_app.cli.base import (
    UsageError,
    database_url,
    encrypted_file,
    open_db,
    say,
    word_for,
)

SIDES = ("US", "PRC")
RELEASABILITY = ("us_only", "releasable")


def add_commands(subparsers: Any) -> None:
    """Register ``setup``."""
    p = subparsers.add_parser(
        "setup",
        help="set up a new database: first administrator, office profile, reference data",
        description="Create the first administrator of a database with no accounts, store "
        "the office profile and load the shipped agencies and substances, in one audited "
        "transaction.",
    )
    p.add_argument("--admin", required=True, metavar="NAME", help="the administrator's user name")
    p.add_argument("--display-name", default="", metavar="TEXT", help="the administrator's name")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the administrator's password from the first line of standard input",
    )
    p.add_argument("--side", choices=SIDES, default="US", help="this installation's side")
    p.add_argument("--office-name", default="", metavar="TEXT", help="the office's name")
    p.add_argument(
        "--default-releasability",
        choices=RELEASABILITY,
        default="us_only",
        help="the marking new records start with (default: us_only)",
    )
    p.add_argument(
        "--no-reference-data",
        action="store_true",
        help="do not load the shipped agencies and substances",
    )
    p.add_argument(
        "--no-encryption",
        action="store_true",
        help="leave a new SQLite file unencrypted (by default it is encrypted, its key "
        "wrapped for the administrator, and a recovery key is printed once)",
    )
    p.set_defaults(func=cmd_setup)


def read_password(args: argparse.Namespace) -> str:
    """The password from stdin (``--password-stdin``) or a prompt asked twice."""
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise UsageError("--password-stdin: standard input is empty")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the password: use --password-stdin")
    first = getpass.getpass(word_for(args, "Password: ", "密码："))
    second = getpass.getpass(word_for(args, "Password again: ", "再次输入密码："))
    if first != second:
        raise UsageError(word_for(args, "the passwords differ", "两次输入的密码不一致"))
    return first


def cmd_setup(args: argparse.Namespace) -> int:
    from workinggroup_app.services.office import OfficeProfile
    from workinggroup_app.services.setup import SetupRequest, set_up

    password = read_password(args)
    request = SetupRequest(
        admin_username=args.admin,
        admin_password=password,
        admin_display_name=args.display_name,
        office=OfficeProfile(args.side, args.office_name, args.default_releasability),
        load_reference_data=not args.no_reference_data,
    )
    from workinggroup_app.services.setup import AlreadySetUp

    if encrypted_file(database_url(args)):  # an encrypted file has its administrator already
        raise AlreadySetUp()
    db = open_db(args, sign_in_as="nobody")  # set-up itself refuses a database with accounts
    try:
        result = set_up(db, request)
        where = db.display_name
    finally:
        db.dispose()
    profile = result.profile
    say(
        word_for(
            args,
            f"set up {where}: administrator {result.actor.username}; office "
            f"{profile.name or '(no name)'}, side {profile.side}, new records "
            f"{profile.default_releasability}",
            f"已设置 {where}：管理员 {result.actor.username}；办公室 {profile.name or '（未命名）'}，"
            f"所属方 {profile.side}，新记录默认 {profile.default_releasability}",
        )
    )
    if result.reference is not None:
        say(word_for(args, result.reference.summary_en(), result.reference.summary_zh()))
    from workinggroup_app.storage.engine import sqlite_path

    path = sqlite_path(database_url(args))
    if path is not None and not args.no_encryption:
        from workinggroup_app.cli.database import say_recovery_key
        from workinggroup_app.storage.credentials import Credentials
        from workinggroup_app.storage.encryption import encrypt_file

        # nothing but the profile and reference data yet: no plain copy worth keeping
        done = encrypt_file(
            path, Credentials(result.actor.username, password), keep_plain_copy=False
        )
        say(word_for(args, f"encrypted {path}", f"已加密 {path}"))
        say_recovery_key(args, done.key_file, done.recovery_key)
    return 0
