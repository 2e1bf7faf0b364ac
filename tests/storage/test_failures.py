"""Database failures a user can meet reach them as plain words with what to do, never as
driver text; a full disk gives its space back; a lost server connection is retried once."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, text

from tests.helpers import World
from workinggroup_app.domain.errors import StorageError
from workinggroup_app.storage import failures
from workinggroup_app.storage.database import open_database

DRIVER_WORDS = ("Background on this error", "sqlalche.me", "OperationalError", "psycopg")


def plain(err: StorageError) -> None:
    for lang in ("en", "zh"):
        for words in DRIVER_WORDS:
            assert words not in err.message(lang), err.message(lang)
    assert err.message_zh != err.message_en


def test_a_full_disk_says_which_disk_keeps_nothing_and_gives_the_space_back(db, db_path):
    w = World(db)
    before = w.make("case", title_en="Kept")
    with db.session() as s:
        pages = s.execute(text("PRAGMA page_count")).scalar()

    def cap(dbapi_conn, _record):  # a disk with room for a few more pages only
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + 3}")

    event.listen(db.engine, "connect", cap)
    db.engine.dispose()
    with pytest.raises(StorageError) as err:
        w.make("case", title_en="Huge", summary_en="x" * 49_000, summary_zh="字" * 16_000)
    plain(err.value)
    assert f"The disk holding {db_path.parent} is full" in err.value.message_en
    assert "Nothing of this change was saved" in err.value.message_en
    assert "磁盘已满" in err.value.message_zh
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # the rolled-back pages are gone
    # the next command still works: reading, and a small write once there is room
    event.remove(db.engine, "connect", cap)
    db.engine.dispose()
    with db.session() as s:
        titles = [r[0] for r in s.execute(text('SELECT title_en FROM "case"'))]
    assert titles == ["Kept"]
    assert w.make("case", title_en="After") != before


@pytest.fixture
def small_disk(tmp_path):
    """A real 8 MB disk (tmpfs; needs root, as on the CI machine)."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small disk here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_an_import_too_big_for_the_disk_keeps_nothing_and_later_commands_work(small_disk):
    from workinggroup_app.exchange.sheets import run_import

    path = small_disk / "workinggroup.sqlite3"
    db = open_database(str(path))
    try:
        World(db).make("case", title_en="Kept")
        sheet = small_disk.parent / "big.csv"
        rows = [f"Lead {i},线索 {i},{'x' * 400},US to PRC,Investigative lead" for i in range(20000)]
        sheet.write_text(
            "Title (English),Title (Chinese),Summary (English),Direction,Type\n" + "\n".join(rows),
            encoding="utf-8",
        )
        with pytest.raises(StorageError) as err:
            run_import(db, "referral", sheet)
        plain(err.value)
        assert f"The disk holding {small_disk} is full" in err.value.message_en
        assert "It needs more than" in err.value.message_en  # what it wrote before running out
        wal = path.with_name(path.name + "-wal")
        assert not wal.exists() or wal.stat().st_size < 1 << 20  # the space is given back
        World(db).make("case", title_en="After")  # the next write has room again
        with db.session() as s:
            titles = sorted(r[0] for r in s.execute(text('SELECT title_en FROM "case"')))
            assert s.execute(text("SELECT COUNT(*) FROM referral")).scalar() == 0
        assert titles == ["After", "Kept"]
    finally:
        db.dispose()


def test_a_damaged_file_with_no_backups_says_so_instead_of_naming_a_missing_folder(tmp_path):
    path = tmp_path / "workinggroup.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)
    with pytest.raises(StorageError) as err:
        open_database(str(path))
    plain(err.value)
    assert "There is no backup beside it" in err.value.message_en
    assert str(tmp_path / "backups") not in err.value.message_en


def test_a_damaged_file_names_the_latest_backup_to_restore(tmp_path):
    path = tmp_path / "workinggroup.sqlite3"
    good = open_database(str(path))
    World(good).make("case")
    good.dispose()
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "workinggroup-20261201-0900.sqlite3").write_bytes(path.read_bytes())
    latest = backups / "workinggroup-20261203-0900.sqlite3"
    latest.write_bytes(path.read_bytes())
    damaged = b"SQLite format 3\x00" + b"\xff" * 8000
    path.write_bytes(damaged)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    with pytest.raises(StorageError) as err:
        open_database(str(path))
    plain(err.value)
    assert f"workinggroup-app restore {latest}" in err.value.message_en
    assert path.read_bytes() == damaged  # left exactly as it was


def test_driver_errors_get_words_and_unknown_ones_stay_bugs():
    locked = failures.explain(sqlite3.OperationalError("database is locked"))
    assert locked is not None and "busy" in locked.message_en
    full = failures.explain(OSError(28, "No space left on device", "/srv/data/x.csv"))
    assert full is not None and "/srv/data is full" in full.message_en
    assert failures.explain(ValueError("a bug")) is None
    assert failures.explain(sqlite3.OperationalError("no such column: foo")) is None


@pytest.mark.postgres
def test_a_server_restart_during_a_save_is_retried_once_and_the_save_lands(pg_db):
    w = World(pg_db)
    killed = []

    def work(session):
        if not killed:  # the server ends this session mid-transaction (as a restart does)
            killed.append(session.execute(text("SELECT pg_backend_pid()")).scalar())
            session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        session.execute(
            text(
                "INSERT INTO app_setting (key, value, updated_at, updated_by) "
                "VALUES ('probe', 'saved', now(), 'test')"
            )
        )
        return "done"

    assert pg_db.write(work) == "done"
    assert killed
    with pg_db.session() as s:
        assert s.execute(text("SELECT value FROM app_setting WHERE key = 'probe'")).scalar() == (
            "saved"
        )
    assert w.verify().ok


@pytest.mark.postgres
def test_a_server_that_keeps_dropping_the_connection_gets_a_plain_message(pg_db):
    def work(session):
        session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    with pytest.raises(StorageError) as err:
        pg_db.write(work)
    plain(err.value)
    assert "The connection to" in err.value.message_en and "was lost" in err.value.message_en
    assert "server was shut down or restarted" in err.value.message_en
    assert "连接已中断" in err.value.message_zh
