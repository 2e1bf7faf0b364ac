"""Trying a database address before it is used: ``check_connection(url)``.

The set-up wizard's "Test connection" and its Next button call it. It opens nothing for
writing and creates nothing (no file, no folder, no table): it connects, looks at what is
there and says what would happen, or raises a ``ConnectionProblem`` naming what is wrong
in English and Chinese. What each failure looks like was measured, not assumed:

- psycopg 3 (3.3, libpq 18) reports every failure to connect as ``OperationalError`` with
  ``sqlstate`` None: the server's SQLSTATE (28P01 invalid_password, 3D000
  invalid_catalog_name) is not handed on for a failed start-up, only the server's text,
  which is in the server's language (``致命错误: 用户 "x" 的密码认证失败`` on a Chinese
  server). So the check does not rest on that text alone:
  a TCP connection of its own tells a refused port from an unknown host and from no answer;
  libpq's ``PQping`` tells a PostgreSQL server from another program on that port;
  ``needs_password`` says the server wants a password the address lacks; and when the
  server's words are not English, a second connection to the ``postgres`` database tells
  a missing database (it is absent from ``pg_database``) from a refused password. A
  SQLSTATE is still used whenever psycopg gives one.
- SQLite: the folder must take a new file (tried by writing a scratch file: permission
  bits say nothing to root), the file must start with SQLite's header, and it is opened
  read-only.

Then, on both: no tables is a new database to set up; tables without this application's
``alembic_version``, ``app_user`` and ``audit_event`` are someone else's database; a
schema revision this version does not know is refused as a newer version's
(``migrate.schema_state``).
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from workinggroup_app.domain.errors import DatabaseTooNewError, StorageError
from workinggroup_app.storage.engine import normalise_url, sqlite_path
from workinggroup_app.storage.migrate import schema_state
from workinggroup_app.storage.paths import check_local_path

TIMEOUT_SECONDS = 5  # libpq counts whole seconds and takes at least 2
MAX_URL_LENGTH = 2000
MARKER_TABLES = frozenset({"app_user", "audit_event"})  # there since the first revision
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+$")
_IPV6 = re.compile(r"^[0-9A-Fa-f:.]+(?:%\w+)?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


# --- what can go wrong ----------------------------------------------------------------------


class ConnectionProblem(StorageError):
    """A database address that cannot be used; ``kind`` names the case for the interface and
    ``detail`` holds the server's own words, when it said any."""

    kind = "other"

    def __init__(self, message_en: str, message_zh: str = "", *, detail: str = "") -> None:
        if detail:
            message_en = f"{message_en} (Details: {detail})"
            message_zh = f"{message_zh}（详情：{detail}）"
        super().__init__(message_en, message_zh)
        self.detail = detail


class MalformedAddress(ConnectionProblem):
    kind = "malformed"


class ServerRefused(ConnectionProblem):
    kind = "refused"


class ServerUnreachable(ConnectionProblem):
    kind = "unreachable"


class NotPostgres(ConnectionProblem):
    kind = "not_postgres"


class AuthenticationFailed(ConnectionProblem):
    kind = "authentication"


class DatabaseMissing(ConnectionProblem):
    kind = "no_database"


class NotAllowed(ConnectionProblem):
    kind = "not_allowed"


class ForeignDatabase(ConnectionProblem):
    kind = "not_ours"


class NewerDatabase(ConnectionProblem, DatabaseTooNewError):
    kind = "too_new"


class FolderNotWritable(ConnectionProblem):
    kind = "folder"


class NotADatabaseFile(ConnectionProblem):
    kind = "not_a_database"


class ServerError(ConnectionProblem):
    kind = "server"


# --- what is there ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionCheck:
    """A usable address and what is behind it.

    ``state``: "new" (no SQLite file yet: it will be created), "empty" (no tables: the
    schema will be created), "ours" (this application's database, at ``revision``).
    """

    url: str
    display: str  # the address with any password hidden
    backend: str  # "sqlite" or "postgresql"
    state: str
    revision: str | None = None
    head: str | None = None
    accounts: int = 0

    @property
    def needs_setup(self) -> bool:
        return self.accounts == 0

    @property
    def upgrade_needed(self) -> bool:
        return self.state == "ours" and self.revision != self.head

    @property
    def message_en(self) -> str:
        if self.state == "new":
            return "There is no database file there yet: it will be created and set up."
        if self.state == "empty":
            return "The database is empty: it will be set up for this application."
        if self.accounts:
            return (
                f"This application's database, already set up ({self.accounts} "
                f"account{'s' if self.accounts != 1 else ''}): open it and sign in."
            )
        if self.upgrade_needed:
            return (
                f"This application's database (schema {self.revision}), with no accounts "
                f"yet: it will be upgraded to schema {self.head} and set up."
            )
        return "This application's database, with no accounts yet: it will be set up."

    @property
    def message_zh(self) -> str:
        if self.state == "new":
            return "该位置尚无数据库文件：将创建并设置。"
        if self.state == "empty":
            return "数据库为空：将为本应用程序进行设置。"
        if self.accounts:
            return f"本应用程序的数据库，已完成设置（{self.accounts} 个账户）：请打开并登录。"
        if self.upgrade_needed:
            return (
                f"本应用程序的数据库（架构 {self.revision}），尚无账户：将升级到架构 "
                f"{self.head} 并进行设置。"
            )
        return "本应用程序的数据库，尚无账户：将进行设置。"

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang.startswith("zh") else self.message_en


