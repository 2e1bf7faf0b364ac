"""Services: the one road to a change. Audit, history, archive, all-or-nothing, who may write,
what the counterpart may see, and two users editing the same record at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from tests.helpers import World
from workinggroup_app.domain import models, releasability
from workinggroup_app.domain.errors import PermissionDenied, StaleEditError, TransitionError
from workinggroup_app.domain.fields import RECORD_TYPES
from workinggroup_app.domain.permissions import ROLES, Actor, allowed
from workinggroup_app.read import finder, lists, related
from workinggroup_app.read.lists import ListSpec
from workinggroup_app.storage.database import open_database


@pytest.fixture
def world(db):
    return World(db)


@pytest.fixture
def any_world(any_db):
    return World(any_db)


def last_event(world: World) -> models.AuditEvent:
    with world.db.session() as s:
        ev = s.execute(
            select(models.AuditEvent).order_by(models.AuditEvent.id.desc()).limit(1)
        ).scalar_one()
        s.expunge(ev)
        return ev


# --- the same basics on SQLite and on PostgreSQL ---------------------------------------------------


def test_create_update_transition_and_stale_edit(any_world):
    w = any_world
    aid = w.make("agency", abbreviation="DEA", title_en="Drug Enforcement Administration")
    ncb = w.make("agency", abbreviation="NCB", side="PRC")
    rid = w.make(
        "referral",
        title_en="NPP seller on a B2B site",
        sending_agency_id="DEA",
        receiving_agency_id=ncb,
    )
    ref = w.get("referral", rid)
    assert ref.reference == "REF-2026-0001"
    assert (ref.status, ref.version, ref.sending_agency_id) == ("draft", 1, aid)

    change = w.svc.update("referral", rid, {"title_zh": "B2B 网站上的 NPP 卖家"}, 1)
    assert (change.action, change.version, change.fields) == ("update", 2, ("title_zh",))

    change = w.svc.transition("referral", rid, "sent", comment="via liaison channel")
    ref = w.get("referral", rid)
    assert (ref.status, ref.version) == ("sent", 3)
    assert ref.sent_on == w.today

    with pytest.raises(StaleEditError) as err:
        w.as_(Actor("bob", "liaison")).update("referral", rid, {"title_en": "stale"}, 2)
    assert err.value.changed_by == "system"
    assert w.get("referral", rid).title_en == "NPP seller on a B2B site"
    assert w.verify().ok


def test_every_write_makes_exactly_one_audit_event_and_the_chain_verifies(any_world):
    w = any_world
    steps: list[tuple[str, Any]] = []
    aid = w.make("agency", abbreviation="CBP")
    steps.append(("create", None))
    mid = w.make("meeting", title_en="Plenary")
    rid = w.make("referral", sending_agency_id=aid, receiving_agency_id=aid)

    def check(action: str, fn) -> None:
        before = w.audit_count()
        fn()
        assert w.audit_count() == before + 1, action
        assert last_event(w).action == action
        assert w.verify().ok

    check("create", lambda: w.make("case"))
    check("update", lambda: w.svc.update("referral", rid, {"title_en": "Changed"}, 1))
    check("transition", lambda: w.svc.transition("referral", rid, "sent"))
    check("archive", lambda: w.svc.archive("referral", rid, 3))
    check("restore", lambda: w.svc.restore("referral", rid, 4))
    check(
        "update",
        lambda: w.svc.save_meeting_content(
            mid, 1, attendees=[{"side": "US", "name_en": "A. Smith"}], agenda=[]
        ),
    )
    # a bulk move writes one event per record moved
    ids = [w.make("action_item") for _ in range(3)]
    before = w.audit_count()
    w.svc.bulk_transition("action_item", [(i, 1) for i in ids], "in_progress")
    assert w.audit_count() == before + 3
    # an edit that changes nothing writes nothing
    before = w.audit_count()
    change = w.svc.update("referral", rid, {"title_en": "Changed"}, 5)
    assert change.action == "none"
    assert w.audit_count() == before
    result = w.verify()
    assert result.ok and result.checked == w.audit_count()


def test_audit_event_records_who_what_and_the_old_and_new_values(world):
    w = world
    rid = w.make("case", title_en="Old title")
    w.as_(Actor("carol", "liaison")).update("case", rid, {"title_en": "New title"}, 1)
    ev = last_event(w)
    assert (ev.actor, ev.action, ev.record_type, ev.record_id) == ("carol", "update", "case", rid)
    assert ev.reference == w.get("case", rid).reference
    assert '"title_en": ["Old title", "New title"]' in ev.changes


def test_transition_writes_a_status_change_row(any_world):
    w = any_world
    rid = w.make("case")
    w.as_(Actor("dana", "liaison")).transition(
        "case", rid, "active", comment="Counterpart opened a file\x00", expected_version=1
    )
    history = [(h.from_status, h.to_status, h.changed_by, h.comment) for h in _history(w, rid)]
    assert history == [
        (None, "open", "system", "created"),
        ("open", "active", "dana", "Counterpart opened a file"),
    ]


def _history(w: World, rid: int) -> list[models.StatusChange]:
    with w.db.session() as s:
        rows = related.history(s, "case", rid)
        s.expunge_all()
        return rows


def test_archive_hides_from_lists_and_restore_brings_it_back(world):
    w = world
    keep = w.make("case", title_en="Kept")
    gone = w.make("case", title_en="Archived one")
    w.svc.archive("case", gone, 1)

    def listed(**kw: Any) -> list[int]:
        with w.db.session() as s:
            return [r.id for r in lists.list_rows(s, ListSpec("case", **kw))]

    assert listed() == [keep]
    assert sorted(listed(include_archived=True)) == [keep, gone]
    with w.db.session() as s:
        assert lists.count_rows(s, ListSpec("case")) == 1
        assert "case" not in finder.search(s, "Archived")
    w.svc.restore("case", gone, 2)
    assert sorted(listed()) == [keep, gone]
    assert w.get("case", gone).archived is False


def test_bulk_transition_is_all_or_nothing(world):
    w = world
    ids = [w.make("action_item", title_en=f"Item {i}") for i in range(4)]
    w.move("action_item", ids[2], "done")  # done -> cancelled is not allowed
    audit_before = w.audit_count()
    history_before = w.count(models.StatusChange)
    items = [(i, w.version("action_item", i)) for i in ids]
    with pytest.raises(TransitionError) as err:
        w.svc.bulk_transition("action_item", items, "cancelled", comment="overtaken")
    assert w.get("action_item", ids[2]).reference in err.value.message_en
    assert [w.get("action_item", i).status for i in ids] == ["open", "open", "done", "open"]
    assert [w.version("action_item", i) for i in ids] == [v for _i, v in items]
    assert w.audit_count() == audit_before
    assert w.count(models.StatusChange) == history_before

    # a stale version anywhere in the batch also stops the whole batch
    good = [(ids[0], 1), (ids[1], 1), (ids[3], 1)]
    w.svc.update("action_item", ids[3], {"title_en": "edited meanwhile"}, 1)
    with pytest.raises(StaleEditError):
        w.svc.bulk_transition("action_item", good, "in_progress")
    assert [w.get("action_item", i).status for i in (ids[0], ids[1])] == ["open", "open"]

    good[2] = (ids[3], 2)
    change = w.svc.bulk_transition("action_item", good, "in_progress")
    assert change.ids == (ids[0], ids[1], ids[3])
    assert {w.get("action_item", i).status for i in change.ids} == {"in_progress"}


# --- permissions: every write service, every role, every record type --------------------------

WRITE_SERVICES = ("create", "update", "transition", "bulk_transition", "archive", "restore")


def _attempt(w: World, actor: Actor, service: str, type_key: str, rid: int) -> Any:
    svc = w.as_(actor)
    version = w.version(type_key, rid)
    if service == "create":
        extra = {"abbreviation": f"X{actor.role[:3]}"} if type_key == "agency" else {}
        if type_key == "contact":
            extra = {"agency_id": w.get("contact", rid).agency_id}
        return svc.create(type_key, {**_defaults(type_key), **extra})
    if service == "update":
        return svc.update(type_key, rid, {"title_en": f"edited by {actor.role}"}, version)
    if service in ("transition", "bulk_transition"):
        target = {"case": "active", "referral": "sent", "action_item": "in_progress"}.get(
            type_key, "held"
        )
        if service == "transition":
            return svc.transition(type_key, rid, target, expected_version=version)
        return svc.bulk_transition(type_key, [(rid, version)], target)
    if service == "archive":
        return svc.archive(type_key, rid, version)
    return svc.restore(type_key, rid, version)


def _defaults(type_key: str) -> dict[str, Any]:
    from tests.helpers import DEFAULTS

    return dict(DEFAULTS[type_key])


def _action(service: str) -> str:
    return "transition" if service == "bulk_transition" else service


@pytest.mark.parametrize("service", WRITE_SERVICES)
def test_every_role_may_write_exactly_what_the_rules_allow(world, service):
    w = world
    for type_key, rt in RECORD_TYPES.items():
        if service.endswith("transition") and rt.workflow is None:
            continue
        for role in ROLES:
            rid = w.make(type_key)
            if service == "restore":
                w.svc.archive(type_key, rid, 1)
            actor = Actor(f"user-{role}", role)
            before = (w.audit_count(), w.count(rt.model), w.get(type_key, rid))
            if allowed(role, _action(service), type_key):
                change = _attempt(w, actor, service, type_key, rid)
                assert change.action != "none", (service, type_key, role)
                assert w.audit_count() == before[0] + 1
                assert last_event(w).actor == actor.username
            else:
                with pytest.raises(PermissionDenied) as err:
                    _attempt(w, actor, service, type_key, rid)
                assert err.value.message_zh
                after = w.get(type_key, rid)
                assert (w.audit_count(), w.count(rt.model)) == before[:2], (service, role)
                assert (after.version, after.title_en, after.archived) == (
                    before[2].version,
                    before[2].title_en,
                    before[2].archived,
                )
                assert getattr(after, "status", None) == getattr(before[2], "status", None)
    assert w.verify().ok


def test_meeting_content_is_written_only_by_roles_that_edit_meetings(world):
    w = world
    saved = 0
    for role in ROLES:
        mid = w.make("meeting")
        svc = w.as_(Actor(role, role))
        agenda = [{"title_en": "Review of open referrals", "releasability": "releasable"}]
        before = w.audit_count()
        if allowed(role, "update", "meeting"):
            assert svc.save_meeting_content(mid, 1, agenda=agenda).action == "update"
            saved += 1
            assert w.audit_count() == before + 1
        else:
            with pytest.raises(PermissionDenied):
                svc.save_meeting_content(mid, 1, agenda=agenda)
            assert w.audit_count() == before
            assert w.version("meeting", mid) == 1
        assert w.count(models.AgendaItem) == saved
    assert 0 < saved < len(ROLES)


# --- releasability: what a bilateral audience may see -------------------------------------------------


def test_bilateral_audience_sees_only_releasable_records_with_releasable_parents(world):
    w = world
    rel = {"releasability": "releasable"}
    case_rel = w.make("case", title_en="Shared case", **rel)
    case_us = w.make("case", title_en="Internal case", releasability="us_only")
    case_unmarked = w.make("case", title_en="Unmarked case", releasability="")
    assert w.get("case", case_unmarked).releasability is None

    r_ok = w.make("referral", title_en="Shared referral", case_id=case_rel, **rel)
    r_no_case = w.make("referral", title_en="Shared, no case", **rel)
    r_in_us_case = w.make("referral", title_en="Releasable in US case", case_id=case_us, **rel)
    r_us = w.make("referral", title_en="US-only referral", releasability="us_only")
    r_unmarked = w.make("referral", title_en="Unmarked referral", releasability="")
    r_archived = w.make("referral", title_en="Archived shared referral", **rel)
    w.svc.archive("referral", r_archived, 1)

    m_rel = w.make("meeting", **rel)
    m_us = w.make("meeting", releasability="us_only")
    a_ok = w.make("action_item", origin_meeting_id=m_rel, **rel)
    a_us_meeting = w.make("action_item", origin_meeting_id=m_us, **rel)
    a_us_case = w.make("action_item", origin_case_id=case_us, **rel)
    a_via_referral = w.make("action_item", origin_referral_id=r_in_us_case, **rel)
    a_via_ok_referral = w.make("action_item", origin_referral_id=r_ok, **rel)
    a_us = w.make("action_item", releasability="us_only")

    expected = {
        "case": {case_rel},
        "referral": {r_ok, r_no_case},
        "action_item": {a_ok, a_via_ok_referral},
        "meeting": {m_rel},
    }
    everything = {
        "case": {case_rel, case_us, case_unmarked},
        "referral": {r_ok, r_no_case, r_in_us_case, r_us, r_unmarked, r_archived},
        "action_item": {a_ok, a_us_meeting, a_us_case, a_via_referral, a_via_ok_referral, a_us},
        "meeting": {m_rel, m_us},
    }
    with w.db.session() as s:
        for type_key, want in expected.items():
            model = RECORD_TYPES[type_key].model
            clause = releasability.visible_clause("bilateral", type_key, model)
            seen = set(s.execute(select(model.id).where(clause)).scalars())
            assert seen == want, type_key
            internal = releasability.visible_clause("internal", type_key, model)
            assert (
                set(s.execute(select(model.id).where(internal)).scalars()) == (everything[type_key])
            )
            # the rule for loaded objects agrees with the SQL rule
            for obj in s.execute(select(model)).scalars():
                assert releasability.is_visible("bilateral", obj, type_key) == (obj.id in want)
            # and lists for a bilateral audience use the same rule
            rows = lists.list_rows(s, ListSpec(type_key, audience="bilateral"), 0, 100)
            assert {r.id for r in rows} == want - {r_archived}
            assert lists.count_rows(s, ListSpec(type_key, audience="bilateral")) == len(want)


def test_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="audience"):
        releasability.visible_clause("press", "case", models.Case)


# --- two users, one record, the same moment ---------------------------------------------------------


def _race(url: str, rid: int) -> dict[str, Any]:
    dbs = [open_database(url), open_database(url)]
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def worker(name: str, database: Any) -> None:
        from workinggroup_app.services.records import Services

        svc = Services(database, Actor(name, "liaison"))
        barrier.wait()
        try:
            results[name] = svc.update("case", rid, {"title_en": f"Title by {name}"}, 1)
        except StaleEditError as exc:
            results[name] = exc

    threads = [
        threading.Thread(target=worker, args=(n, d))
        for n, d in zip(("ann", "ben"), dbs, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for d in dbs:
        d.dispose()
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_users_racing_to_edit_one_record_exactly_one_wins(any_world, attempt):
    w = any_world
    rid = w.make("case", title_en="Original")
    results = _race(w.db.url, rid)
    winners = [n for n, r in results.items() if not isinstance(r, StaleEditError)]
    losers = [n for n, r in results.items() if isinstance(r, StaleEditError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert results[losers[0]].changed_by == winners[0]
    case = w.get("case", rid)
    assert (case.title_en, case.version) == (f"Title by {winners[0]}", 2)
    result = w.verify()
    assert result.ok and result.checked == 2
