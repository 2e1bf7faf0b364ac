"""Signed checkpoints: deleting the newest events, or rewriting and recomputing the whole
chain, no longer matches what the installation's audit key signed."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from tests.helpers import World
from workinggroup_app.audit import checkpoints, trail
from workinggroup_app.demo import seed
from workinggroup_app.domain.models import AuditEvent


def _world(database) -> World:
    w = World(database)
    for n in range(8):
        w.make("referral", title_en=f"Lead {n}")
    return w


@pytest.fixture
def world(any_db):
    return _world(any_db)


@pytest.fixture
def file_world(db):
    """On a SQLite file whoever holds the file can rewrite any row: the checkpoints are
    what catches it. (On PostgreSQL the server refuses such writes: tests/storage.)"""
    return _world(db)


def events(w: World) -> list[int]:
    return [row[0] for row in w.sql("SELECT id FROM audit_event ORDER BY id")]


def sign(w: World, reason: str = "test"):
    return trail.checkpoint(w.db, reason, "tester")


def test_a_checkpoint_signs_the_head_and_verify_reports_it(world):
    cp = sign(world)
    assert cp is not None
    assert cp.event_count == len(events(world)) and cp.head_id == events(world)[-1]
    assert checkpoints.signature_ok(cp)
    world.make("case")
    result = world.verify()
    assert result.ok
    assert result.checkpoint is not None and result.checkpoint.number == cp.number
    assert result.since == 1  # the case made after it


def test_signing_twice_with_no_new_event_returns_the_same_checkpoint(world):
    first, again = sign(world), sign(world)
    assert first.number == again.number
    assert world.sql("SELECT COUNT(*) FROM audit_checkpoint")[0][0] == 1


def test_deleting_the_newest_five_events_under_a_checkpoint_is_found(file_world):
    sign(file_world)
    doomed = events(file_world)[-5:]
    file_world.sql(f"DELETE FROM audit_event WHERE id IN ({','.join(map(str, doomed))})")
    # without the checkpoint this chain is a valid shorter chain: the links all hold
    result = file_world.verify()
    assert not result.ok
    assert "missing" in result.reason and "5 gone" in result.reason
    assert result.first_bad_id == doomed[0]


def test_a_recomputed_chain_after_a_rewrite_is_found(file_world):
    """The insider rewrites an event and recomputes every hash after it: the links and
    hashes all hold, but the signed head no longer matches."""
    sign(file_world)
    with file_world.db.sessions.begin() as s:
        prev = trail.GENESIS
        for n, ev in enumerate(s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()):
            if n == 2:
                ev.changes = json.dumps({"title_en": [None, "Rewritten"]})
            ev.prev_hash = prev
            ev.hash = prev = trail.event_hash(ev)
    result = file_world.verify()
    # every link and every hash holds: only the signed head tells the chain was rewritten
    assert not result.ok
    assert result.checked == len(events(file_world))
    assert "the chain was rewritten" in result.reason


def test_a_forged_signature_is_refused(file_world):
    cp = sign(file_world)
    file_world.sql(
        "UPDATE audit_checkpoint SET event_count = event_count - 1 WHERE id = :id", id=cp.number
    )
    result = file_world.verify()
    assert not result.ok and "signature" in result.reason


def test_a_copy_from_a_footer_catches_checkpoints_deleted_too(file_world):
    cp = sign(file_world)
    token = cp.token
    with file_world.db.session() as s:
        assert trail.verify(s, against=token).ok
    doomed = events(file_world)[-3:]
    file_world.sql(f"DELETE FROM audit_event WHERE id IN ({','.join(map(str, doomed))})")
    file_world.sql("DELETE FROM audit_checkpoint")
    assert file_world.verify().ok  # nothing in the database shows it any more
    with file_world.db.session() as s:
        result = trail.verify(s, against=token)
    assert not result.ok
    assert token in result.reason


def test_checkpoints_come_at_intervals_and_after_every_export(any_db, monkeypatch):
    monkeypatch.setattr(checkpoints, "INTERVAL", 5)
    w = World(any_db)
    for n in range(11):
        w.make("case", title_en=f"Case {n}")
    reasons = [r[0] for r in w.sql("SELECT reason FROM audit_checkpoint ORDER BY id")]
    assert reasons == ["interval", "interval"]  # at event 5 and event 10
    trail.record(any_db, actor="tester", action="export", changes={"format": "csv"})
    with any_db.session() as s:
        last = checkpoints.latest(s)
    assert last.reason == "export" and last.head_id == events(w)[-1]
    assert w.verify().ok


def test_the_audit_key_is_private_to_the_user(world):
    sign(world)
    path = checkpoints.key_path()
    assert path.stat().st_mode & 0o077 == 0
    with world.db.session() as s:
        assert checkpoints.own_public_key() == checkpoints.latest(s).public_key


def test_every_demo_record_has_a_creation_event(db):
    seed(db, scale=40)
    with db.session() as s:
        from sqlalchemy import text

        for table in ("case", "referral", "action_item", "meeting", "entity", "agency"):
            quoted = f'"{table}"'
            missing = s.execute(
                text(
                    f"SELECT COUNT(*) FROM {quoted} r WHERE NOT EXISTS (SELECT 1 FROM "
                    "audit_event e WHERE e.record_type = :t AND e.record_id = r.id "
                    "AND e.action = 'create')"
                ),
                {"t": table},
            ).scalar_one()
            assert missing == 0, table
        result = trail.verify(s)
    assert result.ok and result.checked > 40


def test_a_checkpoint_token_is_short_enough_to_copy_by_hand(world):
    cp = sign(world)
    assert len(cp.token) < 40
    assert checkpoints.parse_token(f"footer text {cp.token} more") == (
        cp.number,
        cp.event_count,
        cp.head_hash[:16],
    )
    assert hashlib.sha256(bytes.fromhex(cp.public_key)).hexdigest() == cp.fingerprint
