"""Faults: a writer killed at random points, a failing audit write, a tampered audit trail,
a database on a network share, deleted data left on disk, a damaged file."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from workinggroup_app.audit import trail
from workinggroup_app.domain import models
from workinggroup_app.domain.children import CHILDREN
from workinggroup_app.domain.errors import StorageError
from workinggroup_app.domain.permissions import SYSTEM, Actor
from workinggroup_app.services import users
from workinggroup_app.services.records import Services
from workinggroup_app.storage import paths
from workinggroup_app.storage.database import open_database
from workinggroup_app.storage.paths import check_local_path

# --- a writer killed with SIGKILL, fifty times, on the same file ---------------------------

# A fork server: one process imports everything and warms up on a scratch copy, then forks
# one writer per run, so each run starts writing within milliseconds (not after a second of
# imports) and the kill lands among writes. The writer prints each Change after it returned,
# i.e. after the commit; a line is one write(2) call, so lines are never interleaved.
WRITER = r"""
import os, random, sys
from sqlalchemy import text
from workinggroup_app.storage.database import open_database
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services.records import Services

TEXT_FIELD = {"case": "summary_en", "action_item": "description_en", "meeting": "summary_en"}
INITIAL = {"case": "open", "action_item": "open", "meeting": "planned"}


class _R:
    def __init__(self, status):
        self.status = status


def write(path, run, limit=None):
    rng = random.Random(run)
    db = open_database(path)
    s = Services(db, Actor("writer", "administrator"))
    state = {}  # (type, id) -> [version, status, archived]
    with db.engine.connect() as c:
        for t in TEXT_FIELD:
            for i, v, st, a in c.execute(text(f'SELECT id, version, status, archived FROM "{t}"')):
                state[(t, i)] = [v, st, bool(a)]
    if limit is None:
        print("OPEN", flush=True)
    seq = 0
    while limit is None or seq < limit:
        seq += 1
        token = f"r{run}s{seq}-移交"
        live = [k for k, v in state.items() if not v[2]]
        op = rng.random()
        if op < 0.15 or not live:
            t = rng.choice(list(TEXT_FIELD))
            values = {"title_en": f"T {token}", "title_zh": "标题", TEXT_FIELD[t]: token}
            if t == "action_item":
                values["owner_side"] = "US"
                cases = [i for (tt, i) in state if tt == "case"]
                if cases:
                    values["origin_case_id"] = rng.choice(cases)
            if t == "meeting":
                values["meeting_type"] = "video"
            ch = s.create(t, values)
            state[(t, ch.ids[0])] = [ch.version, INITIAL[t], False]
        else:
            t, i = key = rng.choice(live)
            version, status, _ = state[key]
            if op < 0.45:
                ch = s.update(t, i, {TEXT_FIELD[t]: token, "title_en": f"T {token}"}, version)
            elif op < 0.55 and t == "meeting":
                n = rng.randint(0, 4)
                agenda = [
                    {"title_en": f"{token} item {k}", "title_zh": f"议程 {k}", "notes_en": token}
                    for k in range(n)
                ]
                ch = s.save_meeting_content(i, version, agenda=agenda)
                if ch.action == "none":
                    continue
            elif op < 0.9:
                targets = s.allowed_transitions(t, _R(status))
                if not targets:
                    continue
                target = rng.choice(targets)
                ch = s.transition(t, i, target, comment=token, expected_version=version,
                                  outcome="prosecution" if t == "case" else None)
                state[key][1] = target
            else:
                ch = s.archive(t, i, version)
                state[key][2] = True
            state[key][0] = ch.version
        if limit is None:
            # one write() per line: a kill can never leave half a confirmation in the pipe
            os.write(1, f"{ch.action} {ch.record_type} {ch.ids[0]} {ch.version} {token}\n".encode())
    db.dispose()


