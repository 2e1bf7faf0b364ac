"""Workflows as data, and the services enforcing them: status changes are the heartbeat."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import TODAY, World
from workinggroup_app.domain import vocabulary
from workinggroup_app.domain.errors import TransitionError, ValidationError
from workinggroup_app.domain.fields import RECORD_TYPES
from workinggroup_app.domain.workflows import WORKFLOWS, mermaid
from workinggroup_app.read import lists, related


@pytest.fixture
def world(db):
    return World(db)


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_every_state_is_reachable_named_in_both_languages_and_a_status_value(key):
    wf = WORKFLOWS[key]
    reached, frontier = {wf.initial}, [wf.initial]
    while frontier:
        state = frontier.pop()
        for t in wf.allowed(state):
            if t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(wf.states)
    for state in wf.states:
        assert vocabulary.word(wf.vocabulary, state, "en") != state
        assert vocabulary.word(wf.vocabulary, state, "zh") != state
    assert RECORD_TYPES[key].field("status").vocabulary == wf.vocabulary
    assert set(wf.closed_states) < set(wf.states)
    assert set(wf.open_states()) == set(wf.states) - set(wf.closed_states)


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_closing_transitions_ask_for_an_outcome_where_the_record_has_one(key):
    wf = WORKFLOWS[key]
    for t in wf.transitions:
        if t.needs_outcome:
            assert wf.outcome_vocabulary and vocabulary.keys(wf.outcome_vocabulary)
            assert t.target == "closed"


def test_a_referral_can_be_withdrawn_or_marked_duplicate_from_every_open_state():
    wf = WORKFLOWS["referral"]
    for state in wf.open_states():
        targets = {t.target for t in wf.allowed(state)}
        assert {"withdrawn", "duplicate"} <= targets, state
    for state in wf.closed_states:
        assert wf.allowed(state) == []


def test_direction_decides_sent_or_received(world):
    out = world.make("referral", direction="US_TO_PRC")
    inc = world.make("referral", direction="PRC_TO_US")
    assert "sent" in world.svc.allowed_transitions("referral", world.get("referral", out))
    assert "received" not in world.svc.allowed_transitions("referral", world.get("referral", out))
    assert "received" in world.svc.allowed_transitions("referral", world.get("referral", inc))
    with pytest.raises(TransitionError):
        world.svc.transition("referral", inc, "sent")
    world.svc.transition("referral", inc, "received")
    assert world.get("referral", inc).status == "received"


def test_a_referral_lifecycle_fills_its_dates_and_keeps_its_history(world):
    rid = world.make("referral", direction="US_TO_PRC")
    steps = ["sent", "acknowledged", "under_verification", "info_requested"]
    steps += ["under_verification", "responded"]
    for i, target in enumerate(steps):
        world.svc.transition("referral", rid, target, comment=f"step {i}")
    world.svc.transition("referral", rid, "closed", outcome="seizure", comment="seized")
    ref = world.get("referral", rid)
    assert (ref.status, ref.outcome) == ("closed", "seizure")
    assert ref.sent_on == ref.acknowledged_on == ref.answered_on == TODAY
    assert ref.response_due == TODAY + timedelta(days=30)
    with world.db.session() as s:
        history = [
            (h.from_status, h.to_status, h.comment) for h in related.history(s, "referral", rid)
        ]
    assert history[0] == (None, "draft", "created")
    assert [h[1] for h in history[1:]] == [*steps, "closed"]
    assert history[-1] == ("responded", "closed", "seized")
    assert ref.version == 1 + len(steps) + 1


def test_a_dated_referral_keeps_the_dates_the_user_entered(world):
    sent = TODAY - timedelta(days=10)
    rid = world.make("referral", sent_on=sent, response_due=sent + timedelta(days=14))
    world.svc.transition("referral", rid, "sent")
    ref = world.get("referral", rid)
    assert (ref.sent_on, ref.response_due) == (sent, sent + timedelta(days=14))


def test_duplicate_must_name_another_referral(world):
    first = world.make("referral")
    second = world.make("referral")
    with pytest.raises(ValidationError) as err:
        world.svc.transition("referral", second, "duplicate")
    assert err.value.field == "duplicate_of_id"
    with pytest.raises(ValidationError):
        world.svc.transition("referral", second, "duplicate", duplicate_of=second)
    original = world.get("referral", first).reference
    world.svc.transition("referral", second, "duplicate", duplicate_of=original)
    dup = world.get("referral", second)
    assert (dup.status, dup.duplicate_of_id) == ("duplicate", first)


def test_action_item_done_records_the_date_and_reopening_clears_it(world):
    aid = world.make("action_item", due_date=TODAY - timedelta(days=3))
    with world.db.session() as s:
        spec = lists.ListSpec("action_item", flag=True, today=TODAY)
        assert [r.id for r in lists.list_rows(s, spec)] == [aid]
    world.move("action_item", aid, "in_progress", "blocked", "in_progress", "done")
    assert world.get("action_item", aid).completed_on == TODAY
    with world.db.session() as s:
        assert lists.count_rows(s, spec) == 0  # done is never overdue
    world.move("action_item", aid, "open")
    item = world.get("action_item", aid)
    assert (item.status, item.completed_on) == ("open", None)


def test_a_case_closes_with_an_outcome_and_can_be_reopened(world):
    cid = world.make("case")
    world.move("case", cid, "active", "suspended", "active")
    world.svc.transition("case", cid, "closed", outcome="prosecution")
    case = world.get("case", cid)
    assert (case.status, case.outcome, case.closed_on) == ("closed", "prosecution", TODAY)
    assert world.svc.allowed_transitions("case", case) == ["reopened"]
    world.move("case", cid, "reopened", "active")
    assert world.get("case", cid).closed_on is None


def test_a_meeting_cannot_be_cancelled_once_held(world):
    mid = world.make("meeting")
    world.move("meeting", mid, "agenda_circulated", "held")
    with pytest.raises(TransitionError, match="Allowed: Minutes approved"):
        world.svc.transition("meeting", mid, "cancelled")


def test_records_without_a_workflow_refuse_a_transition(world):
    eid = world.make("entity")
    with pytest.raises(TransitionError, match="no status workflow"):
        world.svc.transition("entity", eid, "closed")
    assert world.svc.allowed_transitions("entity", world.get("entity", eid)) == []


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_the_readme_diagram_shows_every_transition(key):
    diagram = mermaid(key)
    assert diagram.startswith("stateDiagram-v2")
    for t in WORKFLOWS[key].transitions:
        # transitions from every open state may be drawn once, from a group
        assert f"{t.source} --> {t.target}" in diagram or f"--> {t.target}" in diagram


def test_many_records_are_offered_only_the_transitions_each_of_them_allows():
    """A change of many selected records: the workflow, not the list view, decides."""
    wf = WORKFLOWS["referral"]
    both = [t.target for t in wf.allowed_for_all([("sent", None), ("acknowledged", None)])]
    # acknowledged is open to a sent referral only; duplicate needs one referral named each
    assert both == ["withdrawn"]
    alone = [t.target for t in wf.allowed_for_all([("received", None)])]
    assert alone == ["acknowledged", "withdrawn"]
    assert wf.allowed_for_all([("sent", None), ("closed", None)]) == []  # closed: nothing
    assert wf.allowed_for_all([]) == []


def test_a_guarded_transition_is_offered_only_when_every_record_meets_its_guard():
    from types import SimpleNamespace

    wf = next(w for w in WORKFLOWS.values() if any(t.when for t in w.transitions))
    guarded = next(t for t in wf.transitions if t.when)
    name, value = guarded.when[0]
    meets = SimpleNamespace(**{name: value})
    misses = SimpleNamespace(**{name: f"not {value}"})
    offered = [t.target for t in wf.allowed_for_all([(guarded.source, meets)])]
    assert guarded.target in offered
    mixed = wf.allowed_for_all([(guarded.source, meets), (guarded.source, misses)])
    assert guarded not in mixed
