"""The command line: ``workinggroup-app [options] [command]``. With no command, the desktop app.

Expected problems (bad input, a damaged or too-new database, a missing file) print one line
on stderr and exit 1; usage errors exit 2; neither prints a traceback. The desktop interface
is handed to ``main`` as a parameter by the installed command (``workinggroup_ui.launch``),
so the core never imports Qt or the interface.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workinggroup_app.cli.desktop import Desktop

ERROR = 1
USAGE = 2
LANGS = ("en", "zh_CN")
EXPORT_AUDIENCES = ("internal", "bilateral")


class UsageError(Exception):
    """Arguments that parse but make no sense together (exit status 2)."""


# --- parser ----------------------------------------------------------------------------------


class _Version(argparse.Action):
    """--version, read from the installed metadata only when asked (not at every start)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kw: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kw)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kw: Any) -> None:
        from workinggroup_app import __version__

        print(f"workinggroup-app {__version__}", flush=True)
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    from workinggroup_app.domain.cli_names import CLI_NAMES

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
    p.add_argument("--lang", choices=LANGS, help="language of the interface and messages")
    p.add_argument("--demo", action="store_true", help="start the desktop app with demo data")
    p.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation on a temporary database (window, packet PDF) and exit",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="bring the schema to the latest version (backs up first)")
    db_sub.add_parser("current", help="print the current and the latest schema revision")
    db_sub.add_parser("check", help="read every page of the SQLite file (integrity check)")

    demo = sub.add_parser("demo", help="demo data")
    demo_sub = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    seed = demo_sub.add_parser("seed", help="fill the database with generated demo records")
    seed.add_argument("--scale", type=_number, default=None, help="how much data (default: small)")
    seed.add_argument("--seed", type=int, default=2024, help="random seed (default: 2024)")

    ex = sub.add_parser("export", help="export a list of records to a file")
    ex.add_argument("--type", required=True, choices=list(CLI_NAMES), help="record type")
    ex.add_argument("--format", default="csv", choices=["csv", "xlsx"], help="file format")
    ex.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    ex.add_argument("--status", metavar="S", help="only records in this status (its key)")
    ex.add_argument("--open", action="store_true", help="only records not closed")
    ex.add_argument(
        "--overdue",
        action="store_true",
        help="only overdue action items / referrals awaiting a response past their due date",
    )
    marking = ex.add_mutually_exclusive_group()
    marking.add_argument("--releasable", action="store_true", help="only records marked releasable")
    marking.add_argument("--us-only", action="store_true", help="only records marked US only")
    ex.add_argument("--text", metavar="T", default="", help="only records containing this text")
    ex.add_argument("--include-archived", action="store_true", help="include archived records")
    ex.add_argument(
        "--audience",
        choices=EXPORT_AUDIENCES,
        default="internal",
        help="bilateral: only what the counterpart may see (recorded in the audit trail)",
    )
    ex.add_argument(
        "--headers",
        choices=["en", "zh"],
        default="en",
        help="en: field names (default); zh: Chinese column labels",
    )
    ex.add_argument(
        "--values",
        choices=["keys", "words"],
        default="keys",
        help="coded values as stored keys (default) or as words",
    )

    pdf = sub.add_parser("export-pdf", help="write a meeting packet PDF")
    pdf.add_argument("--meeting", required=True, metavar="MTG-REF", help="meeting reference")
    pdf.add_argument("--audience", required=True, choices=["bilateral", "internal"])
    pdf.add_argument("-o", "--output", required=True, metavar="FILE")

    au = sub.add_parser("audit", help="audit trail")
    au_sub = au.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    au_sub.add_parser("verify", help="check that no audit event was changed or removed")

    bk = sub.add_parser("backup", help="copy the SQLite database to a file (safe while in use)")
    bk.add_argument("-o", "--output", required=True, metavar="FILE")
    bk.add_argument("--force", action="store_true", help="overwrite FILE if it exists")

    rs = sub.add_parser(
        "restore", help="replace the SQLite database with a backup (the current one is kept)"
    )
    rs.add_argument("file", metavar="FILE")

    sc = sub.add_parser("screenshot", help="save screenshots of the main windows")
    sc.add_argument("--out", required=True, metavar="DIR")
    sc.add_argument("--lang", dest="screenshot_lang", choices=LANGS)

    # Commands that live beside their feature; each sets its own handler (func).
    from workinggroup_app.cli import exchange as cli_exchange
    from workinggroup_app.cli import report as cli_report

    cli_exchange.add_commands(sub)  # import, template, exchange
    cli_report.add_commands(sub)  # report review, report overdue
    return p


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


