"""What a database failure means to the person at the desk, in their language.

The drivers report a full disk, a damaged file, a lost server or a refused change as
driver text (SQLite's "database or disk is full", psycopg's "consuming input failed",
SQLAlchemy's "Background on this error" link). ``explain`` turns each failure a user can
meet into a ``StorageError`` that says what happened, that nothing was half-saved, and what
to do; ``Database`` raises those, and the window and the command line show them as they
show every other expected error. A failure it does not know stays what it is: a bug.

``is_lost_connection`` tells the one failure worth retrying by itself: the connection to
the server went away (a restart, a network blip) before the change was committed.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from workinggroup_app.domain.errors import StorageError

# PostgreSQL's codes: connection exceptions (08...), and the server shutting down or
# restarting under the session (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
# connect now)
_LOST_STATES = ("57P01", "57P02", "57P03")
_LOST_WORDS = (
    "server closed the connection",
    "terminating connection",
    "consuming input failed",
    "connection is closed",
    "connection is lost",
    "connection already closed",
    "could not receive data",
    "could not send data",
    "ssl syscall error",
    "eof detected",
)


def is_driver_error(exc: BaseException) -> bool:
    """A failure the database or its driver reported (through SQLAlchemy or straight from
    a bulk path's own cursor)."""
    if isinstance(exc, (DBAPIError, sqlite3.Error)):
        return True
    return type(exc).__module__.split(".")[0] in ("psycopg", "sqlcipher3") and isinstance(
        exc, Exception
    )


def _driver_error(exc: BaseException) -> BaseException:
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return exc.orig
    return exc


def _text(exc: BaseException) -> str:
    lines = str(_driver_error(exc)).strip().splitlines()
    return lines[0] if lines else ""


def _state(exc: BaseException) -> str:
    return str(getattr(_driver_error(exc), "sqlstate", "") or "")


def is_lost_connection(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    state = _state(exc)
    if state.startswith("08") or state in _LOST_STATES:
        return True
    text = _text(exc).lower()
    return any(word in text for word in _LOST_WORDS)


def is_disk_full(exc: BaseException) -> bool:
    inner = _driver_error(exc)
    if isinstance(inner, OSError) and inner.errno == errno.ENOSPC:
        return True
    if _state(exc) == "53100":  # PostgreSQL: disk full on the server
        return True
    text = _text(exc).lower()
    return "database or disk is full" in text or "no space left on device" in text


def _sqlite_file(url: str | None) -> Path | None:
    if not url:
        return None
    try:
        u = make_url(url)
    except Exception:
        return None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _server(url: str | None) -> str:
    if not url:
        return "the database server"
    try:
        u = make_url(url)
    except Exception:
        return "the database server"
    return f"{u.host or 'localhost'}:{u.port or 5432}/{u.database or ''}"


def size_text(n: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def disk_full(folder: Path, needed: int = 0) -> StorageError:
    """The disk holding ``folder`` is full; ``needed`` is what the failed work wrote."""
    try:
        free = size_text(shutil.disk_usage(folder).free)
    except OSError:
        free = "?"
    need_en = (
        f" It needs more than {size_text(needed)} free: it had written that much when the "
        "disk ran out."
        if needed > 0
        else ""
    )
    need_zh = (
        f"此操作需要超过 {size_text(needed)} 的可用空间：磁盘用尽时它已写入这么多。"
        if needed > 0
        else ""
    )
    return StorageError(
        f"The disk holding {folder} is full ({free} free). Nothing of this change was "
        f"saved, and the database is as it was before.{need_en} Free some space on that "
        "disk (or move the database to another one) and try again.",
        f"{folder} 所在的磁盘已满（剩余 {free}）。此次更改未保存任何内容，数据库保持原样。"
        f"{need_zh}请在该磁盘上释放空间（或将数据库移到其他磁盘）后重试。",
    )


def damaged(path: Path, detail: str) -> StorageError:
    """A damaged SQLite file: left as it is, and where a good copy may be found."""
    backups = path.parent / "backups"
    copies = sorted(backups.glob(f"{path.stem}-*{path.suffix}")) if backups.is_dir() else []
    detail = detail.split("\n")[0].split("(Background on this error")[0].strip()
    if copies:
        todo_en = (
            f"Restore the latest backup ({copies[-1]}) with 'workinggroup-app restore "
            f"{copies[-1]}', or choose another from {backups}."
        )
        todo_zh = (
            f"请用 'workinggroup-app restore {copies[-1]}' 恢复最新的备份（{copies[-1]}），"
            f"或从 {backups} 中选择其他备份。"
        )
    else:
        todo_en = (
            "There is no backup beside it: copy the file somewhere safe, stop working in it, "
            "and restore a copy you keep elsewhere with 'workinggroup-app restore FILE' (or "
            "ask your administrator)."
        )
        todo_zh = (
            "旁边没有备份：请将该文件复制到安全的位置，停止在其中工作，并用 "
            "'workinggroup-app restore 文件' 恢复您在别处保存的副本（或联系管理员）。"
        )
    return StorageError(
        f"The database file {path} is damaged ({detail}). It was not changed. {todo_en}",
        f"数据库文件 {path} 已损坏（{detail}）。文件未被更改。{todo_zh}",
    )


def explain(exc: BaseException, url: str | None = None) -> StorageError | None:
    """The failure in words for a user, or None when it is not one they can act on."""
    if isinstance(exc, StorageError):
        return exc
    if not (is_driver_error(exc) or isinstance(exc, OSError)):
        return None
    text = _text(exc)
    lower = text.lower()
    state = _state(exc)
    path = _sqlite_file(url)
    server = _server(url)
    if is_disk_full(exc):
        if state != "53100":
            inner = _driver_error(exc)
            named = getattr(inner, "filename", None) if isinstance(inner, OSError) else None
            if path is not None:
                folder = path.parent
            elif named:
                folder = Path(str(named)).parent
            else:
                folder = Path.cwd()
            return disk_full(folder)
        return StorageError(
            f"The database server {server} has run out of disk space. Nothing of this change "
            "was saved. Ask the server's administrator to free space, then try again.",
            f"数据库服务器 {server} 的磁盘空间已满。此次更改未保存任何内容。"
            "请联系服务器管理员释放空间后重试。",
        )
    if "malformed" in lower or "file is not a database" in lower or "not a database" in lower:
        return damaged(path or Path("?"), text)
    if "database is locked" in lower or "database table is locked" in lower:
        where = path or "the database"
        return StorageError(
            f"{where} is busy: another program (or another copy of this application) kept "
            "it locked for more than 10 seconds. Nothing was saved. Try again in a moment.",
            f"{where} 正忙：另一个程序（或本应用的另一个副本）锁定数据库超过 10 秒。"
            "未保存任何内容。请稍后重试。",
        )
    if "readonly database" in lower:
        return StorageError(
            f"{path or 'The database'} is read-only: nothing could be saved. Ask for write "
            "access to the file and its folder, or open a copy of your own.",
            f"{path or '数据库'} 为只读：无法保存任何内容。请申请该文件及其文件夹的写入权限，"
            "或打开您自己的副本。",
        )
    if is_lost_connection(exc):
        shut = state in _LOST_STATES or "terminating connection" in lower
        why_en = " (the server was shut down or restarted)" if shut else ""
        why_zh = "（服务器已关闭或重启）" if shut else ""
        return StorageError(
            f"The connection to {server} was lost{why_en}, and trying again did not help. "
            "Nothing of this change was saved. Check the network connection, or ask the "
            "server's administrator whether it is running, then try again.",
            f"与 {server} 的连接已中断{why_zh}，重试也未成功。此次更改未保存任何内容。"
            "请检查网络连接，或询问服务器管理员服务器是否在运行，然后重试。",
        )
    if state == "42501":
        return StorageError(
            f"The database server refused this: your server login may not do it "
            f"({text}). Nothing was saved. If your role should allow it, ask an "
            "administrator to check your account.",
            f"数据库服务器拒绝了此操作：您的服务器登录无此权限（{text}）。未保存任何内容。"
            "如果您的角色应当允许，请联系管理员检查您的账户。",
        )
    if state == "25006":
        return StorageError(
            f"The database server {server} only reads (a standby copy): nothing can be "
            "saved there. Connect to the main server.",
            f"数据库服务器 {server} 为只读（备用副本）：无法在其上保存。请连接主服务器。",
        )
    return None  # files and the rest: the callers say which file and what to do