target, scratch = sys.argv[1], sys.argv[2]
write(scratch, -1, limit=300)  # warm every code path on a copy, never on the target
print("READY", flush=True)
for line in sys.stdin:
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            write(target, int(line))
        finally:
            os._exit(3)
    print("PID", pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print("DONE", status, flush=True)
"""

KILLS = 50


def _events_after(path: Path, last_id: int) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT id, action, record_type, record_id FROM audit_event WHERE id > ? ORDER BY id",
            (last_id,),
        ).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_writer_killed_at_random_points_loses_nothing_and_half_applies_nothing(tmp_path):
    path = tmp_path / "killed.sqlite3"
    db = open_database(str(path))
    Services(db, SYSTEM).create("case", {"title_en": "Seed", "title_zh": "种子"})
    db.dispose()
    scratch = tmp_path / "scratch.sqlite3"
    shutil.copyfile(path, scratch)

    server = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(scratch)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert server.stdin is not None and server.stdout is not None and server.stderr is not None
    rng = random.Random(20260301)
    confirmed: list[tuple[str, str, int, int, str]] = []
    extras = 0  # committed but killed before it could say so: at most one per run
    kills_during_writes = 0
    last_id = len(_events_after(path, 0))
    try:
        assert server.stdout.readline().strip() == "READY", server.stderr.read()
        for run in range(KILLS):
            server.stdin.write(f"{run}\n")
            server.stdin.flush()
            pid, opened, lines = None, False, []
            while pid is None or not opened:
                line = server.stdout.readline()
                assert line, server.stderr.read()
                if line.startswith("PID "):
                    pid = int(line.split()[1])
                elif line.strip() == "OPEN":
                    opened = True
            time.sleep(rng.uniform(0.020, 0.300))
            os.kill(pid, signal.SIGKILL)
            while True:
                line = server.stdout.readline()
                assert line, server.stderr.read()
                if "DONE" in line:  # anything before it on the line was never confirmed
                    line = line[line.index("DONE") :]
                    break
                lines.append(line.split())
            status = int(line.split()[1])
            # it died of the kill, still writing; it did not stop on an error of its own
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, run
            run_confirmed = [(a, t, int(i), int(v), tok) for a, t, i, v, tok in lines]
            kills_during_writes += bool(run_confirmed)
            new = _events_after(path, last_id)
            # the audit trail of this run is exactly the confirmed changes, in order, plus at
            # most one more: the change in flight when the process died
            assert len(run_confirmed) <= len(new) <= len(run_confirmed) + 1, run
            for (action, rtype, rid, _v, _tok), (_eid, e_action, e_type, e_id) in zip(
                run_confirmed, new, strict=False
            ):
                assert (action, rtype, rid) == (e_action, e_type, e_id)
            extras += len(new) - len(run_confirmed)
            confirmed += run_confirmed
            if new:
                last_id = new[-1][0]
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    assert kills_during_writes >= KILLS * 3 // 4  # most kills landed among writes
    # enough confirmed writes to exercise the check (not a speed figure: CI may be loaded)
    assert len(confirmed) >= KILLS

    print(
        "confirmed", len(confirmed), "in flight", extras, "kills among writes", kills_during_writes
    )
    _check_consistent(path, confirmed, extras)


def _check_consistent(path: Path, confirmed: list[tuple], extras: int) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        events = con.execute(
            "SELECT id, action, record_type, record_id, changes FROM audit_event ORDER BY id"
        ).fetchall()
        assert len(events) == 1 + len(confirmed) + extras  # 1: the seed case
        by_record: dict[tuple[str, int], list[tuple[str, dict]]] = {}
        for _id, action, rtype, rid, changes in events:
            by_record.setdefault((rtype, rid), []).append((action, json.loads(changes)))
        text_field = {"case": "summary_en", "action_item": "description_en"}
        text_field["meeting"] = "summary_en"
        for rtype in ("case", "action_item", "meeting"):
            rows = con.execute(
                f'SELECT id, version, status, archived, title_en, {text_field[rtype]} FROM "{rtype}"'
            ).fetchall()
            for rid, version, status, archived, title, body in rows:
                events_of = by_record.get((rtype, rid), [])
                # one audit event per version: nothing applied without its event, or vice versa
                assert version == len(events_of), (rtype, rid)
                # the record holds what its last audited change says
                final: dict[str, object] = {}
                for _action, changes in events_of:
                    for name, pair in changes.items():
                        if isinstance(pair, list) and len(pair) == 2:
                            final[name] = pair[1]
                assert final.get("title_en") == title and final.get(text_field[rtype]) == body
                assert final["status"] == status
                assert bool(final.get("archived", False)) == bool(archived)
                # status history matches the transitions, link by link
                history = con.execute(
                    "SELECT from_status, to_status FROM status_change "
                    "WHERE record_type=? AND record_id=? ORDER BY id",
                    (rtype, rid),
                ).fetchall()
                moves = [c["status"] for a, c in events_of if a == "transition"]
                assert [list(h) for h in history] == [[None, events_of[0][1]["status"][1]], *moves]
                assert history[-1][1] == status
                assert con.execute(
                    "SELECT count(*) FROM search_text WHERE record_type=? AND record_id=?",
                    (rtype, rid),
                ).fetchone() == (1,)
                if rtype == "meeting":
                    spec = CHILDREN["agenda_items"]
                    cols = ", ".join(spec.summary_fields)
                    agenda = [
                        spec.summary(_Row(spec.summary_fields, r))
                        for r in con.execute(
                            f"SELECT {cols} FROM agenda_item WHERE meeting_id=? ORDER BY position",
                            (rid,),
                        ).fetchall()
                    ]
                    assert agenda == final.get("agenda_items", [])
        # every confirmed save is there, at least at the version it reported
        versions = {}
        for rtype in ("case", "action_item", "meeting"):
            for rid, v in con.execute(f'SELECT id, version FROM "{rtype}"'):
                versions[(rtype, rid)] = v
        for _action, rtype, rid, version, _tok in confirmed:
            assert versions[(rtype, rid)] >= version
    finally:
        con.close()
    database = open_database(str(path))
    try:
        with database.session() as s:
            result = trail.verify(s)
        assert result.ok and result.checked == len(events), result
    finally:
        database.dispose()


class _Row:
    def __init__(self, names: tuple[str, ...], row: tuple) -> None:
        self.__dict__.update(zip(names, row, strict=True))


# --- a failing audit write rolls the whole change back ----------------------------------------


def _snapshot(database) -> dict[str, list]:
    out = {}
    with database.engine.connect() as conn:
        names = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ).scalars()
        for name in list(names):
            out[name] = sorted(
                repr(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{name}"'))
            )
    return out


def _boom(*_a, **_k):
    raise OSError("disk full while writing the audit event")


SERVICE_CALLS = {
    "create": lambda s, ids: s.create("case", {"title_en": "New", "title_zh": "新"}),
    "update": lambda s, ids: s.update("case", ids["case"], {"title_en": "Edited"}, 1),
    "transition": lambda s, ids: s.transition("case", ids["case"], "active", comment="go"),
    "bulk_transition": lambda s, ids: s.bulk_transition(
        "action_item", [(ids["ai1"], 1), (ids["ai2"], 1)], "done"
    ),
    "archive": lambda s, ids: s.archive("case", ids["case"], 1),
    "restore": lambda s, ids: s.restore("case", ids["archived"], 2),
    "save_meeting_content": lambda s, ids: s.save_meeting_content(
        ids["meeting"], 1, agenda=[{"title_en": "Item"}], decisions=[{"text_en": "Agreed"}]
    ),
}


@pytest.mark.parametrize("name", list(SERVICE_CALLS))
def test_a_failing_audit_write_rolls_back_the_change(db, monkeypatch, name):
    s = Services(db, SYSTEM)
    ids = {
        "case": s.create("case", {"title_en": "Case", "title_zh": "案"}).ids[0],
        "ai1": s.create("action_item", {"title_en": "A", "title_zh": "甲", "owner_side": "US"}).ids[0],
        "ai2": s.create("action_item", {"title_en": "B", "title_zh": "乙", "owner_side": "US"}).ids[0],
        "meeting": s.create("meeting", {"title_en": "M", "title_zh": "会", "meeting_type": "video"}).ids[0],
    }  # fmt: skip
    archived = s.create("case", {"title_en": "Old", "title_zh": "旧"})
    s.archive("case", archived.ids[0], 1)
    ids["archived"] = archived.ids[0]
    before = _snapshot(db)
    monkeypatch.setattr(trail, "append", _boom)
    monkeypatch.setattr(trail, "append_many", _boom)  # bulk_transition appends all at the end
    with pytest.raises(OSError):
        SERVICE_CALLS[name](s, ids)
    assert _snapshot(db) == before
    monkeypatch.undo()
    SERVICE_CALLS[name](s, ids)  # the same call works once the audit trail can be written
    assert _snapshot(db) != before


def test_a_failing_audit_write_rolls_back_sign_in_and_permission_changes(db, monkeypatch):
    monkeypatch.setattr(users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    admin = users.create_first_administrator(db, "admin", "correct horse battery")
    before = _snapshot(db)
    monkeypatch.setattr(trail, "append", _boom)
    for call in (
        lambda: users.authenticate(db, "admin", "correct horse battery"),
        lambda: users.authenticate(db, "admin", "wrong wrong wrong"),
        lambda: users.create_user(db, admin, "li", "correct horse battery", "viewer"),
        lambda: users.set_password(
            db, admin, "admin", "a new long password 1", current_password="correct horse battery"
        ),
    ):
        with pytest.raises((OSError, users.DomainError)):
            call()
    assert _snapshot(db) == before


# --- the audit trail shows tampering at the row that was touched ---------------------------


def _trail(db, n: int) -> list[int]:
    s = Services(db, Actor("liu", "liaison"))
    case = s.create("case", {"title_en": "Case", "title_zh": "案"})
    for k in range(n - 1):
        s.update("case", case.ids[0], {"summary_en": f"note {k}"}, k + 1)
    with db.session() as session:
        assert trail.verify(session).ok
        return list(session.execute(text("SELECT id FROM audit_event ORDER BY id")).scalars())


def _verify(db) -> trail.VerifyResult:
    with db.session() as s:
        return trail.verify(s, batch=3)  # small batches: the break may fall on a boundary


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET actor = 'someone else' WHERE id = :id",
        "UPDATE audit_event SET changes = '{}' WHERE id = :id",
        "UPDATE audit_event SET at = '2020-01-01 00:00:00' WHERE id = :id",
        "UPDATE audit_event SET outcome = 'denied' WHERE id = :id",
    ],
)
def test_editing_an_audit_row_breaks_verify_at_that_row(db, sql):
    ids = _trail(db, 8)
    with db.engine.begin() as conn:
        conn.execute(text(sql), {"id": ids[4]})
    result = _verify(db)
    assert not result.ok and result.first_bad_id == ids[4]
    assert result.reason == "its content was changed" and result.checked == 4


def test_rewriting_a_row_with_a_fresh_hash_breaks_the_next_link(db):
    ids = _trail(db, 6)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor='x', hash=:h WHERE id=:id"),
                     {"h": "f" * 64, "id": ids[2]})  # fmt: skip
    result = _verify(db)
    assert not result.ok and result.first_bad_id == ids[2]


@pytest.mark.parametrize("position", [0, 3])
def test_deleting_an_audit_row_breaks_verify_at_the_next_row(db, position):
    ids = _trail(db, 7)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[position]})
    result = _verify(db)
    assert not result.ok and result.first_bad_id == ids[position + 1]
    assert result.reason == "its link to the previous event is broken"


# --- storage: network shares, secure delete, damaged files -----------------------------------

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
server:/export /mnt/share nfs4 rw,relatime 0 0
//winbox/cases /mnt/smb cifs rw 0 0
/dev/sdb1 /mnt/share/local ext4 rw 0 0
"""


@pytest.fixture
def fake_mounts(monkeypatch):
    real = Path.read_text

    def read_text(self, *args, **kwargs):
        if str(self) == "/proc/mounts":
            return MOUNTS
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)


