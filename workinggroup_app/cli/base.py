"""What every command shares: who acts, which database, how to speak, how to fail.

A command is a function ``(args) -> int`` registered with ``set_defaults(func=...)`` by its
module's ``add_commands``. ``guarded`` runs it: expected problems (bad input, a damaged or
too-new database, a missing file) print one line on stderr and exit 1; usage errors exit 2;
neither prints a traceback. The database layer is imported only inside the functions, so
starting the desktop never waits for it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ERROR = 1
USAGE = 2
LANGS = ("en", "zh_CN")


class UsageError(Exception):
    """Arguments that parse but make no sense together (exit status 2)."""


# --- who acts, on which database -------------------------------------------------------------


class NotSignedIn(Exception):
    """A command that reads or changes records was started without a sign-in (exit 2)."""

    def __init__(self, en: str = "", zh: str = "") -> None:
        super().__init__(en)
        self.en = en or (
            "sign in first: workinggroup-app --user NAME [--password-stdin] COMMAND "
            f"(or set {USER_ENV})"
        )
        self.zh = zh or (
            f"请先登录：workinggroup-app --user 用户名 [--password-stdin] 命令（或设置 {USER_ENV}）"
        )

    def message(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en


USER_ENV = "WORKINGGROUP_USER"
# the person a first-run command (no account exists yet) acts as in the audit trail
SETUP_ACTOR_NAME = "setup"


def actor(args: argparse.Namespace) -> Any:
    """The person signed in for this command (``open_db`` signs them in)."""
    signed_in = getattr(args, "signed_in", None)
    if signed_in is None:  # a command that forgot to open the database first
        raise NotSignedIn()
    return signed_in


def sign_in_name(args: argparse.Namespace) -> str | None:
    return (getattr(args, "user", None) or os.environ.get(USER_ENV, "")).strip() or None


def credentials(args: argparse.Namespace) -> Any:
    """The name and password of ``--user`` (asked once per command), None without a name."""
    from workinggroup_app.storage.credentials import Credentials

    cached = getattr(args, "_credentials", None)
    if cached is not None:
        return cached
    name = sign_in_name(args)
    if name is None:
        return None
    if getattr(args, "password_from_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise NotSignedIn(
                "--password-stdin: standard input is empty; give the password on its first line",
                "--password-stdin：标准输入为空；请在第一行提供密码",
            )
        password = line.rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(word_for(args, f"Password for {name}: ", f"{name} 的密码："))
    else:
        raise NotSignedIn(
            "no terminal to ask for the password: use --password-stdin",
            "没有可用于输入密码的终端：请使用 --password-stdin",
        )
    args._credentials = Credentials(name, password)
    return args._credentials


def sign_in(args: argparse.Namespace, db: Any, *, first_run: bool = False) -> Any:
    """Sign the person of ``--user`` in to ``db`` with the desktop's rules (lockout, audit).

    With ``first_run``, a database without any account is used by the set-up person."""
    from workinggroup_app.domain.permissions import Actor
    from workinggroup_app.services import users

    creds = credentials(args)
    if creds is None:
        if first_run and users.first_run_needed(db):
            args.signed_in = Actor(SETUP_ACTOR_NAME, "administrator", "set-up")
            return args.signed_in
        raise NotSignedIn()
    args.signed_in = users.authenticate(db, creds.username, creds.password, purpose="command_line")
    return args.signed_in


def database_url(args: argparse.Namespace) -> str:
    from workinggroup_app.storage.engine import normalise_url
    from workinggroup_app.storage.paths import default_database_url

    return normalise_url(getattr(args, "database_url", None) or default_database_url())


def missing_file(url: str) -> Path | None:
    """The SQLite file a command needs but that does not exist, else None."""
    from workinggroup_app.storage.engine import sqlite_path

    path = sqlite_path(url)
    if path is not None and not path.exists():
        return path
    return None


def encrypted_file(url: str) -> bool:
    from workinggroup_app.storage.engine import normalise_url, sqlite_path
    from workinggroup_app.storage.keyfile import key_file_for

    path = sqlite_path(normalise_url(url))
    return path is not None and key_file_for(path).exists()


def open_db(
    args: argparse.Namespace,
    *,
    migrate: bool = True,
    must_exist: bool = False,
    sign_in_as: str = "person",
) -> Any:
    """The database of ``--database-url`` (or the default), brought up to date, with the
    person of ``--user`` signed in (``actor(args)``).

    ``sign_in_as``: "person" (every command that reads or changes records), "first_run"
    (``db upgrade``, ``setup``, ``demo seed``: no sign-in while the database has no
    account) or "nobody" (``db current``)."""
    from workinggroup_app.domain.errors import StorageError
    from workinggroup_app.storage.database import open_database

    url = database_url(args)
    missing = missing_file(url) if must_exist else None
    if missing is not None:
        raise StorageError(f"There is no database at {missing}.", f"{missing} 处没有数据库。")
    if sign_in_as == "person" and sign_in_name(args) is None:
        raise NotSignedIn()  # before anything is opened or created
    named = sign_in_name(args) is not None
    creds = credentials(args) if sign_in_as != "nobody" or named else None
    if creds is None and encrypted_file(url):  # only a person's password opens its key
        raise NotSignedIn(
            "this database is encrypted: sign in first: workinggroup-app --user NAME "
            "[--password-stdin] COMMAND",
            "此数据库已加密：请先登录：workinggroup-app --user 用户名 [--password-stdin] 命令",
        )
    db = open_database(url, migrate=migrate, credentials=creds)
    if sign_in_as == "nobody":
        return db
    try:
        sign_in(args, db, first_run=sign_in_as == "first_run")
    except BaseException:
        db.dispose()
        raise
    return db


# --- speaking --------------------------------------------------------------------------------


def lang_of(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or "en"


def word_for(args: argparse.Namespace, en: str, zh: str) -> str:
    """The message in the language of ``--lang``."""
    return zh if lang_of(args).startswith("zh") else en


def say(text: str = "") -> None:
    print(text, flush=True)


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def error(message: str) -> None:
    print(f"workinggroup-app: error: {one_line(message)}", file=sys.stderr, flush=True)


class Progress:
    """A percentage on a terminal (stderr); silent otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self.tty and total:
            sys.stderr.write(f"\r{self.label} {100 * done // total:3d}%")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.tty:
            sys.stderr.write("\r" + " " * 78 + "\r")
            sys.stderr.flush()


