"""The SQLAlchemy engine: URLs, pragmas on every SQLite connection, the online backup of
a SQLite file and its integrity check.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from workinggroup_app.storage import failures
from workinggroup_app.storage.paths import check_local_path

BACKUPS_KEPT = 5
WAL_SIZE_LIMIT = 64 * 1024 * 1024


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
    # the WAL is cut back to this after each checkpoint: a big or failed write does not
    # keep its pages on disk (on a full disk they would block every later command)
    cur.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
    cur.close()
    dbapi_conn.isolation_level = level


def _on_sqlite_begin(conn: object) -> None:
    # Take the write lock at BEGIN so two writers queue on busy_timeout instead of failing
    # half-way through a transaction with "database is locked".
    conn.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]


ENCRYPTED_CACHE_KB = int(os.environ.get("WORKINGGROUP_ENCRYPTED_CACHE_KB", 65_536))


def keyed(key: bytes) -> Any:
    """A connect listener that opens an encrypted file with ``key``: first of all, as
    SQLCipher needs, then pages read are checked (a wrong key fails here, not later)."""

    def on_connect(dbapi_conn: Any, _record: object) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA cipher_log_level = NONE")  # failures are ours to word
        cur.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        cur.execute("PRAGMA temp_store = MEMORY")  # sorts and temporary tables stay in memory
        # pages are decrypted into SQLite's own cache; the system's file cache holds them
        # encrypted, so a plain file's small cache would decrypt the same pages again
        cur.execute(f"PRAGMA cache_size = -{int(ENCRYPTED_CACHE_KB)}")
        cur.execute("SELECT count(*) FROM sqlite_master").fetchone()
        cur.close()

    return on_connect


# the key each encrypted engine opens its file with (backups are made with the same key)
ENGINE_KEYS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


def key_opens(path: Path, key: bytes) -> bool:
    """Whether ``key`` is the key of the encrypted file ``path``: SQLCipher says "file is
    not a database" when the first page does not decrypt (a wrong key, or a first page
    destroyed, and then the key file is the usual suspect); other damage is left to the
    integrity check to describe."""
    module = sqlcipher_module()
    conn = module.connect(str(path), isolation_level=None)
    try:
        keyed(key)(conn, None)
    except module.DatabaseError as exc:  # "malformed" and the like: damaged, said later
        return "file is not a database" not in str(exc)
    finally:
        conn.close()
    return True


def sqlcipher_module() -> Any:
    import sqlcipher3.dbapi2

    return sqlcipher3.dbapi2


def create_app_engine(url: str, *, readonly: bool = False, key: bytes | None = None) -> Engine:
    """The engine of a database address; an SQLite file encrypted with ``key`` is opened
    through SQLCipher (``storage.keyfile``)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            check_local_path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
        extra: dict[str, Any] = {} if key is None else {"module": sqlcipher_module()}
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 10},
            **extra,
        )
        if key is not None:
            event.listen(engine, "connect", keyed(key))
            ENGINE_KEYS[engine] = key
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        event.listen(engine, "connect", _on_sqlite_connect)

        @event.listens_for(engine, "connect")
        def _autocommit_driver(dbapi_conn: sqlite3.Connection, _r: object) -> None:
            dbapi_conn.isolation_level = None

        if not readonly:
            event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def backup_sqlite(engine: Engine, path: Path, *, reason: str, dest: Path | None = None) -> Path:
    """Online backup (consistent while others write) into the backups folder, with rotation."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    rotate = dest is None  # only the automatic backups folder is rotated, never a user's file
    if dest is None:
        folder = path.parent / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / f"{path.stem}-{stamp}-{reason}.sqlite3"
    key = ENGINE_KEYS.get(engine)
    raw = engine.raw_connection()
    try:
        if key is None:
            target = sqlite3.connect(str(dest))
        else:  # an encrypted database's backup is encrypted with its key, and keeps it near
            target = sqlcipher_module().connect(str(dest))
            keyed(key)(target, None)
        try:
            raw.driver_connection.backup(target)  # type: ignore[union-attr]
        finally:
            target.close()
    finally:
        raw.close()
    if key is not None:
        from workinggroup_app.storage.keyfile import key_file_for

        shutil.copyfile(key_file_for(path), key_file_for(dest))
    if rotate:
        olds = sorted(dest.parent.glob(f"{path.stem}-*.sqlite3"))
        for old in olds[:-BACKUPS_KEPT]:
            old.unlink(missing_ok=True)
            old.with_name(old.name + ".keys").unlink(missing_ok=True)
    return dest


# Up to this size the whole file is checked at every start (PRAGMA quick_check reads every
# page: ~3-8 s for a 2.4 GB file). Above it, start-up checks the header, the schema and the
# file length, and the full check runs on request (`workinggroup-app db check`).
FULL_CHECK_MAX_BYTES = 256 * 1024 * 1024


def _start_up_check(conn: Any, path: Path, *, full: bool) -> str:
    if full or path.stat().st_size <= FULL_CHECK_MAX_BYTES:
        return str(conn.exec_driver_sql("PRAGMA quick_check").scalar())
    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    # int(): SQLCipher's driver hands some pragmas back as text
    page_size = int(conn.exec_driver_sql("PRAGMA page_size").scalar())
    page_count = int(conn.exec_driver_sql("PRAGMA page_count").scalar())
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0
    if not wal_pending and page_size * page_count > path.stat().st_size:
        return f"the file is shorter than its {page_count:,} pages: it was truncated"
    return "ok"


def check_sqlite_integrity(engine: Engine, *, full: bool = False, encrypted: bool = False) -> None:
    """A corrupt or truncated file is reported, never silently overwritten."""
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None or not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
        if header != b"SQLite format 3\x00" and not encrypted:  # encrypted: all random
            raise sqlite3.DatabaseError("file is not a database")
        with engine.connect() as conn:
            result = _start_up_check(conn, path, full=full)
    except Exception as exc:  # sqlite3 and SQLAlchemy wrap corruption differently
        inner = getattr(exc, "orig", None) or exc
        raise failures.damaged(path, str(inner)) from exc
    if result != "ok":
        raise failures.damaged(path, f"integrity check: {result}")