@pytest.mark.parametrize(
    ("where", "fstype"),
    [("/mnt/share/wg.sqlite3", "nfs4"), ("/mnt/smb/cases/wg.sqlite3", "cifs")],
)
def test_a_database_on_a_network_share_is_refused(fake_mounts, where, fstype):
    with pytest.raises(StorageError) as e:
        check_local_path(Path(where))
    assert fstype in e.value.message_en and "PostgreSQL" in e.value.message_en
    assert "网络文件系统" in e.value.message_zh


def test_a_local_disk_is_accepted_even_when_mounted_under_a_share(fake_mounts, tmp_path):
    check_local_path(Path("/mnt/share/local/wg.sqlite3"))  # the deepest mount point decides
    check_local_path(tmp_path / "wg.sqlite3")  # under "/", ext4


def test_opening_on_a_network_share_fails_before_touching_the_file(fake_mounts, monkeypatch):
    target = Path("/mnt/share/new/wg.sqlite3")
    with pytest.raises(StorageError):
        open_database(str(target))
    assert not target.parent.exists()


def test_without_proc_mounts_the_check_does_not_block(monkeypatch, tmp_path):
    def unreadable(self, *args, **kwargs):
        raise OSError("no /proc here")

    monkeypatch.setattr(Path, "read_text", unreadable)
    check_local_path(tmp_path / "wg.sqlite3")


