"""The command line: ``workinggroup-app [options] [command]``. With no command, the desktop app.

``build_parser`` asks each module of commands to register its own (``setup``, ``database``,
``demo``, ``records``, ``export``, ``sheets``, ``exchange``, ``report``, ``desktop``); ``base`` holds what they
share: who acts, which database, the messages, and ``guarded``, which turns expected
problems into one line on stderr and an exit status (1; usage errors 2). The desktop
interface is handed to ``main`` as a parameter by the installed command
(``workinggroup_ui.launch``), so the core never imports Qt or the interface.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from workinggroup_app.cli import (
    database,
    demo,
    exchange,
    export,
    records,
    report,
    setup,
    sheets,
    users,
)
from workinggroup_app.cli import desktop as desktop_commands
from workinggroup_app.cli.base import LANGS, USAGE, USER_ENV, guarded

if TYPE_CHECKING:
    from workinggroup_app.cli.desktop import Desktop


class _Version(argparse.Action):
    """--version, read from the installed metadata only when asked (not at every start)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kw: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kw)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kw: Any) -> None:
        from workinggroup_app import __version__

        print(f"workinggroup-app {__version__}", flush=True)
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="workinggroup-app",
        description="Case management for the US side of the US-China counternarcotics "
        "working group. With no command, starts the desktop application.",
    )
    p.add_argument("--version", action=_Version, help="show the version and exit")
    p.add_argument(
        "--database-url",
        metavar="URL",
        help="SQLite file path or postgresql://user@host/db (default: $WORKINGGROUP_DATABASE_URL "
        "or a file in the user's data folder)",
    )
    p.add_argument(
        "--user",
        metavar="NAME",
        help=f"sign in as this account (default: ${USER_ENV}); every command that reads or "
        "changes records needs a sign-in",
    )
    p.add_argument(
        "--password-stdin",
        dest="password_from_stdin",
        action="store_true",
        help="read the sign-in password from the first line of standard input "
        "(otherwise it is asked on the terminal)",
    )
    p.add_argument("--lang", choices=LANGS, help="language of the interface and messages")
    p.add_argument("--demo", action="store_true", help="start the desktop app with demo data")
    p.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation on a temporary database (window, packet PDF) and exit",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    # one module per group of commands; each registers its handlers (func)
    for group in (
        setup,
        users,
        database,
        demo,
        records,
        export,
        sheets,
        exchange,
        report,
        desktop_commands,
    ):
        group.add_commands(sub)
    return p


# --- entry point -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, *, desktop: Desktop | None = None) -> int:
    """Run one command (or, with none, the desktop application) and return the exit status.

    ``desktop`` is the window side (``workinggroup_ui.launch.QtDesktop`` in the installed
    command); without it, the commands that need a window say so and exit 1."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args, rest = parser.parse_known_args(argv)
        if args.command is not None and rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
    except SystemExit as exc:  # --help, --version, usage errors
        return int(exc.code or 0) if not isinstance(exc.code, str) else USAGE
    args.desktop = desktop
    if args.self_test:  # prints each step; exits 1 at the first failure
        from workinggroup_app.cli.selftest import run_self_test

        return run_self_test(lang=args.lang or "en", desktop=desktop)
    if args.command is None:
        return guarded(lambda: desktop_commands.run_gui(args, rest), args, parser)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    return guarded(lambda: int(args.func(args) or 0), args, parser)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
