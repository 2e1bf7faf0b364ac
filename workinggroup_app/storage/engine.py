"""Opening the database: engine, pragmas, migrations at start-up, backups.

Nothing here runs at import time; ``open_database`` is called explicitly by the CLI, the
GUI and the tests.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from workinggroup_app.domain.errors import DatabaseTooNewError, StorageError

log = logging.getLogger(__name__)

APP_NAME = "workinggroup-app"
ENV_URL = "WORKINGGROUP_DATABASE_URL"
BACKUPS_KEPT = 5


def data_dir() -> Path:
    from platformdirs import user_data_dir

    path = Path(os.environ.get("WORKINGGROUP_DATA_DIR") or user_data_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    from platformdirs import user_log_dir

    path = Path(os.environ.get("WORKINGGROUP_LOG_DIR") or user_log_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    return os.environ.get(ENV_URL) or f"sqlite:///{data_dir() / 'workinggroup.sqlite3'}"


def normalise_url(url: str) -> str:
    """Accept a plain file path or postgresql:// and choose our drivers."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _on_sqlite_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Pragmas outside any transaction (foreign_keys is ignored inside one).
    level = dbapi_conn.isolation_level
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()
    dbapi_conn.isolation_level = level


def _on_sqlite_begin(conn: object) -> None:
    # Take the write lock at BEGIN so two writers queue on busy_timeout instead of failing
    # half-way through a transaction with "database is locked".
    conn.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]


def create_app_engine(url: str, *, readonly: bool = False) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            check_local_path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 10},
        )
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        event.listen(engine, "connect", _on_sqlite_connect)

        @event.listens_for(engine, "connect")
        def _autocommit_driver(dbapi_conn: sqlite3.Connection, _r: object) -> None:
            dbapi_conn.isolation_level = None

        if not readonly:
            event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "9p", "sshfs", "fuse.sshfs", "afs", "davfs"}


def check_local_path(path: Path) -> None:
    """SQLite's locking is unreliable on network shares: refuse them, point to PostgreSQL."""
    target = str(path.resolve().parent if not path.exists() else path.resolve())
    if target.startswith("\\\\"):
        raise StorageError(
            f"{path} is on a network share. A shared database must be a PostgreSQL server "
            "(use --database-url postgresql://...).",
            f"{path} 位于网络共享上。共享数据库请使用 PostgreSQL 服务器。",
        )
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return
    best, fstype = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and target.startswith(parts[1]) and len(parts[1]) > len(best):
            best, fstype = parts[1], parts[2]
    if fstype in NETWORK_FS:
        raise StorageError(
            f"{path} is on a network file system ({fstype}). SQLite files must be on a local "
            "disk; for a shared database use a PostgreSQL server (--database-url postgresql://...).",
            f"{path} 位于网络文件系统（{fstype}）上。SQLite 文件必须位于本地磁盘；"
            "共享数据库请使用 PostgreSQL 服务器。",
        )


# --- migrations -----------------------------------------------------------------------

_REV = re.compile(r"^revision\s*(?::\s*str)?\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]+)?=\s*['\"]?([^'\"\n]+)['\"]?", re.M)


def migrations_dir() -> Path:
    return Path(str(files("workinggroup_app.migrations")))


def known_revisions() -> tuple[list[str], str | None]:
    """All revisions in the shipped migrations and the head, read without importing Alembic."""
    revs: dict[str, str | None] = {}
    for path in (migrations_dir() / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = _REV.search(source)
        down = _DOWN.search(source)
        if rev:
            down_rev = down.group(1).strip() if down else None
            revs[rev.group(1)] = None if down_rev in (None, "None") else down_rev
    downs = set(revs.values())
    heads = [r for r in revs if r not in downs]
    return list(revs), (heads[0] if heads else None)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@dataclass
class SchemaState:
    current: str | None
    head: str | None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def schema_state(engine: Engine) -> SchemaState:
    revisions, head = known_revisions()
    current = current_revision(engine)
    if current is not None and current not in revisions:
        raise DatabaseTooNewError(
            f"This database was written by a newer version of the application (schema "
            f"{current}). Install the newer version to open it; nothing was changed.",
            f"此数据库由更新版本的应用程序写入（架构 {current}）。请安装新版本后再打开；"
            "数据未作任何更改。",
        )
    return SchemaState(current, head)


def alembic_config(engine: Engine):  # -> alembic.config.Config, imported lazily (~0.8 s)
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, *, backup: bool = True) -> str | None:
    """Bring the schema to head. Backs up an existing SQLite file first; returns its path."""
    state = schema_state(engine)
    if state.up_to_date:
        return None
    from alembic import command

    backup_path = None
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if backup and path is not None and state.current is not None and path.exists():
        backup_path = str(backup_sqlite(engine, path, reason=f"before-{state.head}"))
    cfg = alembic_config(engine)
    if engine.dialect.name == "sqlite":
        # FINDINGS: a batch migration rebuilding a parent table fires ON DELETE CASCADE when
        # foreign keys are on. Migrate with them off, then check them.
        with engine.connect() as conn:
            raw = conn.connection.driver_connection  # no transaction is open yet
            raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if conn.in_transaction():
                    conn.commit()
                problems = raw.execute("PRAGMA foreign_key_check").fetchall()  # type: ignore[union-attr]
            finally:
                raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
        if problems:
            raise StorageError(
                f"The upgrade left {len(problems)} broken references; restore the backup "
                f"{backup_path or ''} and report this.",
                f"升级后有 {len(problems)} 处引用损坏；请恢复备份 {backup_path or ''} 并报告此问题。",
            )
    else:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            if conn.in_transaction():
                conn.commit()
    log.info("database upgraded from %s to %s", state.current, state.head)
    return backup_path