@pytest.mark.parametrize("secure", [True, False])
def test_secure_delete_is_on_so_deleted_text_does_not_stay_on_disk(tmp_path, secure):
    database = open_database(str(tmp_path / "wg.sqlite3"))
    secret = "SECRET-INFORMANT-NAME-" * 40
    with database.engine.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        if not secure:  # the control: without the pragma the text would stay in the file
            conn.exec_driver_sql("PRAGMA secure_delete=OFF")
        conn.execute(
            text("INSERT INTO status_change (record_type, record_id, to_status, comment, "
                 "note_releasable, changed_by, changed_at) VALUES ('case', 1, 'open', :c, 0, "
                 "'x', '2026-01-01 00:00:00')"),
            {"c": secret},
        )  # fmt: skip
    with database.engine.begin() as conn:
        if not secure:
            conn.exec_driver_sql("PRAGMA secure_delete=OFF")
        conn.execute(text("DELETE FROM status_change"))
    database.dispose()  # the last connection checkpoints the WAL into the file
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("wg.sqlite3*"))
    assert (b"SECRET-INFORMANT-NAME-" in raw) == (not secure)


def test_an_edit_to_agenda_notes_alone_is_saved(db):
    # found by the secure-delete test: only titles were compared, so a notes-only edit was
    # silently dropped (and attendee agency, contact and Chinese position likewise)
    s = Services(db, SYSTEM)
    ag = s.create("agency", {"title_en": "DEA", "title_zh": "缉毒局", "abbreviation": "DEA",
                             "side": "US"})  # fmt: skip
    m = s.create("meeting", {"title_en": "M", "title_zh": "会", "meeting_type": "video"})
    ch = s.save_meeting_content(
        m.ids[0],
        1,
        agenda=[{"title_en": "Item", "notes_en": "first notes"}],
        attendees=[{"side": "US", "name_en": "Ann", "position_zh": "处长"}],
    )
    ch = s.save_meeting_content(
        m.ids[0],
        ch.version,
        agenda=[{"title_en": "Item", "notes_en": "second notes"}],
        attendees=[{"side": "US", "name_en": "Ann", "position_zh": "副处长",
                    "agency_id": ag.ids[0]}],
    )  # fmt: skip
    assert ch.action == "update"
    with db.session() as session:
        meeting = session.get(models.Meeting, m.ids[0])
        assert meeting.agenda_items[0].notes_en == "second notes"
        assert meeting.attendees[0].position_zh == "副处长"
        assert meeting.attendees[0].agency_id == ag.ids[0]