def check_connection(url: str, *, timeout: int = TIMEOUT_SECONDS) -> ConnectionCheck:
    """What is at ``url`` (a SQLite file path or URL, or a PostgreSQL URL), or the
    ``ConnectionProblem`` that stops it being used. Takes at most a few ``timeout``s."""
    parsed = parse_address(url)
    if parsed.get_backend_name() == "sqlite":
        return _check_sqlite(parsed)
    return _check_postgres(parsed, max(2, int(timeout)))


def parse_address(url: str) -> URL:
    """The address as a SQLAlchemy URL, or MalformedAddress saying what is wrong with it."""
    raw = "" if url is None else str(url)
    if not raw.strip():
        raise MalformedAddress("Enter a database address.", "请输入数据库地址。")
    if len(raw) > MAX_URL_LENGTH:
        raise MalformedAddress(
            f"This address is too long ({len(raw):,} characters; at most {MAX_URL_LENGTH:,}).",
            f"地址过长（{len(raw):,} 个字符；最多 {MAX_URL_LENGTH:,} 个）。",
        )
    if _CONTROL.search(raw):
        raise MalformedAddress(
            "The address contains a control character (a tab, line break or other invisible "
            "character); type it again.",
            "地址中含有控制字符（制表符、换行符或其他不可见字符）；请重新输入。",
        )
    try:
        parsed = make_url(normalise_url(raw.strip()))
    except (ArgumentError, ValueError) as exc:
        raise _malformed() from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if sqlite_path(parsed.render_as_string(hide_password=False)) is None:
            raise MalformedAddress(
                "Name a database file: an in-memory database keeps nothing.",
                "请指定数据库文件：内存数据库不会保存任何内容。",
            )
        return parsed
    if backend != "postgresql":
        raise MalformedAddress(
            f"Only SQLite files and PostgreSQL servers are supported, not '{backend[:40]}'.",
            f"仅支持 SQLite 文件和 PostgreSQL 服务器，不支持“{backend[:40]}”。",
        )
    parsed = parsed.set(drivername="postgresql+psycopg")
    hosts = [parsed.host] if parsed.host else list(_as_tuple(parsed.query.get("host")))
    if not hosts or not all(_valid_host(h) for h in hosts):
        raise _malformed()
    if not parsed.database:
        raise MalformedAddress(
            "Name the database after the server: postgresql://user@server:5432/database.",
            "请在服务器后写明数据库名：postgresql://用户@服务器:5432/数据库。",
        )
    return parsed


def _malformed() -> MalformedAddress:
    return MalformedAddress(
        "This is not a database address. A server's address reads "
        "postgresql://user:password@server:5432/database; a file is a path such as "
        "/home/me/workinggroup.sqlite3.",
        "这不是有效的数据库地址。服务器地址的格式为 postgresql://用户:密码@服务器:5432/数据库；"
        "文件则为路径，例如 /home/me/workinggroup.sqlite3。",
    )


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _valid_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host  # host=name:port
    return bool(name) and (
        name.startswith("/") or bool(_HOST.match(name)) or bool(_IPV6.match(name))
    )


# --- SQLite ---------------------------------------------------------------------------------


