"""Trying a database address: each way it can fail gets its own class and a message in
English and Chinese, and the check itself never creates or changes anything.

SQLite cases run on files in tmp_path. PostgreSQL cases run on the test server
(WORKINGGROUP_TEST_POSTGRES_URL, which trusts local connections) and, for passwords, on
private servers started here with scram-sha-256 authentication: one speaking English and
one speaking Chinese, whose refusals carry no SQLSTATE and no English words.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from workinggroup_app.domain.errors import DatabaseTooNewError, StorageError
from workinggroup_app.services import users
from workinggroup_app.storage import connection
from workinggroup_app.storage.connection import (
    AuthenticationFailed,
    ConnectionProblem,
    DatabaseMissing,
    FolderNotWritable,
    ForeignDatabase,
    MalformedAddress,
    NewerDatabase,
    NotADatabaseFile,
    NotAllowed,
    ServerRefused,
    ServerUnreachable,
    check_connection,
)
from workinggroup_app.storage.database import open_database
from workinggroup_app.storage.migrate import known_revisions

HEAD = known_revisions()[1]


def refused(url: str, kind: type[ConnectionProblem], **kwargs) -> ConnectionProblem:
    with pytest.raises(kind) as caught:
        check_connection(url, **kwargs)
    problem = caught.value
    assert isinstance(problem, StorageError)
    assert problem.message_en and problem.message_zh and problem.message_zh != problem.message_en
    assert "Traceback" not in problem.message_en
    return problem


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# --- SQLite --------------------------------------------------------------------------------------


def test_a_new_file_will_be_created_and_the_check_creates_nothing(tmp_path):
    target = tmp_path / "not yet" / "there" / "workinggroup.sqlite3"
    check = check_connection(str(target))
    assert (check.state, check.backend, check.needs_setup) == ("new", "sqlite", True)
    assert check.url == f"sqlite:///{target}" and check.display == str(target)
    assert "will be created" in check.message_en and "将创建" in check.message_zh
    assert list(tmp_path.iterdir()) == []  # no folder, no file, no scratch file left


def test_our_database_without_accounts_is_set_up_and_with_them_signed_in(db, db_path):
    check = check_connection(str(db_path))
    assert (check.state, check.revision, check.head, check.accounts) == ("ours", HEAD, HEAD, 0)
    assert check.needs_setup and not check.upgrade_needed
    users.create_first_administrator(db, "ada", "correct horse battery")
    check = check_connection(f"sqlite:///{db_path}")
    assert check.accounts == 1 and not check.needs_setup
    assert "already set up (1 account)" in check.message_en and "请打开并登录" in check.message_zh


def test_an_older_revision_is_ours_and_will_be_upgraded(tmp_path):
    from alembic import command

    from workinggroup_app.storage.engine import create_app_engine
    from workinggroup_app.storage.migrate import alembic_config

    path = tmp_path / "old.sqlite3"
    engine = create_app_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
        conn.commit()
    engine.dispose()
    check = check_connection(str(path))
    assert (check.state, check.revision) == ("ours", "0006") and check.upgrade_needed
    assert f"upgraded to schema {HEAD}" in check.message_en


def test_a_newer_versions_database_is_refused_unchanged(db, db_path):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose()
    before = db_path.read_bytes()
    problem = refused(str(db_path), NewerDatabase)
    assert isinstance(problem, DatabaseTooNewError) and problem.kind == "too_new"
    assert "newer version" in problem.message_en and "9999_future" in problem.message_zh
    assert db_path.read_bytes() == before


def test_another_applications_database_is_not_ours(tmp_path):
    path = tmp_path / "accounts.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoice (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    problem = refused(str(path), ForeignDatabase)
    assert "another application's tables (invoice" in problem.message_en
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_or_a_folder(tmp_path):
    notes = tmp_path / "notes.docx"
    notes.write_bytes(b"PK\x03\x04 a word document")
    problem = refused(str(notes), NotADatabaseFile)
    assert "is not a database file" in problem.message_en
    assert notes.read_bytes() == b"PK\x03\x04 a word document"
    problem = refused(str(tmp_path), NotADatabaseFile)
    assert f"{tmp_path} is a folder" in problem.message_en


def test_a_folder_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    problem = refused(str(blocker / "sub" / "db.sqlite3"), FolderNotWritable)
    assert f"{blocker} is a file, not a folder" in problem.message_en
    # /proc refuses new files even to root (a folder's permission bits do not)
    problem = refused("/proc/workinggroup.sqlite3", FolderNotWritable)
    assert "cannot be written" in problem.message_en and "无法写入" in problem.message_zh
    assert snapshot(tmp_path) == {"a file": b"x"}


def test_an_empty_file_is_an_empty_database(tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    assert check_connection(str(path)).state == "empty"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "Enter a database address"),
        ("   ", "Enter a database address"),
        ("postgresql://" + "x" * 20_000, "too long (20,013 characters"),
        ("postgresql://wg\x00@db/wg", "control character"),
        ("/tmp/a\nb.sqlite3", "control character"),
        ("postgresql://:@@", "not a database address"),
        ("postgresql://wg@db:port/wg", "not a database address"),
        ("postgresql://wg@db.example.org", "Name the database"),
        ("postgresql:///wg", "not a database address"),
        ("mysql://wg@db/wg", "Only SQLite files and PostgreSQL servers"),
        ("sqlite://", "in-memory database"),
    ],
)
def test_malformed_addresses_say_what_is_wrong(url, words):
    problem = refused(url, MalformedAddress)
    assert words in problem.message_en
    assert "\x00" not in problem.message_en  # what was typed is not echoed back


# --- PostgreSQL: the test server -----------------------------------------------------------------


def pg_server() -> str:
    return os.environ["WORKINGGROUP_TEST_POSTGRES_URL"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.postgres
def test_a_port_nothing_listens_on_is_refused_at_once():
    port = free_port()
    problem = refused(f"postgresql://postgres@127.0.0.1:{port}/test", ServerRefused)
    assert f"Nothing is listening at 127.0.0.1, port {port}" in problem.message_en
    assert f"{port} 端口无程序监听" in problem.message_zh


@pytest.mark.postgres
def test_an_unknown_server_name_is_unreachable():
    problem = refused("postgresql://postgres@db.example.invalid/test", ServerUnreachable)
    assert "db.example.invalid is not known" in problem.message_en


@pytest.mark.postgres
def test_a_server_that_takes_the_connection_but_never_answers_times_out():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = silent.getsockname()[1]
        started = time.monotonic()
        problem = refused(f"postgresql://wg@127.0.0.1:{port}/wg", ServerUnreachable, timeout=2)
        waited = time.monotonic() - started
    assert "gave no answer within 2 seconds" in problem.message_en
    assert waited < 20  # without connect_timeout libpq waits for ever


@pytest.mark.postgres
def test_a_missing_database_is_named():
    url = make_url(pg_server()).set(database="wg_no_such_database")
    problem = refused(url.render_as_string(hide_password=False), DatabaseMissing)
    assert "has no database named 'wg_no_such_database'" in problem.message_en
    assert "没有名为“wg_no_such_database”的数据库" in problem.message_zh


@pytest.mark.postgres
def test_an_unknown_user_is_an_authentication_problem():
    url = make_url(pg_server())._replace(username="wg_nobody", password=None)
    problem = refused(url.render_as_string(hide_password=False), AuthenticationFailed)
    assert "has no user wg_nobody" in problem.message_en
    assert 'role "wg_nobody" does not exist' in problem.detail


@pytest.mark.postgres
def test_an_empty_database_will_be_set_up_and_ours_is_recognised(pg_url, pg_db):
    check = check_connection(pg_url)
    assert (check.state, check.backend) == ("empty", "postgresql") and check.needs_setup
    url = pg_db.engine.url.render_as_string(hide_password=False)
    check = check_connection(url)
    assert (check.state, check.revision, check.accounts) == ("ours", HEAD, 0)


@pytest.mark.postgres
def test_another_applications_tables_are_not_ours(pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoice (id serial PRIMARY KEY, total numeric)"))
    engine.dispose()
    problem = refused(pg_url, ForeignDatabase)
    assert "another application's tables (invoice" in problem.message_en


@pytest.mark.postgres
def test_another_alembic_application_is_not_ours_either(pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('ae1027a6acf')"))
        conn.execute(text("CREATE TABLE orders (id serial PRIMARY KEY)"))
    engine.dispose()
    refused(pg_url, ForeignDatabase)  # not "a newer version": it has none of our tables


@pytest.mark.postgres
def test_a_newer_versions_database_on_the_server(pg_url):
    open_database(pg_url).dispose()
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    refused(pg_url, NewerDatabase)


@pytest.fixture
def plain_role(pg_url) -> Iterator[str]:
    """A login role that owns nothing (PostgreSQL 15: no CREATE on the public schema)."""
    name = f"wg_plain_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_server(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{name}" LOGIN')
    try:
        yield make_url(pg_url)._replace(username=name, password=None).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
        admin.dispose()


@pytest.mark.postgres
def test_an_empty_database_the_user_may_not_set_up(plain_role):
    problem = refused(plain_role, NotAllowed)
    assert "may not set it up" in problem.message_en and "设为数据库所有者" in problem.message_zh


@pytest.mark.postgres
def test_on_a_server_that_trusts_everyone_a_wrong_password_goes_unnoticed(plain_role):
    """What the test server (pg_hba: trust) shows: it never asks for the password, so a
    wrong one is not an error the check could report. The private servers below ask."""
    admin = create_engine(pg_server(), isolation_level="AUTOCOMMIT")
    name = make_url(plain_role).username
    with admin.connect() as conn:
        conn.exec_driver_sql(f"ALTER ROLE \"{name}\" PASSWORD 'the right one'")
    admin.dispose()
    wrong = make_url(plain_role).set(password="a wrong one").render_as_string(False)
    with pytest.raises(NotAllowed):  # it got in: only the missing privilege is reported
        check_connection(wrong)


# --- PostgreSQL: private servers that ask for a password ------------------------------------------

PASSWORD = "the server's password"


def _bindir() -> Path | None:
    try:
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except OSError:
        return None
    return Path(out) if out and (Path(out) / "initdb").exists() else None


@pytest.fixture(scope="module", params=["en", "zh"])
def password_server(request) -> Iterator[tuple[str, str]]:
    """(URL of database "wgdata", language) on a PostgreSQL server of our own, started for
    this module with scram-sha-256 over TCP and its messages in English or Chinese."""
    if not os.environ.get("WORKINGGROUP_TEST_POSTGRES_URL"):
        pytest.skip("WORKINGGROUP_TEST_POSTGRES_URL not set")
    bindir = _bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server programs (pg_config --bindir) to start one")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="wg-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data, pwfile = folder / "data", folder / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if as_user:
        shutil.chown(pwfile, "postgres")
    env = dict(os.environ, LC_ALL="C.UTF-8")
    if request.param == "zh":
        env["LANGUAGE"] = "zh_CN"  # the server's gettext: messages in Chinese
    run = [*as_user, "env", *(f"{k}={v}" for k, v in env.items() if k in ("LC_ALL", "LANGUAGE"))]
    subprocess.run(
        [*run, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
         "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "--no-sync"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    port = free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c lc_messages=C.UTF-8"
    pg_ctl = [*run, str(bindir / "pg_ctl"), "-D", str(data)]
    subprocess.run(
        [*pg_ctl, "-o", options, "-l", str(folder / "log"), "-w", "-t", "60", "start"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    try:
        base = f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:{port}"
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE wgdata")
        admin.dispose()
        yield f"{base}/wgdata", request.param
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def _with(url: str, **parts) -> str:
    # URL.set() takes None as "unchanged": _replace really drops the password
    return make_url(url)._replace(**parts).render_as_string(hide_password=False)


@pytest.mark.postgres
def test_a_wrong_password_is_named_in_either_language_of_the_server(password_server):
    url, lang = password_server
    for wrong in (_with(url, password="not it"), _with(url, database="postgres", password="x")):
        problem = refused(wrong, AuthenticationFailed)
        assert "refused the user name or password (postgres)" in problem.message_en
        assert "拒绝了用户名或密码" in problem.message_zh
        said = "密码认证失败" if lang == "zh" else "password authentication failed"
        assert said in problem.detail  # the server's own words, passed on as they came
        assert "not it" not in problem.message_en  # the password is never repeated


@pytest.mark.postgres
def test_a_missing_password_is_asked_for(password_server):
    url, _lang = password_server
    problem = refused(_with(url, password=None), AuthenticationFailed)
    assert "asks for a password for postgres, and the address has none" in problem.message_en


@pytest.mark.postgres
def test_a_missing_database_is_found_out_in_either_language(password_server):
    url, _lang = password_server
    problem = refused(_with(url, database="wg_elsewhere"), DatabaseMissing)
    assert "no database named 'wg_elsewhere'" in problem.message_en


@pytest.mark.postgres
def test_the_right_password_gets_in(password_server):
    url, _lang = password_server
    check = check_connection(url)
    assert check.state == "empty" and "the server's password" not in check.display
    assert connection.parse_address(url).password == PASSWORD
