"""The audit chain on PostgreSQL: many writers at once still build one unbroken chain, and
the chain lock is taken by the last write of each transaction (so it is held only for the
audit INSERT and the COMMIT)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from tests.postgres.together import run_together
from workinggroup_app.audit import trail
from workinggroup_app.domain.models import AuditEvent
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services.records import Services

pytestmark = pytest.mark.postgres

ITEM = {"title_en": "Lead", "title_zh": "线索", "owner_side": "US", "releasability": "releasable"}


def _chain(db) -> list[tuple[int, str, str]]:
    with db.session() as s:
        return list(
            s.execute(
                select(AuditEvent.id, AuditEvent.prev_hash, AuditEvent.hash).order_by(AuditEvent.id)
            ).all()
        )


def _assert_one_chain(db, expected: int) -> None:
    rows = _chain(db)
    assert len(rows) == expected
    ids = [r.id for r in rows]
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # consecutive: no gap, no fork
    prev = trail.GENESIS
    for r in rows:
        assert r.prev_hash == prev, f"event {r.id} does not follow the one before it"
        prev = r.hash
    with db.session() as s:
        result = trail.verify(s)
    assert result.ok and result.checked == expected, result


def test_concurrent_writers_build_one_chain(pg_db):
    writers, rounds = 6, 8
    done: list[int] = []

    def writer(n: int) -> None:
        svc = Services(pg_db, Actor(f"writer{n}", "coordinator"))
        events = 0
        mine = []
        for _ in range(2):
            mine.append(svc.create("action_item", {**ITEM, "title_en": f"Lead {n}"}))
            events += 1
        versions = {c.ids[0]: c.version for c in mine}
        for r in range(rounds):
            rid = mine[r % 2].ids[0]
            if r < 2:
                change = svc.transition(
                    "action_item", rid, "in_progress", expected_version=versions[rid]
                )
            else:
                change = svc.update(
                    "action_item", rid, {"title_en": f"Lead {n} edit {r}"}, versions[rid]
                )
            versions[rid] = change.version
            events += 1
        svc.bulk_transition("action_item", [(rid, v) for rid, v in versions.items()], "blocked")
        events += len(versions)
        done.append(events)

    run_together(writer, writers)
    assert len(done) == writers
    _assert_one_chain(pg_db, sum(done))


TRICKY = [
    "quote \" backslash \\ apostrophe ' percent %s %(x)s",
    "new\nline\ttab \x01 control, \u2028 separator",
    "芬太尼前体 😀 emoji, 中文“引号”",
]


def test_server_hash_is_event_hash_for_any_text(pg_db):
    with pg_db.sessions.begin() as s:
        for i, text in enumerate(TRICKY):
            ev = trail.append(
                s,
                actor=f"actor {text[:20]}",
                action="update",
                record_type="case",
                record_id=i or None,
                reference=text[:32],
                changes={"summary_en": [None, text], "n": [i, i + 1]},
            )
            assert ev.hash == trail.event_hash(ev)
    trail.record(pg_db, actor="me", action="export", changes={"file": TRICKY[2]})
    _assert_one_chain(pg_db, len(TRICKY) + 1)


def test_other_drivers_take_the_lock_statement_by_statement(pg_db, monkeypatch):
    """With a driver other than psycopg the same chain is built without the one-trip path."""
    svc = Services(pg_db, Actor("writer", "coordinator"))
    first = svc.create("action_item", ITEM)  # psycopg path
    monkeypatch.setattr(trail, "_dialect", lambda session: ("postgresql", "psycopg2"))
    second = svc.create("action_item", ITEM)
    svc.bulk_transition(
        "action_item", [(first.ids[0], first.version), (second.ids[0], second.version)], "done"
    )
    monkeypatch.undo()
    svc.update("action_item", first.ids[0], {"title_en": "After"}, first.version + 1)
    _assert_one_chain(pg_db, 5)


def test_the_audit_event_is_the_last_write_before_commit(pg_db, monkeypatch):
    """Between taking the chain lock and COMMIT nothing but the audit INSERT is sent."""
    log: list[str] = []

    def before(conn, cursor, statement, params, context, executemany):
        log.append(" ".join(statement.split())[:60])

    def commit(conn):
        log.append("COMMIT")

    def marked(orig):
        def call(session, *args, **kwargs):
            session.flush()  # the caller's writes, as the real function does first
            log.append("CHAIN LOCK")
            return orig(session, *args, **kwargs)

        return call

    for name in ("_append_pg", "_chain_tail"):
        monkeypatch.setattr(trail, name, marked(getattr(trail, name)))
    event.listen(pg_db.engine, "before_cursor_execute", before)
    event.listen(pg_db.engine, "commit", commit)
    try:
        svc = Services(pg_db, Actor("writer", "coordinator"))
        created = svc.create("action_item", ITEM)
        other = svc.create("action_item", ITEM)
        updated = svc.update("action_item", created.ids[0], {"title_en": "Edited"}, 1)
        moved = svc.transition(
            "action_item", created.ids[0], "in_progress", comment="go", expected_version=2
        )
        svc.bulk_transition(
            "action_item", [(created.ids[0], moved.version), (other.ids[0], 1)], "done"
        )
    finally:
        event.remove(pg_db.engine, "before_cursor_execute", before)
        event.remove(pg_db.engine, "commit", commit)
    assert updated.version == 2
    locked = [i for i, line in enumerate(log) if line == "CHAIN LOCK"]
    assert len(locked) == 5
    for i in locked:
        tail = log[i + 1 : log.index("COMMIT", i)]
        assert all(line.startswith("INSERT INTO audit_event") for line in tail), tail