def _check_sqlite(parsed: URL) -> ConnectionCheck:
    url = parsed.render_as_string(hide_password=False)
    path = sqlite_path(url)
    assert path is not None
    path = path.expanduser()
    try:
        check_local_path(path)
    except StorageError as exc:
        raise NotAllowed(exc.message_en, exc.message_zh) from exc
    if path.is_dir():
        raise NotADatabaseFile(
            f"{path} is a folder. Choose a file name inside it, such as "
            f"{path / 'workinggroup.sqlite3'}.",
            f"{path} 是文件夹。请在其中选择一个文件名，例如 {path / 'workinggroup.sqlite3'}。",
        )
    folder = _existing_folder(path)
    _try_writing(folder, path)
    if not path.exists() or path.stat().st_size == 0:
        return ConnectionCheck(url, str(path), "sqlite", "new" if not path.exists() else "empty")
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise FolderNotWritable(
            f"{path} cannot be read ({exc.strerror or exc}).",
            f"无法读取 {path}（{exc.strerror or exc}）。",
        ) from exc
    if header != b"SQLite format 3\x00":
        raise NotADatabaseFile(
            f"{path} is not a database file (it may be a document or a backup in another "
            "format). Choose another file, or a new file name.",
            f"{path} 不是数据库文件（可能是文档或其他格式的备份）。请选择其他文件或新的文件名。",
        )
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    engine = create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=5), poolclass=NullPool
    )
    try:
        state, revision, head, accounts = _schema(engine, str(path))
    except DBAPIError as exc:
        raise NotADatabaseFile(
            f"{path} cannot be read as a database ({exc.orig}). It was not changed.",
            f"无法将 {path} 作为数据库读取（{exc.orig}）。文件未被更改。",
        ) from exc
    finally:
        engine.dispose()
    return ConnectionCheck(url, str(path), "sqlite", state, revision, head, accounts)


