"""Backing up and restoring the SQLite database file.

A backup is SQLite's online backup (consistent while the application writes), written
beside the destination and renamed into place only once it is complete and checked.

A restore never silently overwrites anything: the file to restore must be an SQLite
database that passes ``PRAGMA integrity_check`` and carries a schema revision this version
knows; the current database is first backed up (or, when it is damaged, moved aside
untouched) into the ``backups`` folder next to it. A healthy current database is replaced
through the backup API, so another connection never sees a half-written file.

PostgreSQL servers are backed up and restored with the server's tools (pg_dump,
pg_restore); these functions refuse them with ``ServerDatabaseError``.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from workinggroup_app.domain.errors import DatabaseTooNewError, DomainError, StorageError
from workinggroup_app.storage import failures
from workinggroup_app.storage.database import Database
from workinggroup_app.storage.engine import (
    backup_sqlite,
    create_app_engine,
    keyed,
    normalise_url,
    sqlcipher_module,
    sqlite_path,
)
from workinggroup_app.storage.keyfile import key_file_for
from workinggroup_app.storage.migrate import known_revisions

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"


class ServerDatabaseError(DomainError):
    """The database is on a PostgreSQL server: use the server's own backup tools."""


def server_database_error(what: str) -> ServerDatabaseError:
    """``what`` is "backup" or "restore"."""
    if what == "backup":
        en = "back it up with pg_dump on the server"
        zh = "请在服务器上用 pg_dump 备份"
    else:
        en = "restore it with pg_restore (or psql for a plain dump) on the server"
        zh = "请在服务器上用 pg_restore（纯文本转储用 psql）恢复"
    return ServerDatabaseError(
        f"This database is on a PostgreSQL server: {en}. This command handles SQLite files only.",
        f"此数据库位于 PostgreSQL 服务器上：{zh}。本命令仅处理 SQLite 文件。",
    )


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


# --- backup --------------------------------------------------------------------------------