def backup_sqlite(engine: Engine, path: Path, *, reason: str, dest: Path | None = None) -> Path:
    """Online backup (consistent while others write) into the backups folder, with rotation."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    rotate = dest is None  # only the automatic backups folder is rotated, never a user's file
    if dest is None:
        folder = path.parent / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / f"{path.stem}-{stamp}-{reason}.sqlite3"
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(str(dest))
        try:
            raw.driver_connection.backup(target)  # type: ignore[union-attr]
        finally:
            target.close()
    finally:
        raw.close()
    if rotate:
        olds = sorted(dest.parent.glob(f"{path.stem}-*.sqlite3"))
        for old in olds[:-BACKUPS_KEPT]:
            old.unlink(missing_ok=True)
    return dest


# --- the database object ---------------------------------------------------------------


class Database:
    """An open database: its engine and session factory. One per application window."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        # On SQLite, write transactions take the lock at BEGIN (BEGIN IMMEDIATE). Reads use
        # their own engine with ordinary deferred transactions, so a long read (a list, an
        # export) never holds the write lock; in WAL mode readers and the writer coexist.
        self.read_engine = (
            create_app_engine(url, readonly=True) if engine.dialect.name == "sqlite" else engine
        )
        self.read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_name(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session (never takes the write lock); services open their own writes."""
        with self.read_sessions() as s:
            yield s

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    url = normalise_url(url or default_database_url())
    engine = create_app_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            check_sqlite_integrity(engine)
        if migrate:
            upgrade(engine)
        else:
            schema_state(engine)  # still refuse a database from a newer version
    except BaseException:
        engine.dispose()
        raise
    return Database(url, engine)


# Up to this size the whole file is checked at every start (PRAGMA quick_check reads every
# page: ~3-8 s for a 2.4 GB file). Above it, start-up checks the header, the schema and the
# file length, and the full check runs on request (`workinggroup-app db check`).
FULL_CHECK_MAX_BYTES = 256 * 1024 * 1024


def _start_up_check(conn: Any, path: Path, *, full: bool) -> str:
    if full or path.stat().st_size <= FULL_CHECK_MAX_BYTES:
        return str(conn.exec_driver_sql("PRAGMA quick_check").scalar())
    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    page_size = conn.exec_driver_sql("PRAGMA page_size").scalar()
    page_count = conn.exec_driver_sql("PRAGMA page_count").scalar()
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0
    if not wal_pending and page_size * page_count > path.stat().st_size:
        return f"the file is shorter than its {page_count:,} pages: it was truncated"
    return "ok"


def check_sqlite_integrity(engine: Engine, *, full: bool = False) -> None:
    """A corrupt or truncated file is reported, never silently overwritten."""
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None or not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
        if header != b"SQLite format 3\x00":
            raise sqlite3.DatabaseError("file is not a database")
        with engine.connect() as conn:
            result = _start_up_check(conn, path, full=full)
    except Exception as exc:  # sqlite3 and SQLAlchemy wrap corruption differently
        raise StorageError(
            f"The database file {path} is damaged ({exc}). It was not changed. Restore a "
            f"backup from {path.parent / 'backups'} with 'workinggroup-app restore FILE'.",
            f"数据库文件 {path} 已损坏（{exc}）。文件未被更改。请用 "
            f"'workinggroup-app restore 文件' 从 {path.parent / 'backups'} 恢复备份。",
        ) from exc
    if result != "ok":
        raise StorageError(
            f"The database file {path} failed its integrity check ({result}). It was not "
            "changed. Restore a backup with 'workinggroup-app restore FILE'.",
            f"数据库文件 {path} 未通过完整性检查（{result}）。文件未被更改。"
            "请用 'workinggroup-app restore 文件' 恢复备份。",
        )