def _existing_folder(path: Path) -> Path:
    """The nearest folder above ``path`` that exists (where the missing ones would go)."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise FolderNotWritable(
            f"{path} cannot be created: {folder} is a file, not a folder.",
            f"无法创建 {path}：{folder} 是文件，不是文件夹。",
        )
    return folder


def _try_writing(folder: Path, path: Path) -> None:
    """SQLite writes its journal beside the file: the folder must take a new file."""
    try:
        fd, scratch = tempfile.mkstemp(prefix=".wg-check-", dir=folder)
        os.close(fd)
        os.unlink(scratch)
    except OSError as exc:
        raise FolderNotWritable(
            f"The folder {folder} cannot be written ({exc.strerror or exc}), so the database "
            f"{path.name} cannot be kept there. Choose a folder of your own.",
            f"无法写入文件夹 {folder}（{exc.strerror or exc}），因此无法在其中保存数据库 "
            f"{path.name}。请选择您自己的文件夹。",
        ) from exc
    if path.exists() and not os.access(path, os.W_OK):
        raise FolderNotWritable(
            f"{path} is read-only: the application could not save anything in it.",
            f"{path} 为只读：应用程序无法在其中保存任何内容。",
        )


# --- PostgreSQL -----------------------------------------------------------------------------


def _check_postgres(parsed: URL, timeout: int) -> ConnectionCheck:
    url = parsed.render_as_string(hide_password=False)
    display = parsed.render_as_string(hide_password=True)
    where = _where(parsed)
    if parsed.host and not parsed.host.startswith("/"):
        _probe_tcp(parsed.host, parsed.port or 5432, timeout)
    engine = _pg_engine(parsed, timeout)
    try:
        started = time.monotonic()
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except OperationalError as exc:
            if time.monotonic() - started >= timeout - 0.5:  # libpq's connect_timeout ran out
                raise ServerUnreachable(
                    f"The server at {where.en} took the connection but gave no answer within "
                    f"{timeout} seconds: it is overloaded, or something between (a proxy, a "
                    "firewall) holds the connection.",
                    f"{where.zh} 的服务器接受了连接，但在 {timeout} 秒内没有应答：服务器过载，"
                    "或中间的代理、防火墙阻滞了连接。",
                    detail=_server_words(exc),
                ) from exc
            raise _classify_pg_failure(parsed, exc, timeout, where) from exc
        state, revision, head, accounts = _schema(engine, display)
        if state == "empty":
            _require_create(engine, parsed)
    except OperationalError as exc:  # the server went away between two statements
        raise ServerError(
            f"The server at {where.en} stopped answering.",
            f"{where.zh} 的服务器停止响应。",
            detail=_server_words(exc),
        ) from exc
    finally:
        engine.dispose()
    return ConnectionCheck(url, display, "postgresql", state, revision, head, accounts)


def _pg_engine(parsed: URL, timeout: int) -> Engine:
    return create_engine(
        parsed.set(drivername="postgresql+psycopg"),
        poolclass=NullPool,
        connect_args={"connect_timeout": timeout},
    )


@dataclass(frozen=True)
class _Server:
    """Where the server is, said in each language."""

    en: str
    zh: str


def _where(parsed: URL) -> _Server:
    host = parsed.host or ",".join(_as_tuple(parsed.query.get("host"))) or "localhost"
    port = parsed.port or 5432
    return _Server(f"{host}, port {port}", f"{host}（端口 {port}）")


def _probe_tcp(host: str, port: int, timeout: int) -> None:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return
    except ConnectionRefusedError as exc:
        raise ServerRefused(
            f"Nothing is listening at {host}, port {port}: the database server is not "
            "running there, or the port number is wrong.",
            f"{host} 的 {port} 端口无程序监听：数据库服务器未在该处运行，或端口号有误。",
        ) from exc
    except socket.gaierror as exc:
        raise ServerUnreachable(
            f"The server name {host} is not known (check its spelling and the network).",
            f"无法识别服务器名称 {host}（请检查拼写和网络）。",
        ) from exc
    except TimeoutError as exc:
        raise ServerUnreachable(
            f"{host}, port {port} did not answer within {timeout} seconds: the server is "
            "switched off, or a firewall or the network stands in the way.",
            f"{host} 的 {port} 端口在 {timeout} 秒内没有响应：服务器已关闭，或被防火墙或网络阻隔。",
        ) from exc
    except OSError as exc:
        raise ServerUnreachable(
            f"{host}, port {port} cannot be reached ({exc.strerror or exc}).",
            f"无法连接到 {host} 的 {port} 端口（{exc.strerror or exc}）。",
        ) from exc


def _server_words(exc: BaseException) -> str:
    """What the server (or libpq) said, without the 'connection to server at' preamble."""
    orig = getattr(exc, "orig", exc)
    words = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    words = re.sub(r"^connection failed:\s*", "", words)
    words = re.sub(r'^connection to server (?:at|on) ".*?"(?:, port \d+)? failed:\s*', "", words)
    return words[:300]


def _classify_pg_failure(
    parsed: URL, exc: OperationalError, timeout: int, where: _Server
) -> ConnectionProblem:
    orig = exc.orig
    words = _server_words(exc)
    user = parsed.username or os.environ.get("PGUSER") or _system_user()
    code = getattr(orig, "sqlstate", None)
    pgconn = getattr(orig, "pgconn", None)
    if code in ("28P01", "28000") or (code is None and _says(words, "authentication failed")):
        return _auth_failed(user, where, words)
    if code == "3D000" or (code is None and _says(words, "does not exist") and "database" in words):
        return _database_missing(parsed, where)
    if pgconn is not None and getattr(pgconn, "needs_password", False):
        return AuthenticationFailed(
            f"The server at {where.en} asks for a password for {user}, and the address has "
            "none: write it as postgresql://user:password@server/database, or keep it in a "
            "~/.pgpass file.",
            f"{where.zh} 的服务器要求 {user} 提供密码，但地址中没有：请写成 "
            "postgresql://用户:密码@服务器/数据库，或将密码保存在 ~/.pgpass 文件中。",
        )
    if code is None and _says(words, "role") and _says(words, "does not exist"):
        return AuthenticationFailed(
            f"The server at {where.en} has no user {user}.",
            f"{where.zh} 的服务器上没有用户 {user}。",
            detail=words,
        )
    if code is None and _says(words, "no pg_hba.conf entry"):
        return NotAllowed(
            f"The server at {where.en} does not let {user} connect from this computer to this "
            "database (its pg_hba.conf has no entry for it). Ask the server's administrator.",
            f"{where.zh} 的服务器不允许 {user} 从这台计算机连接此数据库（其 pg_hba.conf 中没有相应条目）。"
            "请联系服务器管理员。",
            detail=words,
        )
    if not _is_postgres(parsed, timeout):
        return NotPostgres(
            f"Something answers at {where.en}, but it is not a PostgreSQL server (or it does not "
            "speak the way this address asks, e.g. with sslmode). Check the port number.",
            f"{where.zh} 有程序响应，但不是 PostgreSQL 服务器（或不支持此地址要求的方式，例如 sslmode）。"
            "请检查端口号。",
            detail=words,
        )
    # The server's words are in its own language: tell the two common cases apart by asking
    # the server itself, through its maintenance database.
    missing = _database_absent(parsed, timeout)
    if missing is True:
        return _database_missing(parsed, where)
    if missing is None and pgconn is not None and getattr(pgconn, "used_password", False):
        return _auth_failed(user, where, words)
    return ServerError(
        f"The server at {where.en} refused the connection.",
        f"{where.zh} 的服务器拒绝了连接。",
        detail=words,
    )


def _says(words: str, phrase: str) -> bool:
    return phrase.lower() in words.lower()


def _auth_failed(user: str, where: _Server, words: str) -> AuthenticationFailed:
    return AuthenticationFailed(
        f"The server at {where.en} refused the user name or password ({user}). Check the "
        "password in the address, or ask the server's administrator.",
        f"{where.zh} 的服务器拒绝了用户名或密码（{user}）。请检查地址中的密码，或联系服务器管理员。",
        detail=words,
    )


def _database_missing(parsed: URL, where: _Server) -> DatabaseMissing:
    name = str(parsed.database)[:63]
    return DatabaseMissing(
        f"The server at {where.en} has no database named '{name}'. Check the name, or ask the "
        f'server\'s administrator to create it (CREATE DATABASE "{name}").',
        f"{where.zh} 的服务器上没有名为“{name}”的数据库。请检查名称，或请服务器管理员创建它"
        f'（CREATE DATABASE "{name}"）。',
    )


def _is_postgres(parsed: URL, timeout: int) -> bool:
    """libpq's PQping: does a PostgreSQL server answer at all (whatever it then refuses)?"""
    from psycopg import conninfo, pq

    try:
        info = conninfo.make_conninfo("", **_connect_kwargs(parsed, timeout))
        return pq.PGconn.ping(info.encode()) in (pq.Ping.OK, pq.Ping.REJECT)
    except Exception:
        return False


