"""What the command line needs of a desktop interface, handed to ``main`` by the installed
command (``workinggroup_ui.launch``): the core never imports Qt or the interface itself.
And the commands that need it: starting the window, ``screenshot``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Protocol

from workinggroup_app.cli.base import LANGS, actor, open_db, say
from workinggroup_app.domain.errors import DomainError


class Desktop(Protocol):
    """The three ways the command line uses a window."""

    def run(
        self, *, database_url: str | None, demo: bool, lang: str | None, argv: list[str]
    ) -> int:
        """Start the desktop application; the process exit code."""
        ...

    def take_screenshots(
        self, out_dir: Path, *, lang: str, db: Any | None = None, actor: Any = None
    ) -> list[Path]:
        """Save the main views as PNG files in ``out_dir``, of ``db`` as ``actor`` sees it
        (without ``db``, of a demo database of their own); their paths."""
        ...

    def render_main_window(self, db: Any, *, lang: str, work: Path) -> str:
        """Build and render the main window over ``db`` (the self-test); a summary line."""
        ...


def no_desktop() -> DomainError:
    """The error of a window command started without a desktop interface."""
    return DomainError(
        "The desktop interface is not part of this command: start it with workinggroup-app.",
        "此命令不包含桌面界面：请用 workinggroup-app 启动。",
    )


def desktop_of(args: argparse.Namespace) -> Desktop:
    """The desktop interface the installed command handed to ``main``."""
    desktop: Desktop | None = getattr(args, "desktop", None)
    if desktop is None:
        raise no_desktop()
    return desktop


def add_commands(subparsers: Any) -> None:
    """Register ``screenshot``."""
    sc = subparsers.add_parser("screenshot", help="save screenshots of the main windows")
    sc.add_argument("--out", required=True, metavar="DIR")
    sc.add_argument("--lang", dest="screenshot_lang", choices=LANGS)
    sc.set_defaults(func=cmd_screenshot)


def run_gui(args: argparse.Namespace, qt_args: list[str]) -> int:
    code = desktop_of(args).run(
        database_url=args.database_url,
        demo=args.demo,
        lang=args.lang,
        argv=[sys.argv[0] if sys.argv else "workinggroup-app", *qt_args],
    )
    return int(code or 0)


def cmd_screenshot(args: argparse.Namespace) -> int:
    desktop = desktop_of(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    lang = args.screenshot_lang or args.lang or "en"
    if args.database_url is None:  # a demo database of its own: nobody's records
        result = desktop.take_screenshots(out, lang=lang)
    else:  # someone's records: as the person signed in sees them
        db = open_db(args, must_exist=True)
        try:
            result = desktop.take_screenshots(out, lang=lang, db=db, actor=actor(args))
        finally:
            db.dispose()
    for item in result:
        say(str(item))
    say(f"screenshots written to {out}")
    return 0
