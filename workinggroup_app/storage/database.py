"""Opening the database: ``open_database`` checks the file, migrates the schema when it is
behind, and hands back a ``Database`` (engine and sessions). Nothing runs at import time;
the CLI, the GUI and the tests call it explicitly.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from workinggroup_app.domain.errors import DomainError
from workinggroup_app.storage import failures, keyfile
from workinggroup_app.storage.credentials import AccountKeeper, AccountState, Credentials
from workinggroup_app.storage.engine import (
    check_sqlite_integrity,
    create_app_engine,
    key_opens,
    normalise_url,
    sqlite_path,
)
from workinggroup_app.storage.migrate import schema_state, upgrade
from workinggroup_app.storage.paths import default_database_url
from workinggroup_app.storage.server_roles import (
    ServerLogins,
    person_url,
    server_refused,
    signs_in_as_person,
)

# --- the database object ---------------------------------------------------------------


class Database:
    """An open database: its engine and session factory. One per application window."""

    def __init__(
        self,
        url: str,
        engine: Engine,
        *,
        credentials: Credentials | None = None,
        key: bytes | None = None,
    ) -> None:
        self.url = url
        self.engine = engine
        # an encrypted SQLite file's key (storage/keyfile.py): every engine on it needs it
        self.key = key
        # the person who opened it (see storage/credentials.py); None for set-up and tests
        self.credentials = credentials
        self.keepers: list[AccountKeeper] = []
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        # On SQLite, write transactions take the lock at BEGIN (BEGIN IMMEDIATE). Reads use
        # their own engine with ordinary deferred transactions, so a long read (a list, an
        # export) never holds the write lock; in WAL mode readers and the writer coexist.
        self.read_engine = (
            create_app_engine(url, readonly=True, key=key)
            if engine.dialect.name == "sqlite"
            else engine
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
        """A read session (never takes the write lock); services open their own writes.
        (A server connection that died while idle is replaced before it is handed out.)"""
        try:
            with self.read_sessions() as s:
                yield s
        except Exception as exc:
            explained = failures.explain(exc, self.url) if failures.is_driver_error(exc) else None
            if explained is None:
                raise
            raise explained from exc

    def write[T](self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in one write transaction and commit; PostgreSQL serialisation failures
        and deadlocks are retried (twice), a connection lost before the commit once; any
        other error rolls everything back. Failures a user can meet (full disk, damaged
        file, lost server) come out as a ``StorageError`` in their words."""
        attempts, lost_retried = 3, False
        wal_before = self.wal_size()
        for attempt in range(attempts):
            session = self.sessions()
            committing = False
            try:
                with session.begin():
                    result = fn(session)
                    committing = True  # the COMMIT follows: its outcome is the server's
                return result
            except Exception as exc:
                if not failures.is_driver_error(exc):
                    raise
                orig = exc.orig if isinstance(exc, DBAPIError) else exc
                code = getattr(orig, "sqlstate", None)
                if code in ("40001", "40P01") and attempt < attempts - 1:
                    continue
                if failures.is_lost_connection(exc) and not committing and not lost_retried:
                    lost_retried = True  # a restart or a blip: once more, on a new connection
                    self.engine.dispose()
                    continue
                explained = self.failure(exc, wal_before)
                if explained is None:
                    raise
                raise explained from exc
            finally:
                session.close()
        raise AssertionError("unreachable")

    def wal_size(self) -> int:
        """The SQLite WAL's size now (0 on a server): what a write that fails on a full
        disk has added to it tells how much the work needed."""
        path = sqlite_path(self.url) if self.is_sqlite else None
        wal = None if path is None else Path(f"{path}-wal")
        return wal.stat().st_size if wal is not None and wal.exists() else 0

    def failure(self, exc: BaseException, wal_before: int = 0) -> DomainError | None:
        """What to raise instead of a failed write's driver error, in the user's words; None
        when it is not one a user can meet (a bug). For writes outside ``write`` (an import's
        own transaction): ``raise db.failure(exc) from exc`` after the rollback."""
        if not failures.is_driver_error(exc):
            return None
        orig = exc.orig if isinstance(exc, DBAPIError) else exc
        if getattr(orig, "sqlstate", None) == "42501":  # the server's grants (server_roles)
            return server_refused()
        if self.is_sqlite and failures.is_disk_full(exc):
            return self._disk_full(wal_before)
        return failures.explain(exc, self.url)

    def checkpoint_wal(self) -> None:
        """Copy the WAL into the file and cut it to nothing (SQLite; best effort). Before a
        large write, so that if the disk runs out during it, the WAL holds only that
        write's pages and giving them back needs no room; after such a failure, to give
        them back."""
        if not self.is_sqlite:
            return
        raw = None
        with contextlib.suppress(DBAPIError, OSError, sqlite3.Error):
            raw = self.engine.raw_connection()  # outside any transaction: no BEGIN
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if raw is not None:
            raw.close()

    def _disk_full(self, wal_before: int) -> DomainError:
        """After a write the full disk refused: give back the space its rolled-back pages
        took in the WAL (else every later command, even a read, fails), and say how much
        the work needed (what it had written to the WAL when the disk ran out)."""
        size = self.wal_size()
        self.checkpoint_wal()
        path = sqlite_path(self.url)
        folder = path.parent if path is not None else Path.cwd()
        return failures.disk_full(folder, max(size - wal_before, 0))

    def account_saved(self, session: Session, account: AccountState) -> None:
        """Tell every keeper of credentials (key file, server logins) about an account."""
        for keeper in self.keepers:
            keeper.account_saved(session, account)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def opens_with_sign_in(url: str) -> bool:
    """Whether the name and password must come before the database can be opened: an
    encrypted SQLite file (its key is unwrapped with them) or a shared server where each
    person connects as their own login."""
    url = normalise_url(url)
    return keyfile.for_database(sqlite_path(url)) is not None or signs_in_as_person(url)


def open_database(
    url: str | None = None,
    *,
    migrate: bool = True,
    credentials: Credentials | None = None,
    recovery_key: str | None = None,
) -> Database:
    """The database at ``url`` (default: the data folder's file), checked and migrated. An
    encrypted file is opened with the key that ``credentials`` (or ``recovery_key``)
    unwraps from its key file."""
    url = normalise_url(url or default_database_url())
    path = sqlite_path(url)
    key_file = keyfile.for_database(path)  # an encrypted file: the person's key to it
    key = None
    if key_file is not None:
        if recovery_key is not None:
            key = key_file.unlock_with_recovery(recovery_key)
        elif credentials is None:
            raise keyfile.sign_in_first(path)
        else:
            key = key_file.unlock(credentials)
    # a server address without a user name: each person connects as their own login
    engine = create_app_engine(person_url(url, credentials), key=key)
    try:
        if engine.dialect.name == "sqlite":
            if key_file is not None and path is not None and not key_opens(path, key or b""):
                raise keyfile.wrong_key_file(path, key_file.path)  # a key, not this file's
            check_sqlite_integrity(engine, encrypted=key is not None)
        if migrate:
            upgrade(engine)
        else:
            schema_state(engine)  # still refuse a database from a newer version
    except BaseException:
        engine.dispose()
        raise
    database = Database(url, engine, credentials=credentials, key=key)
    if engine.dialect.name == "postgresql":  # logins follow the accounts
        database.keepers.append(ServerLogins())
    if key_file is not None and key is not None:  # key copies follow the accounts
        database.keepers.append(keyfile.KeyFileKeeper(key_file, key))
    return database
