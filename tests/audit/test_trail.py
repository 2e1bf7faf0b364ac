"""The audit trail is append-only in effect: any edit or deletion is found, and where."""

from __future__ import annotations

import pytest

from tests.helpers import World
from workinggroup_app.audit import trail


@pytest.fixture
def world(any_db):
    w = World(any_db)
    rid = w.make("referral", title_en="Original title")
    w.svc.update("referral", rid, {"title_en": "Second title"}, 1)
    w.svc.transition("referral", rid, "sent", comment="sent through the liaison channel")
    w.make("case")
    w.make("entity", title_en="远丰化工", title_zh="远丰化工")
    return w


def ids(w: World) -> list[int]:
    return [row[0] for row in w.sql("SELECT id FROM audit_event ORDER BY id")]


def test_an_untouched_trail_verifies(world):
    result = world.verify()
    # two agencies, the referral sent between them (created, edited, sent), a case, an entity
    assert result.ok and result.checked == 7 and result.first_bad_id is None


def test_editing_an_events_changes_by_sql_is_found_at_that_event(world):
    target = ids(world)[1]
    world.sql(
        "UPDATE audit_event SET changes = :c WHERE id = :id",
        c='{"title_en": ["Original title", "Something else"]}',
        id=target,
    )
    result = world.verify()
    assert not result.ok
    assert result.first_bad_id == target
    assert result.checked == 1
    assert "changed" in result.reason


@pytest.mark.parametrize("column", ["actor", "action", "reference", "at", "outcome"])
def test_editing_any_covered_column_is_found(world, column):
    target = ids(world)[2]
    value = "2020-01-01 00:00:00" if column == "at" else "tampered"
    world.sql(f"UPDATE audit_event SET {column} = :v WHERE id = :id", v=value, id=target)
    assert world.verify().first_bad_id == target


def test_deleting_an_event_is_found_at_the_next_one(world):
    all_ids = ids(world)
    world.sql("DELETE FROM audit_event WHERE id = :id", id=all_ids[2])
    result = world.verify()
    assert not result.ok
    assert result.first_bad_id == all_ids[3]
    assert "link" in result.reason


def test_rewriting_an_event_with_a_recomputed_hash_still_breaks_the_next_link(world):
    all_ids = ids(world)
    world.sql("UPDATE audit_event SET actor = 'mallory' WHERE id = :id", id=all_ids[1])
    with world.db.session() as s:
        ev = s.get(trail.AuditEvent, all_ids[1])
        new_hash = trail.event_hash(ev)
    world.sql("UPDATE audit_event SET hash = :h WHERE id = :id", h=new_hash, id=all_ids[1])
    result = world.verify()
    assert result.first_bad_id == all_ids[2]


def test_deleting_the_whole_trail_but_the_last_event_is_found(world):
    last = ids(world)[-1]
    world.sql("DELETE FROM audit_event WHERE id < :id", id=last)
    assert world.verify().first_bad_id == last


def test_verify_reads_in_batches(world):
    for i in range(7):
        world.make("case", title_en=f"Case {i}")
    with world.db.session() as s:
        outcome = trail.verify(s, batch=3)
    assert outcome.ok and outcome.checked == 14


def test_every_audit_action_the_code_writes_has_words_in_both_languages():
    """The audit viewer shows each action in English and Chinese, never as a raw key."""
    import re
    from pathlib import Path

    import workinggroup_app
    from workinggroup_app.domain import vocabulary

    source = "\n".join(
        p.read_text(encoding="utf-8") for p in Path(workinggroup_app.__file__).parent.rglob("*.py")
    )
    written = set(re.findall(r'action="([a-z_]+)"', source)) - {"store_true", "version"}
    written |= set(re.findall(r'"action": "([a-z_]+)"', source))
    assert written, "no audit actions found: the pattern no longer matches the code"
    missing = sorted(a for a in written if not vocabulary.is_known("audit_action", a))
    assert missing == []
