"""The database file: a damaged one is refused and left as it was; backups are consistent
while the application writes; a restore checks the file first and never loses the current
database."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.helpers import World
from workinggroup_app.domain.errors import DatabaseTooNewError, StorageError
from workinggroup_app.storage import backup
from workinggroup_app.storage.database import open_database


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def titles(path: Path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return [r[0] for r in conn.execute('SELECT title_en FROM "case" ORDER BY id')]
    finally:
        conn.close()


@pytest.fixture
def filled(db_path: Path) -> Path:
    """A real database file with some records, closed cleanly."""
    database = open_database(str(db_path))
    w = World(database)
    for i in range(30):
        w.make("case", title_en=f"Case {i}", summary_en="x" * 3000)
    database.dispose()
    return db_path


# --- damaged files ---------------------------------------------------------------------------------


def test_a_file_of_random_bytes_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "random.sqlite3"
    path.write_bytes(random.Random(1).randbytes(20_000))
    before = sha(path)
    with pytest.raises(StorageError) as err:
        open_database(str(path))
    assert "damaged" in err.value.message_en
    assert "restore" in err.value.message_en
    assert err.value.message_zh
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["random.sqlite3"]


def test_a_truncated_copy_of_a_real_database_is_refused_and_left_unchanged(filled, tmp_path):
    cut = tmp_path / "cut.sqlite3"
    data = filled.read_bytes()
    assert len(data) > 40_000
    cut.write_bytes(data[: len(data) // 3])
    before = sha(cut)
    with pytest.raises(StorageError):
        open_database(str(cut))
    assert sha(cut) == before


def test_a_truncated_large_database_is_refused_by_the_quick_start_up_check(
    filled, tmp_path, monkeypatch
):
    """Above the full-check size, start-up still notices a file cut short."""
    from workinggroup_app.storage import engine as dbmod

    monkeypatch.setattr(dbmod, "FULL_CHECK_MAX_BYTES", 0)  # treat every file as large
    whole = tmp_path / "whole.sqlite3"
    shutil.copyfile(filled, whole)
    open_database(str(whole)).dispose()  # an intact large file opens
    cut = tmp_path / "cut-large.sqlite3"
    data = filled.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    before = sha(cut)
    with pytest.raises(StorageError) as err:
        open_database(str(cut))
    assert "truncated" in err.value.message_en or "damaged" in err.value.message_en
    assert sha(cut) == before


def test_a_text_file_named_like_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("meeting notes, not a database\n")
    with pytest.raises(StorageError):
        open_database(str(path))
    assert path.read_text() == "meeting notes, not a database\n"


# --- backup ----------------------------------------------------------------------------------------


def test_backup_writes_one_sound_self_contained_file(filled, tmp_path):
    database = open_database(str(filled))
    try:
        dest = backup.backup_database(database, tmp_path / "copy.sqlite3")
    finally:
        database.dispose()
    assert dest == (tmp_path / "copy.sqlite3").resolve()
    assert titles(dest) == [f"Case {i}" for i in range(30)]
    assert not Path(str(dest) + "-wal").exists()
    conn = sqlite3.connect(str(dest))
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_backup_refuses_to_overwrite_a_file_or_the_database_itself(db, db_path, tmp_path):
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"an older backup")
    with pytest.raises(StorageError, match="already exists"):
        backup.backup_database(db, existing)
    assert existing.read_bytes() == b"an older backup"
    with pytest.raises(StorageError, match="the database itself"):
        backup.backup_database(db, db_path)
    backup.backup_database(db, existing, overwrite=True)
    assert titles(existing) == []


def test_backup_is_consistent_while_the_application_writes(db, tmp_path):
    w = World(db)
    for i in range(20):
        w.make("case", title_en=f"Before {i}", summary_en="y" * 5000)
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        other = open_database(db.url)
        ow = World(other)
        try:
            while not stop.is_set():
                written.append(ow.make("case", title_en="During", summary_en="z" * 5000))
        finally:
            other.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:
            threading.Event().wait(0.01)
        copies = [backup.backup_database(db, tmp_path / f"b{i}.sqlite3") for i in range(3)]
    finally:
        stop.set()
        thread.join(30)
    for copy in copies:
        restored = open_database(str(copy))
        try:
            assert World(restored).verify().ok  # every case has its audit event, chain whole
            with restored.engine.connect() as conn:
                cases = conn.exec_driver_sql('SELECT count(*) FROM "case"').scalar()
                events = conn.exec_driver_sql("SELECT count(*) FROM audit_event").scalar()
                assert cases == events >= 20
        finally:
            restored.dispose()


def test_backup_of_a_server_database_points_to_pg_dump(monkeypatch):
    class FakeDb:
        is_sqlite = False
        url = "postgresql+psycopg://u@h/db"

    with pytest.raises(backup.ServerDatabaseError, match="pg_dump"):
        backup.backup_database(FakeDb(), "x.sqlite3")  # type: ignore[arg-type]
    with pytest.raises(backup.ServerDatabaseError, match="pg_restore"):
        backup.restore_database("postgresql://u@h/db", "x.sqlite3")


# --- restore -----------------------------------------------------------------------------------------


def test_restore_round_trip_keeps_the_replaced_database(filled, tmp_path):
    database = open_database(str(filled))
    saved = backup.backup_database(database, tmp_path / "saved.sqlite3")
    World(database).make("case", title_en="Written after the backup")
    database.dispose()
    saved_bytes = sha(saved)

    result = backup.restore_database(str(filled), saved)

    assert result.target == filled.resolve()
    assert result.previous is not None and not result.previous_damaged
    assert titles(filled) == [f"Case {i}" for i in range(30)]
    assert titles(result.previous)[-1] == "Written after the backup"
    assert sha(saved) == saved_bytes  # the backup file itself is untouched
    reopened = open_database(str(filled))
    try:
        assert World(reopened).verify().ok
    finally:
        reopened.dispose()


def test_restore_under_an_open_connection_shows_it_the_restored_data(db, db_path, tmp_path):
    w = World(db)
    w.make("case", title_en="Kept in the backup")
    saved = backup.backup_database(db, tmp_path / "saved.sqlite3")
    w.make("case", title_en="Only in the live database")
    backup.restore_database(str(db_path), saved)
    with db.session() as s:
        rows = s.execute(text('SELECT title_en FROM "case"')).all()
    assert [r[0] for r in rows] == ["Kept in the backup"]
    assert w.verify().ok


@pytest.mark.parametrize("damage", ["random", "truncated", "text", "empty"])
def test_restore_refuses_a_damaged_file_and_changes_nothing(filled, tmp_path, damage):
    bad = tmp_path / f"{damage}.sqlite3"
    data = filled.read_bytes()
    bad.write_bytes(
        {
            "random": random.Random(2).randbytes(8192),
            "truncated": data[: len(data) // 2],
            "text": b"not a database",
            "empty": b"",
        }[damage]
    )
    before_live, before_bad = sha(filled), sha(bad)
    with pytest.raises(StorageError) as err:
        backup.restore_database(str(filled), bad)
    assert "Nothing was changed" in err.value.message_en
    assert sha(filled) == before_live
    assert sha(bad) == before_bad
    assert not (filled.parent / "backups").exists()
    assert not [p for p in filled.parent.iterdir() if p.name.endswith(".restore")]


def test_restore_refuses_a_sqlite_file_of_another_application(filled, tmp_path):
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(str(other))
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = sha(filled)
    with pytest.raises(StorageError, match="not a database of this application"):
        backup.restore_database(str(filled), other)
    assert sha(filled) == before


def test_restore_refuses_a_backup_from_a_newer_version(filled, tmp_path):
    newer = tmp_path / "newer.sqlite3"
    shutil.copyfile(filled, newer)
    conn = sqlite3.connect(str(newer))
    conn.execute("UPDATE alembic_version SET version_num = '9999zzz'")
    conn.commit()
    conn.close()
    before = sha(filled)
    with pytest.raises(DatabaseTooNewError):
        backup.restore_database(str(filled), newer)
    assert sha(filled) == before


def test_restore_over_a_damaged_database_moves_it_aside_unchanged(filled, tmp_path):
    saved = tmp_path / "saved.sqlite3"
    database = open_database(str(filled))
    backup.backup_database(database, saved)
    database.dispose()
    damaged_bytes = random.Random(3).randbytes(12_345)
    filled.write_bytes(damaged_bytes)
    with pytest.raises(StorageError):
        open_database(str(filled))

    result = backup.restore_database(str(filled), saved)

    assert result.previous_damaged
    assert result.previous is not None and result.previous.read_bytes() == damaged_bytes
    assert titles(filled)[0] == "Case 0"
    open_database(str(filled)).dispose()


def test_restore_to_a_new_place_and_refuse_a_missing_file(filled, tmp_path):
    target = tmp_path / "elsewhere" / "new.sqlite3"
    result = backup.restore_database(str(target), filled)
    assert result.previous is None
    assert len(titles(target)) == 30
    with pytest.raises(StorageError, match="no file"):
        backup.restore_database(str(target), tmp_path / "missing.sqlite3")
    with pytest.raises(StorageError, match="the database itself"):
        backup.restore_database(str(target), target)