def test_a_damaged_file_is_reported_and_left_alone(tmp_path):
    good = tmp_path / "good.sqlite3"
    database = open_database(str(good))
    Services(database, SYSTEM).create("case", {"title_en": "Case", "title_zh": "案"})
    database.dispose()
    bad = tmp_path / "bad.sqlite3"
    data = bytearray(good.read_bytes())
    data[100:4096] = os.urandom(3996)  # scribble over the schema page
    bad.write_bytes(bytes(data))
    before = bad.read_bytes()
    with pytest.raises(StorageError) as e:
        open_database(str(bad))
    assert "damaged" in e.value.message_en or "integrity" in e.value.message_en
    assert bad.read_bytes() == before
    not_db = tmp_path / "notes.sqlite3"
    not_db.write_text("just some text, not a database")
    with pytest.raises(StorageError):
        open_database(str(not_db))


def test_check_local_path_reads_proc_mounts_through_path(monkeypatch):
    # guards the fake above: if db.py stops reading /proc/mounts via Path.read_text, the
    # network-share tests would pass vacuously
    seen = []
    real = Path.read_text

    def spy(self, *args, **kwargs):
        seen.append(str(self))
        return real(self, *args, **kwargs) if str(self) != "/proc/mounts" else MOUNTS

    monkeypatch.setattr(Path, "read_text", spy)
    with pytest.raises(StorageError):
        paths.check_local_path(Path("/mnt/share/x.sqlite3"))
    assert "/proc/mounts" in seen
