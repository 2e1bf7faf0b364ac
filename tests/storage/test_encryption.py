"""An encrypted database: no record text in any file the application writes, opened only
with an account's password (or the recovery key), key copies following the accounts, and a
missing, swapped or damaged key file or a wrong password explained, with nothing changed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import text

from tests.cli.test_commands import PASSWORD, Cli
from tests.helpers import World
from workinggroup_app.domain.errors import StorageError
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services import users
from workinggroup_app.storage import keyfile
from workinggroup_app.storage.backup import backup_database, restore_database
from workinggroup_app.storage.credentials import Credentials
from workinggroup_app.storage.database import open_database, opens_with_sign_in
from workinggroup_app.storage.encryption import encrypt_file, rekey

CANARY = "CANARY-e5c1"
ADA = Credentials("ada", PASSWORD)


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setitem(keyfile.KDF, "memory_cost", 1024)
    monkeypatch.setitem(keyfile.KDF, "time_cost", 1)
    monkeypatch.setattr(users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def encrypted(tmp_path):
    """A set-up database, encrypted for its administrator ``ada``."""
    path = tmp_path / "office" / "workinggroup.sqlite3"
    path.parent.mkdir()
    db = open_database(str(path))
    users.create_first_administrator(db, "ada", PASSWORD)
    db.dispose()
    done = encrypt_file(path, ADA)
    return path, done


def every_file(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


def test_no_record_text_in_the_file_its_wal_its_backups_or_any_other_file(encrypted, tmp_path):
    path, done = encrypted
    db = open_database(str(path), credentials=ADA)
    try:
        actor = users.authenticate(db, "ada", PASSWORD)
        w = World(db, actor)
        w.make("referral", title_en=f"Lead {CANARY}", summary_en=f"{CANARY} 芬太尼前体")
        w.make("case", title_en=f"{CANARY} 案件")
        with db.session() as s:  # readable through the application, and searchable
            titles = [r[0] for r in s.execute(text("SELECT title_en FROM referral"))]
            found = s.execute(text("SELECT count(*) FROM search_fts WHERE body MATCH '芬太尼'"))
            assert titles == [f"Lead {CANARY}"] and found.scalar() == 1
        backup_database(db, tmp_path / "office" / "copy.sqlite3")
        wal = path.with_name(path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the WAL is there, and encrypted too
        files = every_file(tmp_path / "office")
        for f in files:
            data = f.read_bytes()
            for needle in (CANARY.encode(), CANARY.encode("utf-16-le"), "芬太尼".encode()):
                assert needle not in data, f
        assert not path.read_bytes().startswith(b"SQLite format 3")
        names = {f.name for f in files}
        assert {"workinggroup.sqlite3.keys", "copy.sqlite3", "copy.sqlite3.keys"} <= names
        assert done.plain_copy is not None and done.plain_copy.exists()  # kept, as said
    finally:
        db.dispose()
    # restoring it is said to be done by hand, and nothing is changed
    before = path.read_bytes()
    with pytest.raises(StorageError, match="restores only plain files"):
        restore_database(str(path), tmp_path / "office" / "copy.sqlite3")
    assert path.read_bytes() == before
    # the backup opens with the same password, as a database of its own
    copy = open_database(str(tmp_path / "office" / "copy.sqlite3"), credentials=ADA)
    try:
        with copy.session() as s:
            assert s.execute(text("SELECT count(*) FROM referral")).scalar() == 1
    finally:
        copy.dispose()


def test_it_opens_only_with_a_password_of_an_account_and_says_why_not(encrypted):
    path, _done = encrypted
    assert opens_with_sign_in(str(path))
    for credentials, words in [
        (None, "is encrypted: sign in"),
        (Credentials("ada", "not the password"), "password is wrong"),
        (Credentials("mallory", PASSWORD), "password is wrong"),
    ]:
        with pytest.raises(StorageError) as err:
            open_database(str(path), credentials=credentials)
        assert words in err.value.message_en
        assert err.value.message_zh != err.value.message_en
    before = path.read_bytes()
    db = open_database(str(path), credentials=Credentials("ADA", PASSWORD))  # as sign-in does
    db.dispose()
    assert len(path.read_bytes()) == len(before)


def test_a_missing_swapped_or_damaged_key_file_is_explained_and_nothing_changes(
    encrypted, tmp_path
):
    path, _done = encrypted
    keys = keyfile.key_file_for(path)
    original = keys.read_bytes()
    data = path.read_bytes()
    # another encrypted database's key file put in its place
    other = tmp_path / "other.sqlite3"
    db = open_database(str(other))
    users.create_first_administrator(db, "ada", PASSWORD)
    db.dispose()
    encrypt_file(other, ADA, keep_plain_copy=False)
    shutil.copyfile(keyfile.key_file_for(other), keys)
    with pytest.raises(StorageError, match="does not open"):
        open_database(str(path), credentials=ADA)
    keys.write_text("{not json", encoding="utf-8")
    with pytest.raises(StorageError, match="cannot be read"):
        open_database(str(path), credentials=ADA)
    keys.unlink()
    with pytest.raises(StorageError) as err:
        open_database(str(path), credentials=ADA)
    assert "damaged" in err.value.message_en or "key file" in err.value.message_en
    assert path.read_bytes() == data  # never touched
    keys.write_bytes(original)
    open_database(str(path), credentials=ADA).dispose()


def test_key_copies_follow_the_accounts(encrypted):
    path, _done = encrypted
    db = open_database(str(path), credentials=ADA)
    try:
        boss = Actor("ada", "administrator")
        users.create_user(db, boss, "liu", "Quiet-river-2026", "liaison")
        assert set(json.loads(keyfile.key_file_for(path).read_text())["accounts"]) == {
            "ada",
            "liu",
        }
    finally:
        db.dispose()
    liu = open_database(str(path), credentials=Credentials("liu", "Quiet-river-2026"))
    liu.dispose()
    db = open_database(str(path), credentials=ADA)
    try:
        users.set_active(db, Actor("ada", "administrator"), "liu", False)
    finally:
        db.dispose()
    with pytest.raises(StorageError, match="password is wrong"):
        open_database(str(path), credentials=Credentials("liu", "Quiet-river-2026"))


def test_the_recovery_key_opens_it_and_rekey_retires_the_old_key(encrypted):
    path, done = encrypted
    kf = keyfile.KeyFile.read(keyfile.key_file_for(path))
    key = kf.unlock(ADA)
    assert kf.unlock_with_recovery(done.recovery_key.lower().replace("-", " ")) == key
    with pytest.raises(StorageError, match="not the recovery key"):
        kf.unlock_with_recovery("AAAAA-" * 7 + "AAAAA")
    again = rekey(path, ADA)
    assert again.recovery_key != done.recovery_key
    new = keyfile.KeyFile.read(keyfile.key_file_for(path))
    assert new.unlock(ADA) != key  # a new key...
    with pytest.raises(StorageError, match="not the recovery key"):
        new.unlock_with_recovery(done.recovery_key)  # ...that the old recovery key misses
    db = open_database(str(path), credentials=ADA)
    try:
        assert users.authenticate(db, "ada", PASSWORD).role == "administrator"
    finally:
        db.dispose()


def test_db_encrypt_and_setup_on_the_command_line(tmp_path):
    path = tmp_path / "plain.sqlite3"
    cli = Cli(tmp_path, str(path))
    cli.set_up("chief")  # a plain file (--no-encryption)
    assert path.read_bytes().startswith(b"SQLite format 3")
    cli.user = None
    assert cli("db", "encrypt", ok=False).returncode == 2  # administrators only, signed in
    cli.user = "chief"
    out = cli("db", "encrypt").stdout
    assert "RECOVERY KEY" in out and "NOT encrypted, is kept at" in out
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert "audit trail intact" in cli("audit", "verify").stdout  # everything came across
    assert "is already encrypted" in cli("db", "encrypt", ok=False).stderr
    assert "new key" in cli("db", "rekey").stdout
    cli.user = None
    assert cli("audit", "verify", ok=False).returncode == 2
    refused = cli("db", "current", ok=False)  # runs without a sign-in, but cannot read it
    assert refused.returncode == 2 and "encrypted: sign in first" in refused.stderr
    cli.user = "chief"
    assert "up to date" in cli("db", "current").stdout


def test_killed_during_saves_an_encrypted_file_loses_nothing_and_its_chain_holds(encrypted):
    """SIGKILL at random moments while a writer saves: what was committed is there, and
    the file opens with its key and verifies."""
    path, _done = encrypted
    script = textwrap.dedent(
        f"""
        import sys
        from argon2 import PasswordHasher
        from workinggroup_app.services import users
        from workinggroup_app.storage import keyfile
        keyfile.KDF.update(memory_cost=1024, time_cost=1)
        users.hasher = PasswordHasher(time_cost=1, memory_cost=1024)
        from tests.helpers import World
        from workinggroup_app.storage.credentials import Credentials
        from workinggroup_app.storage.database import open_database
        db = open_database({str(path)!r}, credentials=Credentials("ada", {PASSWORD!r}))
        w = World(db, users.authenticate(db, "ada", {PASSWORD!r}))
        n = 0
        while True:
            w.make("case", title_en=f"Case {{n}}")
            n += 1
            print(n, flush=True)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    committed = 0
    for attempt in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env
        )
        time.sleep(1.0 + attempt * 0.13)
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        committed += len(out.split())
    db = open_database(str(path), credentials=ADA)
    try:
        with db.session() as s:
            cases = s.execute(text('SELECT count(*) FROM "case"')).scalar()
        assert cases >= committed  # every save it reported is there (one may be unreported)
        assert World(db).verify().ok
    finally:
        db.dispose()


