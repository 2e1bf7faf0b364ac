"""Root fixtures: a fresh database per test, SQLite always and PostgreSQL when configured.

- ``db``: a fresh SQLite database at the latest schema, in the test's tmp_path.
- ``pg_url``: the URL of a fresh, empty, uniquely named PostgreSQL database (dropped after
  the test); only when WORKINGGROUP_TEST_POSTGRES_URL names a server to create it on.
- ``pg_db``: a PostgreSQL database at the latest schema with no records: one database
  migrated once per session, every table emptied (ids restarting) before each test.
- ``any_db``: ``db`` and, marked ``postgres``, ``pg_db``: for tests that must hold on both.

Tests marked ``@pytest.mark.postgres`` skip, with the reason "WORKINGGROUP_TEST_POSTGRES_URL
not set", only when that variable is unset.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_ENV = "WORKINGGROUP_TEST_POSTGRES_URL"
PG_SKIP = "WORKINGGROUP_TEST_POSTGRES_URL not set"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") is not None and not os.environ.get(PG_ENV):
        pytest.skip(PG_SKIP)


@pytest.fixture(autouse=True)
def _isolated_app_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """No test reads or writes the real user's data folder, logs or database choice."""
    base = tmp_path_factory.mktemp("appdirs")
    monkeypatch.setenv("WORKINGGROUP_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("WORKINGGROUP_LOG_DIR", str(base / "log"))
    monkeypatch.delenv("WORKINGGROUP_DATABASE_URL", raising=False)


@pytest.fixture(autouse=True)
def root_logging():
    """Remove the handlers a test (or the self-test it runs) adds to the root logger, so
    no log file of one test is written to by the next."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


# --- SQLite -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated to head once; each test gets its own copy of the file."""
    from workinggroup_app.storage.database import open_database

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = open_database(str(path))
    database.dispose()
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file to copy
    conn.close()
    return path


@pytest.fixture
def db_path(tmp_path: Path, sqlite_template: Path) -> Path:
    path = tmp_path / "workinggroup.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
def db(db_path: Path):
    from workinggroup_app.storage.database import open_database

    database = open_database(str(db_path))
    yield database
    database.dispose()


# --- PostgreSQL ---------------------------------------------------------------------------------


def _server_url() -> str:
    from workinggroup_app.storage.engine import normalise_url

    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(PG_SKIP)
    return normalise_url(url)


@contextmanager
def pg_database(template: str | None = None) -> Iterator[str]:
    """A new database on the test server, dropped (even if still in use) afterwards."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    server = make_url(_server_url())
    name = f"wgtest_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            sql = f'CREATE DATABASE "{name}"'
            if template:
                sql += f' TEMPLATE "{template}"'
            conn.exec_driver_sql(sql)
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                drop_server_roles(conn, name)
    finally:
        admin.dispose()


def drop_server_roles(conn, database: str) -> None:
    """The cluster-wide roles ``db upgrade`` made for ``database`` (its groups
    ``<name>:<role>`` and logins ``<name>_<user>``), once the database is dropped."""
    from workinggroup_app.storage.server_roles import database_prefix

    prefix = database_prefix(database)
    names = conn.exec_driver_sql(
        "SELECT rolname FROM pg_roles WHERE left(rolname, %(n)s) IN (%(g)s, %(l)s) "
        "ORDER BY rolname LIKE '%%:%%', rolname",
        {"n": len(prefix) + 1, "g": prefix + ":", "l": prefix + "_"},
    ).scalars()
    for role in list(names):
        quoted = '"' + role.replace('"', '""') + '"'
        conn.exec_driver_sql(f"DROP ROLE IF EXISTS {quoted}")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (no schema yet)."""
    with pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[str]:
    """One migrated database for the session; ``pg_db`` empties it before each test."""
    from workinggroup_app.storage.database import open_database

    with pg_database() as url:
        open_database(url).dispose()
        yield url


def empty_pg_tables(database) -> None:
    """Every table but alembic_version, emptied, with ids restarting at 1."""
    with database.engine.begin() as conn:
        names = conn.exec_driver_sql(
            "SELECT quote_ident(tablename) FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
        ).scalars()
        # past the append-only triggers of audit_event and status_change (test set-up only)
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.exec_driver_sql(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")


@pytest.fixture
def pg_db(pg_session_url: str):
    """A PostgreSQL database at the latest schema holding no records."""
    from workinggroup_app.storage.database import open_database

    database = open_database(pg_session_url)
    try:
        empty_pg_tables(database)
        yield database
    finally:
        database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest):
    """The same test on a SQLite file and on a PostgreSQL server."""
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")
