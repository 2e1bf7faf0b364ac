"""Owners are people: an action item's owner is an account (any active one when it is set),
chosen by id, user name or display name; reassigning is one audited, all-or-nothing step;
``find_owner`` maps a typed owner name to an account for the spreadsheet import."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from tests.helpers import World
from workinggroup_app.domain import models
from workinggroup_app.domain.errors import (
    PermissionDenied,
    StaleEditError,
    ValidationError,
    ValidationErrors,
)
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.read import lists
from workinggroup_app.read.lists import ListSpec
from workinggroup_app.services import users
from workinggroup_app.services.records import MAX_REASSIGN

PW = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    monkeypatch.setattr(users, "hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def office(db):
    """An administrator and three colleagues; Dan's account is disabled."""
    admin = users.create_first_administrator(db, "admin", PW, "Ada Admin")
    for name, display in (
        ("alice", "Alice Smith"),
        ("bob", "Bob Jones"),
        ("wang.wei", "王伟"),
        ("dan", "Dan Brown"),
    ):
        users.create_user(db, admin, name, PW, "liaison", display)
    users.set_active(db, admin, "dan", False)
    w = World(db, admin)
    w.uid = {u.username: u.id for u in users.list_users(db, admin)}  # type: ignore[attr-defined]
    return w


def item(w: World, **values) -> int:
    return w.make("action_item", **values)


def owner(w: World, record_id: int) -> int | None:
    return w.get("action_item", record_id).owner_user_id


def audit_changes(w: World, record_id: int) -> list[tuple[str, dict]]:
    with w.db.session() as s:
        rows = s.execute(
            select(models.AuditEvent.action, models.AuditEvent.changes)
            .where(
                models.AuditEvent.record_type == "action_item",
                models.AuditEvent.record_id == record_id,
            )
            .order_by(models.AuditEvent.id)
        ).all()
    return [(a, json.loads(c)) for a, c in rows]


def listed_owner(w: World, record_id: int) -> str | None:
    with w.db.session() as s:
        (row,) = lists.list_rows(
            s, ListSpec("action_item", ids=(record_id,)), columns=["owner_user_id"]
        )
    return row.values["owner_user_id"]


# --- setting the owner ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "alice",
        "ALICE",
        " Alice Smith ",
        "alice  smith",
        "ＡＬＩＣＥ　ＳＭＩＴＨ",  # full width, typed with a Chinese input method
        "Alice Smith (alice)",  # as the owner picker shows her
        "al\x00ice",  # control characters are dropped, as in every text
    ],
)
def test_the_owner_is_found_by_user_name_or_display_name_in_any_case_and_width(office, typed):
    rid = item(office, owner_user_id=typed)
    assert owner(office, rid) == office.uid["alice"]
    assert listed_owner(office, rid) == "Alice Smith"  # the list shows the display name


def test_chinese_display_names_match_with_or_without_spaces(office):
    rid = item(office, owner_user_id="王 伟")
    assert owner(office, rid) == office.uid["wang.wei"]


def test_setting_and_changing_the_owner_is_audited_by_user_name(office):
    rid = item(office, owner_user_id=office.uid["alice"], owner_person="Deputy Director Wang, MPS")
    office.svc.update("action_item", rid, {"owner_user_id": office.uid["bob"]}, 1)
    office.svc.update("action_item", rid, {"owner_user_id": None}, 2)
    (create, c1), (update1, c2), (update2, c3) = audit_changes(office, rid)
    assert (create, update1, update2) == ("create", "update", "update")
    assert c1["owner_user_id"] == [None, "alice"]
    assert c1["owner_person"] == [None, "Deputy Director Wang, MPS"]  # the counterpart's
    assert c2 == {"owner_user_id": ["alice", "bob"]}
    assert c3 == {"owner_user_id": ["bob", None]}
    assert owner(office, rid) is None
    assert office.verify().ok