def _connect_kwargs(parsed: URL, timeout: int) -> dict[str, Any]:
    engine = _pg_engine(parsed, timeout)
    try:
        _args, kwargs = engine.dialect.create_connect_args(engine.url)
    finally:
        engine.dispose()
    # libpq's own options only (SQLAlchemy adds psycopg's adapters "context")
    kwargs = {k: v for k, v in kwargs.items() if isinstance(v, (str, int))}
    kwargs["connect_timeout"] = timeout
    return kwargs


def _database_absent(parsed: URL, timeout: int) -> bool | None:
    """True/False when the maintenance database says whether ours exists; None when the
    same user cannot get into it either (then the credentials are the likely cause)."""
    if parsed.database == "postgres":
        return None
    engine = _pg_engine(parsed.set(database="postgres"), timeout)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            ).first()
        return found is None
    except DBAPIError:
        return None
    finally:
        engine.dispose()


def _require_create(engine: Engine, parsed: URL) -> None:
    """An empty database is set up by creating tables (and, for search, the pg_trgm
    extension, unless it is there already): the account must be allowed to do both."""
    with engine.connect() as conn:
        schema, tables, extension = conn.execute(
            text(
                "SELECT current_schema(), "
                "coalesce(has_schema_privilege(current_schema(), 'CREATE'), false), "
                "EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') "
                "OR has_database_privilege(current_database(), 'CREATE')"
            )
        ).one()
    if not (tables and extension):
        user = parsed.username or "this user"
        raise NotAllowed(
            f"The database is empty, but {user} may not set it up: it may not create tables "
            f"in it (schema {schema or 'none'}) or add the pg_trgm extension that search "
            f"needs. Ask the server's administrator to make {user} the owner of the "
            "database.",
            f"数据库为空，但 {user} 无权进行设置：无权在其中创建表（架构 {schema or '无'}），"
            f"或无权添加搜索所需的 pg_trgm 扩展。请服务器管理员将 {user} 设为数据库所有者。",
        )


# --- whose schema -----------------------------------------------------------------------------


def _schema(engine: Engine, where: str) -> tuple[str, str | None, str | None, int]:
    """(state, revision, head, accounts) of the tables at ``engine``."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    if not tables:
        return "empty", None, None, 0
    if "alembic_version" not in tables or not tables >= MARKER_TABLES:
        sample = ", ".join(sorted(tables - {"alembic_version"})[:5]) or "alembic_version"
        raise ForeignDatabase(
            f"{where} holds another application's tables ({sample}…), not this "
            "application's. Choose an empty database or one of this application's.",
            f"{where} 中是其他应用程序的表（{sample}…），不是本应用程序的。"
            "请选择空数据库或本应用程序的数据库。",
        )
    try:
        state = schema_state(engine)
    except DatabaseTooNewError as exc:
        raise NewerDatabase(exc.message_en, exc.message_zh) from exc
    if state.current is None:
        raise ForeignDatabase(
            f"{where} has this application's tables but no schema version: it was not made "
            "by this application, or its set-up was interrupted. Choose another database.",
            f"{where} 中有本应用程序的表，但没有架构版本：它不是由本应用程序创建的，或设置被中断。"
            "请选择其他数据库。",
        )
    with engine.connect() as conn:
        accounts = conn.execute(text("SELECT count(*) FROM app_user")).scalar_one()
    return "ours", state.current, state.head, int(accounts)


def _system_user() -> str:
    """The user name libpq sends when the address names none."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"