def test_a_large_encrypted_file_passes_the_quick_start_up_check(encrypted, monkeypatch):
    """Above FULL_CHECK_MAX_BYTES the start-up check compares pages with the file length:
    it must read an encrypted file's figures as it reads a plain one's."""
    from workinggroup_app.storage import engine

    path, _done = encrypted
    monkeypatch.setattr(engine, "FULL_CHECK_MAX_BYTES", 1)
    open_database(str(path), credentials=ADA).dispose()
    with path.open("r+b") as fh:  # cut off: now it is said to be truncated
        fh.truncate(path.stat().st_size - 4096)
    with pytest.raises(StorageError) as err:
        open_database(str(path), credentials=ADA)
    assert "is damaged" in err.value.message_en and "key file" not in err.value.message_en


def test_the_recovery_key_gives_a_forgotten_password_back_on_the_command_line(encrypted, tmp_path):
    path, done = encrypted
    cli = Cli(tmp_path, str(path))
    wrong = cli("db", "recover", "ada", "--stdin", stdin="AAAAA-BBBBB\nNew-harbor-2027\n", ok=False)
    assert wrong.returncode == 1 and "not the recovery key" in wrong.stderr
    typed = done.recovery_key.lower()  # as someone types it back from paper
    out = cli("db", "recover", "ada", "--stdin", stdin=f"{typed}\nNew-harbor-2027\n").stdout
    assert "ada has a new password" in out
    with pytest.raises(StorageError, match="password is wrong"):
        open_database(str(path), credentials=ADA)  # the old password no longer opens it
    db = open_database(str(path), credentials=Credentials("ada", "New-harbor-2027"))
    try:
        assert users.authenticate(db, "ada", "New-harbor-2027").role == "administrator"
        with db.session() as s:
            actors = [r[0] for r in s.execute(text("SELECT actor FROM audit_event"))]
        assert "recovery-key" in actors  # the reset is in the trail, by the recovery key
    finally:
        db.dispose()
