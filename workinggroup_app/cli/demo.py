"""``demo seed``: fill a database with the generated demo data set."""

from __future__ import annotations

import argparse
import time
from typing import Any

from workinggroup_app.cli.base import (
    SETUP_ACTOR_NAME,
    actor,
    clear_progress,
    number_arg,
    open_db,
    progress_printer,
    say,
    word_for,
)
from workinggroup_app.domain.permissions import require


def add_commands(subparsers: Any) -> None:
    """Register ``demo seed``."""
    demo = subparsers.add_parser("demo", help="demo data")
    demo_sub = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    seed = demo_sub.add_parser("seed", help="fill the database with generated demo records")
    seed.add_argument(
        "--scale", type=number_arg, default=None, help="how much data (default: small)"
    )
    seed.add_argument("--seed", type=int, default=2024, help="random seed (default: 2024)")
    seed.add_argument(
        "--password",
        metavar="P",
        help="on a database without accounts, the password of the five demo accounts "
        "(administrator, manager, coordinator, liaison, viewer); a random one is made and "
        "printed when omitted",
    )
    seed.set_defaults(func=cmd_demo_seed)


def _role_accounts(args: argparse.Namespace, db: Any) -> None:
    import secrets

    from workinggroup_app.services import users

    password = args.password if args.password is not None else secrets.token_urlsafe(12)
    names = users.create_role_accounts(db, password)
    say(word_for(args, f"accounts: {', '.join(names)}", f"账户：{'、'.join(names)}"))
    if args.password is None:  # shown once: it is stored only as a hash
        say(word_for(args, f"their password: {password}", f"其密码：{password}"))


def cmd_demo_seed(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import DomainError

    try:
        from workinggroup_app import demo
    except ModuleNotFoundError as exc:  # a build made without the demo data set
        if exc.name != "workinggroup_app.demo":
            raise
        raise DomainError("Demo data is not available in this build.") from None
    db = open_db(args, sign_in_as="first_run")
    try:
        require(actor(args), "maintain_database")
        if actor(args).username == SETUP_ACTOR_NAME:  # no account yet: one per role
            _role_accounts(args, db)
        elif args.password is not None:
            say(
                word_for(
                    args,
                    "--password ignored: this database has accounts already",
                    "已忽略 --password：此数据库已有账户",
                )
            )
        started = time.monotonic()
        counts = demo.seed(db, scale=args.scale, seed=args.seed, progress=progress_printer())
        seconds = time.monotonic() - started
    finally:
        db.dispose()
    clear_progress()
    for key, n in counts.items():
        say(f"{key}: {n:,}")
    say(f"seeded in {seconds:.1f} s")
    return 0
