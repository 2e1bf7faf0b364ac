"""``demo seed``: fill a database with the generated demo data set."""

from __future__ import annotations

import argparse
import time
from typing import Any

from workinggroup_app.cli.base import clear_progress, number_arg, open_db, progress_printer, say


def add_commands(subparsers: Any) -> None:
    """Register ``demo seed``."""
    demo = subparsers.add_parser("demo", help="demo data")
    demo_sub = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    seed = demo_sub.add_parser("seed", help="fill the database with generated demo records")
    seed.add_argument(
        "--scale", type=number_arg, default=None, help="how much data (default: small)"
    )
    seed.add_argument("--seed", type=int, default=2024, help="random seed (default: 2024)")
    seed.set_defaults(func=cmd_demo_seed)


def cmd_demo_seed(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import DomainError

    try:
        from workinggroup_app import demo
    except ModuleNotFoundError as exc:  # a build made without the demo data set
        if exc.name != "workinggroup_app.demo":
            raise
        raise DomainError("Demo data is not available in this build.") from None
    db = open_db(args)
    try:
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
