"""What the screens read about owners: the list column (the account's display name), the
owner filter and sort, the picker's accounts (the signed-in user first), a record's label,
the overdue rows, and "my work" by account on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import TODAY, World
from workinggroup_app.domain import models
from workinggroup_app.domain.fields import record_type
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.read import choices, dashboard, lists
from workinggroup_app.read.lists import ListSpec
from workinggroup_app.read.record import read_record


@pytest.fixture
def office(any_db):
    """Accounts (one with no display name, one disabled) and items owned by each."""
    with any_db.sessions.begin() as s:
        for name, display, active in (
            ("alice", "Alice Smith", True),
            ("bob", "Bob Jones", True),
            ("zed", "", True),  # shown by the user name
            ("dan", "Dan Brown", False),
        ):
            s.add(models.User(username=name, display_name=display, role="liaison", active=active))
    w = World(any_db, Actor("alice", "liaison", "Alice Smith"), TODAY)
    with any_db.session() as s:
        w.uid = {u.username: u.id for u in s.query(models.User)}  # type: ignore[attr-defined]
    w.items = {  # type: ignore[attr-defined]
        "a1": w.make("action_item", owner_user_id="alice", due_date=TODAY - timedelta(days=3)),
        "a2": w.make("action_item", owner_user_id="alice", owner_person="Bob Jones"),
        "b1": w.make(
            "action_item",
            owner_user_id="bob",
            owner_person="Alice Smith",  # typed: the counterpart's owner, not alice's work
            due_date=TODAY - timedelta(days=1),
        ),
        "z1": w.make("action_item", owner_user_id="zed"),
        "none": w.make("action_item", owner_person="Deputy Director Wang, MPS"),
    }
    # dan owned an item before his account was disabled
    w.items["d1"] = w.make("action_item")  # type: ignore[attr-defined]
    with any_db.sessions.begin() as s:
        s.get(models.ActionItem, w.items["d1"]).owner_user_id = w.uid["dan"]  # type: ignore[attr-defined]
    return w


def rows(w: World, spec: ListSpec) -> list[lists.Row]:
    with w.db.session() as s:
        return lists.list_rows(s, spec, 0, 100, columns=["reference", "owner_user_id"])


def test_the_owner_column_is_shown_by_default_with_the_display_name(office):
    rt = record_type("action_item")
    assert "owner_user_id" in rt.default_columns()
    by_id = {r.id: r.values["owner_user_id"] for r in rows(office, ListSpec("action_item"))}
    it = office.items
    assert by_id[it["a1"]] == by_id[it["a2"]] == "Alice Smith"
    assert by_id[it["b1"]] == "Bob Jones"
    assert by_id[it["z1"]] == "zed"  # no display name: the user name
    assert by_id[it["d1"]] == "Dan Brown"  # a disabled account still names its items
    assert by_id[it["none"]] is None


def test_the_list_filters_by_owner_account_not_by_typed_names(office):
    spec = ListSpec("action_item", equals=(("owner_user_id", office.uid["alice"]),))
    assert {r.id for r in rows(office, spec)} == {office.items["a1"], office.items["a2"]}
    with office.db.session() as s:
        assert lists.count_rows(s, spec) == 2
        assert lists.count_rows(s, spec.with_(flag=True)) == 1  # a1 is overdue
    dan = ListSpec("action_item", equals=(("owner_user_id", office.uid["dan"]),))
    assert [r.id for r in rows(office, dan)] == [office.items["d1"]]


@pytest.mark.parametrize("descending", [False, True])
def test_sorting_by_owner_orders_by_name_with_no_owner_last(office, descending):
    got = rows(office, ListSpec("action_item", sort="owner_user_id", descending=descending))
    names = [r.values["owner_user_id"] for r in got]
    named = ["Alice Smith", "Alice Smith", "Bob Jones", "Dan Brown", "zed"]
    assert names == [*(named[::-1] if descending else named), None]  # no owner last


def test_the_picker_offers_active_accounts_with_mine_first(office):
    with office.db.session() as s:
        offered = choices.accounts(s, first="bob")
        assert [a.username for a in offered] == ["bob", "alice", "zed"]
        assert [a.label for a in offered] == ["Bob Jones (bob)", "Alice Smith (alice)", "zed"]
        # a record's current owner is offered although disabled; a filter offers everyone
        kept = choices.accounts(s, include=(office.uid["dan"],))
        assert [a.username for a in kept] == ["alice", "bob", "zed", "dan"]
        assert not kept[-1].active
        assert [a.username for a in choices.accounts(s, inactive=True)][-1] == "dan"
        assert choices.account_id(s, "alice") == office.uid["alice"]
        assert choices.account_id(s, "nobody") is None
        assert choices.account_label(s, office.uid["alice"]) == "Alice Smith (alice)"
        assert choices.account_label(s, None) == choices.account_label(s, 10**6) == ""


def test_a_record_read_for_its_form_labels_its_owner(office):
    with office.db.session() as s:
        data = read_record(s, record_type("action_item"), office.items["b1"])
    assert data is not None
    assert data.values["owner_user_id"] == office.uid["bob"]
    assert data.labels["owner_user_id"] == "Bob Jones (bob)"
    assert data.values["owner_person"] == "Alice Smith"


def test_overdue_rows_name_the_owner_account(office):
    with office.db.session() as s:
        got = {r.reference: r for r in dashboard.overdue_rows(s, TODAY)}
    refs = {office.get("action_item", i).reference: k for k, i in office.items.items()}
    by_key = {refs[ref]: row for ref, row in got.items()}
    assert set(by_key) == {"a1", "b1"}
    assert (by_key["a1"].owner_user, by_key["a1"].owner_person) == ("Alice Smith", "")
    assert (by_key["b1"].owner_user, by_key["b1"].owner_person) == ("Bob Jones", "Alice Smith")


def test_my_work_on_either_database_counts_only_my_accounts_items(office):
    with office.db.session() as s:
        alice = dashboard.compute(s, TODAY, actor=Actor("alice", "liaison", "Alice Smith"))
        bob = dashboard.compute(s, TODAY, actor=Actor("bob", "liaison", "Bob Jones"))
        # carol has no account; her display name is typed on b1 and none: still nothing
        carol = dashboard.compute(s, TODAY, actor=Actor("carol", "viewer", "Alice Smith"))
        for d in (alice, bob, carol):
            for fig in d.mine.figures:
                assert lists.count_rows(s, fig.spec) == fig.value
    assert [f.value for f in alice.mine.figures] == [2, 1]
    assert [f.value for f in bob.mine.figures] == [1, 1]
    assert [f.value for f in carol.mine.figures] == [0, 0]