# --- helpers ---------------------------------------------------------------------------------


def _actor() -> Any:
    from workinggroup_app.domain.permissions import Actor

    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = "cli"
    return Actor(user[:64] or "cli", "administrator", "command line")


def _url(args: argparse.Namespace) -> str:
    from workinggroup_app.storage.engine import normalise_url
    from workinggroup_app.storage.paths import default_database_url

    return normalise_url(args.database_url or default_database_url())


def _missing_file(url: str) -> Path | None:
    """The SQLite file a command needs but that does not exist, else None."""
    from workinggroup_app.storage.engine import sqlite_path

    path = sqlite_path(url)
    if path is not None and not path.exists():
        return path
    return None


def _open(args: argparse.Namespace, *, migrate: bool = True, must_exist: bool = False) -> Any:
    from workinggroup_app.domain.errors import StorageError
    from workinggroup_app.storage.database import open_database

    url = _url(args)
    missing = _missing_file(url) if must_exist else None
    if missing is not None:
        raise StorageError(f"There is no database at {missing}.", f"{missing} 处没有数据库。")
    return open_database(url, migrate=migrate)


def _say(text: str) -> None:
    print(text, flush=True)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# --- commands --------------------------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from workinggroup_app.storage.migrate import schema_state, upgrade

    db = _open(args, migrate=False)
    try:
        before = schema_state(db.engine)
        if before.up_to_date:
            _say(f"already at the latest revision {before.head}")
            return 0
        backup = upgrade(db.engine)
        _say(f"upgraded {db.display_name} from {before.current or 'empty'} to {before.head}")
        if backup:
            _say(f"backup of the previous version: {backup}")
    finally:
        db.dispose()
    return 0


def cmd_db_current(args: argparse.Namespace) -> int:
    from workinggroup_app.storage.migrate import known_revisions, schema_state

    missing = _missing_file(_url(args))
    if missing is not None:
        _say(f"current revision: none (no database at {missing})")
        _say(f"head revision: {known_revisions()[1]}")
        return 0
    db = _open(args, migrate=False)
    try:
        state = schema_state(db.engine)
    finally:
        db.dispose()
    _say(f"current revision: {state.current or 'none (empty database)'}")
    _say(f"head revision: {state.head}")
    _say("up to date" if state.up_to_date else "behind: run 'workinggroup-app db upgrade'")
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    """The full page-by-page check that start-up skips for large files."""
    from workinggroup_app.storage.engine import (
        check_sqlite_integrity,
        create_app_engine,
        sqlite_path,
    )

    url = _url(args)
    missing = _missing_file(url)
    if missing is not None:
        raise FileNotFoundError(f"no database at {missing}")
    engine = create_app_engine(url, readonly=True)
    try:
        if sqlite_path(engine.url.render_as_string(hide_password=False)) is None:
            _say("integrity check: a PostgreSQL server checks its own pages; nothing to do")
            return 0
        check_sqlite_integrity(engine, full=True)  # raises StorageError when damaged
    finally:
        engine.dispose()
    _say("integrity check: ok")
    return 0


