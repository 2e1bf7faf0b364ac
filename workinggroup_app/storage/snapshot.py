"""A read-only session over one consistent snapshot of the database, for long reads
(exports, reports) that must not block the people writing meanwhile."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy.orm import Session

from workinggroup_app.storage.database import Database
from workinggroup_app.storage.engine import create_app_engine


@contextlib.contextmanager
def snapshot_session(db: Database) -> Iterator[Session]:
    """A read-only session over one consistent snapshot that never blocks writers.

    SQLite: a separate engine without the application's BEGIN IMMEDIATE, so the read
    transaction is a WAL snapshot. PostgreSQL: REPEATABLE READ, READ ONLY.
    """
    if db.is_sqlite:
        engine = create_app_engine(db.url, readonly=True, key=db.key)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("BEGIN")
                with Session(bind=conn) as session:
                    yield session
                conn.exec_driver_sql("ROLLBACK")
        finally:
            engine.dispose()
    else:
        with db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            with Session(bind=conn) as session:
                yield session
            conn.rollback()