@pytest.mark.parametrize(
    ("raw", "en", "zh"),
    [
        (99_999, "no account with id 99999 exists", "不存在编号为 99999 的账户"),
        ("4294967296", "no account with id 4294967296", "不存在编号为 4294967296"),
        ("Nobody Here", "no active account is named 'Nobody Here'", "没有名为“Nobody Here”"),
        ("<b>alice</b>", "no active account is named '<b>alice</b>'", "<b>alice</b>"),
        ('=HYPERLINK("http://x")', "no active account is named '=HYPERLINK", "=HYPERLINK"),
        ("x" * 5000, "no active account is named '" + "x" * 40 + "'", "x" * 40),
        ("dan", "the account of Dan Brown is disabled", "Dan Brown 的账户已停用"),
        (True, "no active account is named 'True'", "True"),
    ],
)
def test_an_unknown_or_disabled_owner_is_a_bilingual_field_error_and_changes_nothing(
    office, raw, en, zh
):
    rid = item(office, title_en="Keep me", owner_user_id="bob")
    events = office.audit_count()
    with pytest.raises(ValidationErrors) as err:
        office.svc.update("action_item", rid, {"owner_user_id": raw, "title_en": "Changed"}, 1)
    (e,) = err.value.by_field().values()
    assert e.field == "owner_user_id"
    assert e.message_en.startswith("Owner: ") and en in e.message_en
    assert e.message_zh.startswith("负责人：") and zh in e.message_zh
    assert len(e.message_en) < 300  # a huge value is not echoed back whole
    obj = office.get("action_item", rid)
    assert (obj.owner_user_id, obj.title_en, obj.version) == (office.uid["bob"], "Keep me", 1)
    assert office.audit_count() == events
    with pytest.raises(ValidationErrors):  # a new record with such an owner is not made
        item(office, owner_user_id=raw)
    assert office.audit_count() == events


def test_a_name_two_accounts_share_asks_for_the_user_name(office, db):
    admin = Actor("admin", "administrator")
    users.create_user(db, admin, "asmith", PW, "liaison", "Alice Smith")
    with pytest.raises(ValidationErrors) as err:
        item(office, owner_user_id="alice smith")
    (e,) = err.value.errors
    assert "several accounts (alice, asmith)" in e.message_en and "多个账户" in e.message_zh
    assert owner(office, item(office, owner_user_id="asmith")) is not None


def test_an_owner_disabled_since_stays_while_other_fields_change(office, db):
    rid = item(office, owner_user_id="bob")
    users.set_active(db, Actor("admin", "administrator"), "bob", False)
    # a form sends the stored owner back with the edited title: kept, not refused
    office.svc.update("action_item", rid, {"owner_user_id": office.uid["bob"], "title_en": "T"}, 1)
    obj = office.get("action_item", rid)
    assert (obj.owner_user_id, obj.title_en) == (office.uid["bob"], "T")
    # but nobody can be given the disabled account anew
    other = item(office)
    with pytest.raises(ValidationErrors):
        office.svc.update("action_item", other, {"owner_user_id": office.uid["bob"]}, 1)


# --- reassign ------------------------------------------------------------------------------------


def test_reassign_gives_every_item_the_owner_with_one_audit_event_each(office):
    a = item(office, owner_user_id="alice")
    b = item(office, owner_person="Mr. Li, GACC")
    c = item(office, owner_user_id="bob")  # already bob's: left as it is
    before = office.audit_count()
    change = office.svc.reassign([(a, 1), (b, 1), (c, 1)], "Bob Jones")
    assert (change.record_type, change.action, change.fields) == (
        "action_item",
        "update",
        ("owner_user_id",),
    )
    assert set(change.ids) == {a, b}
    assert [owner(office, x) for x in (a, b, c)] == [office.uid["bob"]] * 3
    assert office.audit_count() == before + 2
    assert audit_changes(office, a)[-1] == ("update", {"owner_user_id": ["alice", "bob"]})
    assert audit_changes(office, b)[-1] == ("update", {"owner_user_id": [None, "bob"]})
    assert [office.version("action_item", x) for x in (a, b, c)] == [2, 2, 1]
    assert office.get("action_item", b).owner_person == "Mr. Li, GACC"  # kept
    assert office.get("action_item", a).updated_by == "admin"
    assert office.verify().ok


