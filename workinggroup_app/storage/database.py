"""Opening the database: ``open_database`` checks the file, migrates the schema when it is
behind, and hands back a ``Database`` (engine and sessions). Nothing runs at import time;
the CLI, the GUI and the tests call it explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from workinggroup_app.storage.credentials import AccountKeeper, AccountState, Credentials
from workinggroup_app.storage.engine import check_sqlite_integrity, create_app_engine, normalise_url
from workinggroup_app.storage.migrate import schema_state, upgrade
from workinggroup_app.storage.paths import default_database_url

# --- the database object ---------------------------------------------------------------


class Database:
    """An open database: its engine and session factory. One per application window."""

    def __init__(self, url: str, engine: Engine, *, credentials: Credentials | None = None) -> None:
        self.url = url
        self.engine = engine
        # the person who opened it (see storage/credentials.py); None for set-up and tests
        self.credentials = credentials
        self.keepers: list[AccountKeeper] = []
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

    def write[T](self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in one write transaction and commit; PostgreSQL serialisation failures
        and deadlocks are retried (twice), any other error rolls everything back."""
        attempts = 3
        for attempt in range(attempts):
            session = self.sessions()
            try:
                with session.begin():
                    return fn(session)
            except OperationalError as exc:
                code = getattr(getattr(exc, "orig", None), "sqlstate", None)
                if code in ("40001", "40P01") and attempt < attempts - 1:
                    continue
                raise
            finally:
                session.close()
        raise AssertionError("unreachable")

    def account_saved(self, session: Session, account: AccountState) -> None:
        """Tell every keeper of credentials (key file, server logins) about an account."""
        for keeper in self.keepers:
            keeper.account_saved(session, account)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def open_database(
    url: str | None = None, *, migrate: bool = True, credentials: Credentials | None = None
) -> Database:
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
    return Database(url, engine, credentials=credentials)