def cmd_demo_seed(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import DomainError

    try:
        from workinggroup_app import demo
    except ModuleNotFoundError as exc:  # a build made without the demo data set
        if exc.name != "workinggroup_app.demo":
            raise
        raise DomainError("Demo data is not available in this build.") from None
    db = _open(args)
    try:
        started = time.monotonic()
        counts = demo.seed(db, scale=args.scale, seed=args.seed, progress=_progress_printer())
        seconds = time.monotonic() - started
    finally:
        db.dispose()
    _clear_progress()
    for key, n in counts.items():
        _say(f"{key}: {n:,}")
    _say(f"seeded in {seconds:.1f} s")
    return 0


def _progress_printer() -> Callable[..., None]:
    """Progress on a terminal only; whatever the reporter passes is shown as it is."""
    tty = sys.stderr.isatty()

    def progress(*values: Any, **named: Any) -> None:
        if tty:
            text = " ".join(str(v) for v in (*values, *named.values()))
            sys.stderr.write("\r" + text[:78].ljust(78))
            sys.stderr.flush()

    return progress


def _clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r" + " " * 78 + "\r")
        sys.stderr.flush()


def cmd_export(args: argparse.Namespace) -> int:
    from workinggroup_app.domain import vocabulary
    from workinggroup_app.domain.fields import record_type
    from workinggroup_app.exchange.sheets import csv_export
    from workinggroup_app.read.lists import DERIVED, ListSpec

    rt = record_type(args.type)
    equals: tuple[tuple[str, Any], ...] = ()
    plural = vocabulary.word("record_type_plural", rt.key).lower()
    if args.status:
        if rt.workflow is None:
            raise UsageError(f"{plural} have no status; drop --status")
        if args.status not in rt.workflow.states:
            raise UsageError(
                f"unknown status {args.status!r} for {plural}; one of: "
                + ", ".join(rt.workflow.states)
            )
        equals = (("status", args.status),)
    if args.open and rt.workflow is None:
        raise UsageError(f"{plural} have no status; drop --open")
    if args.overdue and rt.key not in DERIVED:
        raise UsageError("--overdue applies to action items and referrals only")
    spec = ListSpec(
        rt.key,
        text=args.text or "",
        equals=equals,
        open_only=args.open,
        flag=args.overdue,
        releasability="releasable" if args.releasable else "us_only" if args.us_only else None,
        include_archived=args.include_archived,
    )
    if args.format == "xlsx":
        from workinggroup_app.exchange.sheets.xlsx_export import export_xlsx as write
    else:
        write = csv_export.export_csv
    db = _open(args, must_exist=True)
    try:
        n = write(
            db,
            spec,
            args.output,
            headers=args.headers,
            audience=args.audience,
            actor=_actor(),
            values=args.values,
        )
    finally:
        db.dispose()
    _say(f"wrote {n:,} {plural} to {args.output}")
    return 0


def cmd_export_pdf(args: argparse.Namespace) -> int:
    from workinggroup_app.domain.errors import DomainError

    try:
        from workinggroup_app.reports.packet import export_packet
    except ModuleNotFoundError as exc:  # a build made without ReportLab
        if exc.name not in ("workinggroup_app.reports.packet", "reportlab"):
            raise
        raise DomainError("Meeting packets are not available in this build.") from None
    db = _open(args, must_exist=True)
    try:
        export_packet(db, args.meeting, args.audience, Path(args.output))
    finally:
        db.dispose()
    _say(f"wrote the {args.audience} packet of {args.meeting} to {args.output}")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from workinggroup_app.audit import trail
    from workinggroup_app.storage.snapshot import snapshot_session

    db = _open(args, must_exist=True)
    try:
        with snapshot_session(db) as session:
            result = trail.verify(session)
    finally:
        db.dispose()
    if result.ok:
        _say(f"audit trail intact: {result.checked:,} events")
        return 0
    print(f"audit trail broken at event #{result.first_bad_id}: {result.reason}", file=sys.stderr)
    return ERROR


def cmd_backup(args: argparse.Namespace) -> int:
    from workinggroup_app.storage import backup
    from workinggroup_app.storage.engine import sqlite_path

    url = _url(args)
    if sqlite_path(url) is None:
        raise backup.server_database_error("backup")
    db = _open(args, migrate=False, must_exist=True)
    try:
        dest = backup.backup_database(db, args.output, overwrite=args.force)
    finally:
        db.dispose()
    _say(f"backed up {db.display_name} to {dest} ({dest.stat().st_size:,} bytes)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from workinggroup_app.storage import backup

    result = backup.restore_database(_url(args), args.file)
    _say(f"restored {result.target} from {result.source} (schema {result.revision})")
    if result.previous is not None:
        kind = "damaged database, moved aside unchanged" if result.previous_damaged else "backup"
        _say(f"the previous database was kept ({kind}): {result.previous}")
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    desktop = _desktop(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = desktop.take_screenshots(
        out, lang=args.screenshot_lang or args.lang or "en", database_url=args.database_url
    )
    for item in result:
        _say(str(item))
    _say(f"screenshots written to {out}")
    return 0


def run_gui(args: argparse.Namespace, qt_args: list[str]) -> int:
    code = _desktop(args).run(
        database_url=args.database_url,
        demo=args.demo,
        lang=args.lang,
        argv=[sys.argv[0] if sys.argv else "workinggroup-app", *qt_args],
    )
    return int(code or 0)


def _desktop(args: argparse.Namespace) -> Desktop:
    """The desktop interface the installed command handed to ``main``."""
    desktop: Desktop | None = getattr(args, "desktop", None)
    if desktop is None:
        from workinggroup_app.cli.desktop import no_desktop

        raise no_desktop()
    return desktop


COMMANDS: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {
    ("db", "upgrade"): cmd_db_upgrade,
    ("db", "current"): cmd_db_current,
    ("db", "check"): cmd_db_check,
    ("demo", "seed"): cmd_demo_seed,
    ("export", None): cmd_export,
    ("export-pdf", None): cmd_export_pdf,
    ("audit", "verify"): cmd_audit_verify,
    ("backup", None): cmd_backup,
    ("restore", None): cmd_restore,
    ("screenshot", None): cmd_screenshot,
}


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
        return _guarded(lambda: run_gui(args, rest), args, parser)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    if getattr(args, "func", None) is not None:  # commands registered by other modules
        return _guarded(lambda: int(args.func(args) or 0), args, parser)
    sub = next(
        (
            getattr(args, k)
            for k in ("db_command", "demo_command", "audit_command")
            if hasattr(args, k)
        ),
        None,
    )
    handler = COMMANDS[(args.command, sub)]
    return _guarded(lambda: handler(args), args, parser)


def _guarded(
    fn: Callable[[], int], args: argparse.Namespace, parser: argparse.ArgumentParser
) -> int:
    """Run a command; expected errors become one line on stderr and an exit status."""
    lang = args.lang or "en"
    try:
        return fn()
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        _error(str(exc))
        return USAGE
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except Exception as exc:
        code = _expected(exc, lang)
        if code is None:
            raise
        return code


def _expected(exc: Exception, lang: str) -> int | None:
    """The exit status of an expected error, after saying it on stderr; None otherwise.
    (The database layer's errors are imported only now: starting the window must not wait
    on importing it.)"""
    from sqlalchemy.exc import ArgumentError, OperationalError

    from workinggroup_app.domain.errors import DomainError
    from workinggroup_app.storage.backup import ServerDatabaseError

    if isinstance(exc, ServerDatabaseError):
        _error(exc.message(lang))
        return USAGE
    if isinstance(exc, DomainError):
        _error(exc.message(lang))
        return ERROR
    if isinstance(exc, KeyError):
        text = str(exc.args[0] if exc.args else "")
        if not text.startswith("unknown record type"):
            return None
        _error(text)
        return USAGE
    if isinstance(exc, ArgumentError):
        _error(f"invalid database URL: {exc}")
        return USAGE
    if isinstance(exc, OperationalError):
        _error(f"cannot use the database: {getattr(exc, 'orig', None) or exc}")
        return ERROR
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        _error(f"{exc.strerror or exc}{where}")
        return ERROR
    return None


def _error(message: str) -> None:
    print(f"workinggroup-app: error: {_one_line(message)}", file=sys.stderr, flush=True)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