def backup_database(db: Database, dest: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Copy the open SQLite database to ``dest`` (one self-contained file); returns its path."""
    if not db.is_sqlite:
        raise server_database_error("backup")
    live = sqlite_path(db.url)
    if live is None:
        raise StorageError("An in-memory database cannot be backed up.", "内存数据库无法备份。")
    target = Path(dest).expanduser().resolve()
    if target == live.resolve():
        raise StorageError(
            f"{target} is the database itself; choose another file for the backup.",
            f"{target} 就是数据库本身；请为备份另选一个文件。",
        )
    if target.exists() and not overwrite:
        raise StorageError(
            f"{target} already exists; choose another name (nothing was written).",
            f"{target} 已存在；请另选文件名（未写入任何内容）。",
        )
    if not target.parent.is_dir():
        raise StorageError(
            f"The folder {target.parent} does not exist.", f"文件夹 {target.parent} 不存在。"
        )
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        backup_sqlite(db.engine, live, reason="manual", dest=tmp)
        problem = _check_file(tmp, single_file=True, key=db.key)
        if problem:
            raise StorageError(
                f"The backup copy failed its check ({problem}); {target} was not written.",
                f"备份副本未通过检查（{problem}）；未写入 {target}。",
            )
        if db.key is not None:  # encrypted as the database is, its key file beside it
            os.replace(key_file_for(tmp), key_file_for(target))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        key_file_for(tmp).unlink(missing_ok=True)
        for side in _sidecars(tmp):
            side.unlink(missing_ok=True)
    log.info("backed up %s to %s", live, target)
    return target


# --- checks ----------------------------------------------------------------------------------


def _check_file(path: Path, *, single_file: bool = False, key: bytes | None = None) -> str:
    """'' when ``path`` is a sound SQLite file (encrypted with ``key``), else what is wrong
    with it."""
    try:
        with path.open("rb") as fh:
            if fh.read(16) != SQLITE_HEADER and key is None:
                return "not an SQLite database"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    try:
        if key is None:
            conn = sqlite3.connect(str(path), isolation_level=None)
        else:
            conn = sqlcipher_module().connect(str(path), isolation_level=None)
            keyed(key)(conn, None)
        try:
            if single_file:
                conn.execute("PRAGMA journal_mode=DELETE")
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                return "integrity check failed: " + "; ".join(str(r) for r in rows[:3])
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                return "it has broken references between records"
        finally:
            conn.close()
    except Exception as exc:  # sqlite3's or SQLCipher's DatabaseError
        if not failures.is_driver_error(exc):
            raise
        return str(exc)
    return ""


def schema_revision(path: Path) -> str | None:
    """The Alembic revision stored in an SQLite file, or None when it has none."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        has = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not has:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def encrypted_restore(src: Path, target: Path | None) -> StorageError:
    into = target or Path("the database")
    return StorageError(
        f"{src} or the database is encrypted, and this version restores only plain files. "
        f"With the application closed, copy {src} over {into} and {key_file_for(src)} over "
        f"{key_file_for(into)} (keep the current two first). Nothing was changed.",
        f"{src} 或数据库已加密，本版本只能恢复未加密的文件。请在关闭应用后，将 {src} 复制覆盖 "
        f"{into}，并将 {key_file_for(src)} 复制覆盖 {key_file_for(into)}（请先保留当前的两个"
        "文件）。未作任何更改。",
    )


def check_backup_file(path: Path) -> str:
    """Refuse a file that is not a sound backup of this application's database.

    Returns the file's schema revision; raises StorageError or DatabaseTooNewError.
    """
    if key_file_for(path).exists():
        raise encrypted_restore(path, None)
    problem = _check_file(path)
    if problem:
        raise StorageError(
            f"{path.name} cannot be restored: {problem}. Nothing was changed.",
            f"{path.name} 无法恢复：{problem}。未作任何更改。",
        )
    revision = schema_revision(path)
    if revision is None:
        raise StorageError(
            f"{path.name} is an SQLite file but not a database of this application "
            "(it has no schema version). Nothing was changed.",
            f"{path.name} 是 SQLite 文件，但不是本应用程序的数据库（没有架构版本）。未作任何更改。",
        )
    revisions, _head = known_revisions()
    if revision not in revisions:
        raise DatabaseTooNewError(
            f"{path.name} was written by a newer version of the application (schema "
            f"{revision}). Install that version to restore it. Nothing was changed.",
            f"{path.name} 由更新版本的应用程序写入（架构 {revision}）。请安装该版本后再恢复。"
            "未作任何更改。",
        )
    return revision


# --- restore ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    target: Path  # the database file now holding the restored data
    source: Path  # the file restored from (unchanged)
    revision: str  # its schema revision (upgraded at the next start when behind)
    previous: Path | None  # where the replaced database was kept, if there was one
    previous_damaged: bool = False  # it failed its own check and was moved aside as it was


def restore_database(url_or_path: str, source: str | os.PathLike[str]) -> RestoreResult:
    """Replace the SQLite database at ``url_or_path`` with the backup file ``source``."""
    url = normalise_url(url_or_path)
    target = sqlite_path(url)
    if target is None:
        raise server_database_error("restore")
    src = Path(source).expanduser().resolve()
    if not src.is_file():
        raise StorageError(f"There is no file {src}.", f"文件 {src} 不存在。")
    target = target.resolve()
    if target.exists() and target.samefile(src):
        raise StorageError(
            f"{src} is the database itself; choose a backup file.",
            f"{src} 就是数据库本身；请选择一个备份文件。",
        )
    if key_file_for(src).exists() or key_file_for(target).exists():
        raise encrypted_restore(src, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Check a private copy: the user's file is never opened for writing, and what is
    # checked is exactly what goes into place.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".restore", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(src, tmp)
        revision = check_backup_file(tmp)
        previous, damaged = _put_in_place(url, target, tmp)
    finally:
        tmp.unlink(missing_ok=True)
        for side in _sidecars(tmp):
            side.unlink(missing_ok=True)
    problem = _check_file(target)
    if problem:  # pragma: no cover - would mean the copy itself went wrong
        raise StorageError(
            f"The restored database failed its check ({problem}); the previous one is in "
            f"{previous}.",
            f"恢复后的数据库未通过检查（{problem}）；原数据库保存在 {previous}。",
        )
    log.info("restored %s from %s (previous kept as %s)", target, src, previous)
    return RestoreResult(target, src, revision, previous, damaged)


def _backups_folder(target: Path) -> Path:
    folder = target.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _put_in_place(url: str, target: Path, candidate: Path) -> tuple[Path | None, bool]:
    if not target.exists() or target.stat().st_size == 0:
        _move_aside_sidecars(target)  # a stray -wal must never be replayed onto new data
        os.replace(candidate, target)
        return None, False
    if _check_file(target):
        # Damaged: keep it exactly as it is (with its WAL, which may hold recent work).
        kept = _backups_folder(target) / f"{target.stem}-{_stamp()}-damaged{target.suffix}"
        os.replace(target, kept)
        for side in _sidecars(target):
            if side.exists():
                os.replace(side, kept.with_name(kept.name + side.name[len(target.name) :]))
        os.replace(candidate, target)
        return kept, True
    engine = create_app_engine(url, readonly=True)
    try:
        previous = backup_sqlite(engine, target, reason="before-restore")
        _match_page_size(candidate, target)
        src = sqlite3.connect(str(candidate))
        raw = engine.raw_connection()
        try:
            # One step under the destination's write lock: other connections see the old
            # database or the new one, never a mixture.
            src.backup(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            raw.close()
            src.close()
    finally:
        engine.dispose()
    return previous, False


def _match_page_size(candidate: Path, target: Path) -> None:
    """The backup API cannot change a WAL database's page size: give the copy the target's."""
    t = sqlite3.connect(str(target))
    try:
        size = t.execute("PRAGMA page_size").fetchone()[0]
    finally:
        t.close()
    conn = sqlite3.connect(str(candidate), isolation_level=None)
    try:
        if conn.execute("PRAGMA page_size").fetchone()[0] != size:
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute(f"PRAGMA page_size={int(size)}")
            conn.execute("VACUUM")
    finally:
        conn.close()


def _move_aside_sidecars(target: Path) -> None:
    strays = [s for s in _sidecars(target) if s.exists()]
    if not strays:
        return
    folder = _backups_folder(target)
    stamp = _stamp()
    for side in strays:
        os.replace(side, folder / f"{target.stem}-{stamp}-orphan{side.name[len(target.stem) :]}")