def progress_printer() -> Callable[..., None]:
    """Progress on a terminal only; whatever the reporter passes is shown as it is."""
    tty = sys.stderr.isatty()

    def progress(*values: Any, **named: Any) -> None:
        if tty:
            text = " ".join(str(v) for v in (*values, *named.values()))
            sys.stderr.write("\r" + text[:78].ljust(78))
            sys.stderr.flush()

    return progress


def clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r" + " " * 78 + "\r")
        sys.stderr.flush()


# --- arguments -------------------------------------------------------------------------------


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def number_arg(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


# --- failing ---------------------------------------------------------------------------------


def guarded(
    fn: Callable[[], int], args: argparse.Namespace, parser: argparse.ArgumentParser
) -> int:
    """Run a command; expected errors become one line on stderr and an exit status."""
    lang = getattr(args, "lang", None) or "en"
    try:
        return fn()
    except NotSignedIn as exc:
        error(exc.message(lang))
        return USAGE
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        error(str(exc))
        return USAGE
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except Exception as exc:
        code = expected(exc, lang)
        if code is None:
            raise
        return code


def expected(exc: Exception, lang: str) -> int | None:
    """The exit status of an expected error, after saying it on stderr; None otherwise.
    (The database layer's errors are imported only now: starting the window must not wait
    on importing it.)"""
    from sqlalchemy.exc import ArgumentError, OperationalError

    from workinggroup_app.domain.errors import DomainError
    from workinggroup_app.storage.backup import ServerDatabaseError

    if isinstance(exc, ServerDatabaseError):
        error(exc.message(lang))
        return USAGE
    if isinstance(exc, DomainError):
        error(exc.message(lang))
        return ERROR
    if isinstance(exc, KeyError):
        text = str(exc.args[0] if exc.args else "")
        if not text.startswith("unknown record type"):
            return None
        error(text)
        return USAGE
    if isinstance(exc, ArgumentError):
        error(f"invalid database URL: {exc}")
        return USAGE
    from workinggroup_app.storage import failures

    explained = failures.explain(exc) if failures.is_driver_error(exc) else None
    if explained is not None:
        error(explained.message(lang))
        return ERROR
    if isinstance(exc, OperationalError):
        inner = str(getattr(exc, "orig", None) or exc).split("(Background on this error")[0]
        error(f"cannot use the database: {inner.strip()}")
        return ERROR
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        error(f"{exc.strerror or exc}{where}")
        return ERROR
    return None