def test_reassign_of_one_item_reports_its_new_version(office):
    a = item(office)
    change = office.svc.reassign([(a, 1)], office.uid["alice"])
    assert (change.ids, change.version, change.reference) == ((a,), 2, change.reference)
    assert change.reference.startswith("AI-")
    assert office.svc.reassign([(a, 2)], "alice").action == "none"  # nothing to do


def test_reassign_refuses_a_stale_item_and_changes_none(office):
    a = item(office, owner_user_id="alice")
    b = item(office, owner_user_id="alice")
    office.as_(Actor("bob", "liaison")).update("action_item", b, {"title_en": "Edited"}, 1)
    before = office.audit_count()
    with pytest.raises(StaleEditError) as err:
        office.svc.reassign([(a, 1), (b, 1)], "bob")
    assert "bob" in err.value.message_en and "bob" in err.value.message_zh
    assert [owner(office, x) for x in (a, b)] == [office.uid["alice"]] * 2
    assert office.version("action_item", a) == 1
    assert office.audit_count() == before


def test_reassign_checks_the_role_and_the_account(office):
    a = item(office, owner_user_id="alice")
    with pytest.raises(PermissionDenied):
        office.as_(Actor("reader", "viewer")).reassign([(a, 1)], "bob")
    for bad in ("dan", "nobody", 12345, "=cmd|' /C calc'!A0"):
        with pytest.raises(ValidationError) as err:
            office.svc.reassign([(a, 1)], bad)
        assert err.value.field == "owner_user_id" and err.value.message_zh.startswith("负责人")
    assert (owner(office, a), office.version("action_item", a)) == (office.uid["alice"], 1)
    with pytest.raises(ValidationError) as err:
        office.svc.reassign([(i, 1) for i in range(1, MAX_REASSIGN + 2)], "bob")
    assert "at most 1,000" in err.value.message_en and "1,000" in err.value.message_zh
    with pytest.raises(ValidationError):
        office.svc.reassign([(1, 1)], "bob", type_key="referral")  # a referral has no owner


def test_reassign_to_no_account_clears_the_owner(office):
    a = item(office, owner_user_id="alice")
    office.svc.reassign([(a, 1)], None)
    assert owner(office, a) is None
    assert audit_changes(office, a)[-1] == ("update", {"owner_user_id": ["alice", None]})


# --- find_owner ------------------------------------------------------------------------------------


def test_find_owner_maps_names_to_active_accounts(office, db):
    with db.session() as s:
        assert users.find_owner(s, "Bob Jones").username == "bob"
        assert users.find_owner(s, "  BOB ").username == "bob"
        assert users.find_owner(s, "ｂｏｂ　ｊｏｎｅｓ").username == "bob"
        assert users.find_owner(s, "王伟").username == "wang.wei"
        assert users.find_owner(s, "Wang.Wei").username == "wang.wei"
        # unknown, disabled, empty, markup and formulas name nobody
        for text in ("Carol", "dan", "Dan Brown", "", "   ", None, "<script>", "=1+1", "\x00"):
            assert users.find_owner(s, text) is None
        assert users.find_owner(s, "dan", active_only=False).username == "dan"  # a filter's
    # given the database, the account comes back detached, usable after the session
    found = users.find_owner(db, "alice smith")
    assert found is not None and (found.username, found.display_name) == ("alice", "Alice Smith")


def test_find_owner_refuses_to_guess_between_two_people_of_one_name(office, db):
    users.create_user(db, Actor("admin", "administrator"), "bjones", PW, "viewer", "Bob Jones")
    assert users.find_owner(db, "Bob Jones") is None
    assert users.find_owner(db, "bjones").username == "bjones"  # the user name decides
    with db.session() as s:
        matcher = users.OwnerMatcher(s)  # an import reads the accounts once
        assert [u.username for u in matcher.candidates("bob jones")] == ["bob", "bjones"]
        assert matcher("Bob Jones (bjones)").username == "bjones"
        assert matcher("Someone Else (bjones)") is None  # name and user name disagree
