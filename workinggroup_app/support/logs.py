"""The log file and crash reports, in the user's log folder (``db.log_dir()``).

- ``setup_logging()`` adds one rotating file handler (1 MB x 5) to the root logger and
  returns the file's path; calling it again adds nothing.
- ``write_crash_report(exc_info)`` writes ``crash-<UTC time>.txt`` there: the traceback,
  the application version, the platform, whether it runs from an installed bundle, and the
  *kind* of database (SQLite or PostgreSQL). It never records record contents: no local
  variables, no database path or server name, and the parameters that SQLAlchemy puts in
  its error messages (``[parameters: ...]``) are removed. The newest ``CRASH_REPORTS_KEPT``
  reports are kept.

No Qt here: the error dialog (``ui/dialogs/error.py``) calls these and shows the path.
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import re
import sys
import traceback
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Any

LOG_FILE_NAME = "workinggroup-app.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
CRASH_PREFIX = "crash-"
CRASH_REPORTS_KEPT = 20
MAX_TEXT = 100_000  # characters of traceback

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]

log = logging.getLogger(__name__)

_database_kind: str | None = None


def _folder(folder: str | os.PathLike[str] | None) -> Path:
    if folder is not None:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        return path
    from workinggroup_app.storage.paths import log_dir

    return log_dir()


def setup_logging(
    folder: str | os.PathLike[str] | None = None, *, level: int = logging.INFO
) -> Path:
    """Log to ``workinggroup-app.log`` in ``folder`` (default: ``db.log_dir()``), rotated."""
    path = _folder(folder) / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return path


def log_file() -> Path | None:
    """The rotating log file the root logger writes to, if ``setup_logging`` was called."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, RotatingFileHandler) and handler.baseFilename.endswith(
            LOG_FILE_NAME
        ):
            return Path(handler.baseFilename)
    return None


def database_kind(database: Any) -> str:
    """The kind of database ("SQLite", "PostgreSQL"...) of a ``Database``, engine or URL."""
    if database is None:
        return "none"
    if isinstance(database, str):
        name = database.split("://", 1)[0].split("+", 1)[0] if "://" in database else "sqlite"
    else:
        engine = getattr(database, "engine", database)
        name = getattr(getattr(engine, "dialect", None), "name", "") or "unknown"
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL", "postgres": "PostgreSQL"}.get(
        name, name
    )


def note_database(database: Any) -> None:
    """Remember which kind of database is open, for later crash reports (not where it is)."""
    global _database_kind
    _database_kind = database_kind(database)


def _app_version() -> str:
    try:
        from workinggroup_app import __version__
    except Exception:  # a report must be written even from a broken installation
        return "unknown"
    return __version__


_PARAMETERS = re.compile(
    r"\[parameters: .*?(?=\n\(Background on this error|\n\nThe above exception"
    r"|\n\nDuring handling|\Z)",
    re.S,
)
_DETAIL = re.compile(r"^(\s*DETAIL:).*$", re.M)  # PostgreSQL quotes key values there


def _redact(text: str) -> str:
    """Error text without the values SQLAlchemy quotes from the statement's parameters."""
    text = _PARAMETERS.sub("[parameters: removed]", text)
    text = _DETAIL.sub(r"\1 removed", text)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + "\n[...]\n"
    return text


def _format(exc_info: ExcInfo) -> str:
    exc_type, exc, tb = exc_info
    parts = traceback.TracebackException(exc_type, exc, tb, capture_locals=False).format()
    return _redact("".join(parts))


def _normalise(exc_info: Any) -> ExcInfo:
    if exc_info is None or exc_info is True:
        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        return type(exc_info), exc_info, exc_info.__traceback__
    exc_type, exc, tb = exc_info
    if exc_type is None or exc is None:
        raise ValueError("write_crash_report needs an exception")
    return exc_type, exc, tb


def crash_report_text(exc_info: Any = None, *, database: Any = None) -> str:
    """The text of a crash report (see the module docstring for what it holds)."""
    info = _normalise(exc_info)
    kind = database_kind(database) if database is not None else (_database_kind or "none")
    frozen = getattr(sys, "frozen", False)
    qt = sys.modules.get("PySide6")
    header = [
        "workinggroup-app crash report",
        f"time (UTC): {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"version: {_app_version()}",
        f"installation: {'installed bundle' if frozen else 'Python environment'}",
        f"python: {platform.python_version()} ({platform.python_implementation()})",
        f"platform: {platform.platform()} {platform.machine()}",
        f"qt: {getattr(qt, '__version__', 'not loaded')}",
        f"database: {kind}",
        f"error: {info[0].__module__}.{info[0].__qualname__}",
        "",
    ]
    return "\n".join(header) + _format(info)


def write_crash_report(
    exc_info: Any = None,
    *,
    folder: str | os.PathLike[str] | None = None,
    database: Any = None,
) -> Path:
    """Write a timestamped ``crash-*.txt`` to the log folder; returns its path.

    ``exc_info`` is a ``sys.exc_info()`` triple or an exception (default: the one being
    handled). ``database`` (a ``Database``, engine or URL) gives only the database's kind;
    without it, the kind given to ``note_database`` is used.
    """
    text = crash_report_text(exc_info, database=database)
    where = _folder(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    path = where / f"{CRASH_PREFIX}{stamp}.txt"
    n = 1
    while path.exists():
        n += 1
        path = where / f"{CRASH_PREFIX}{stamp}-{n}.txt"
    path.write_text(text, encoding="utf-8")
    log.error("crash report written to %s", path)
    _prune(where)
    return path


def crash_reports(folder: str | os.PathLike[str] | None = None) -> list[Path]:
    """The crash reports in the log folder, oldest first."""
    return sorted(_folder(folder).glob(f"{CRASH_PREFIX}*.txt"))


def _prune(folder: Path) -> None:
    reports = crash_reports(folder)
    for old in reports[: max(0, len(reports) - CRASH_REPORTS_KEPT)]:
        with contextlib.suppress(OSError):
            old.unlink()


__all__ = [
    "BACKUP_COUNT",
    "LOG_FILE_NAME",
    "MAX_BYTES",
    "crash_report_text",
    "crash_reports",
    "database_kind",
    "log_file",
    "note_database",
    "setup_logging",
    "write_crash_report",
]
