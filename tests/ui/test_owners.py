"""Owners in the desktop, driven as a user drives them: the owner picker of the action-item
form, the list's owner filter (picker and ``owner:`` text), and Reassign… on selected rows
(button, row menu, Ctrl+Shift+O) and from an open record."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt
from PySide6.QtGui import QInputMethodEvent
from sqlalchemy import select

from workinggroup_app.domain import models
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services.records import Services
from workinggroup_ui.context import AppContext
from workinggroup_ui.lists.model import ID_ROLE
from workinggroup_ui.operations.runner import OpRunner

ALICE = Actor("alice", "liaison", "Alice Smith")


def make_ctx(db, actor: Actor = ALICE, lang: str = "en") -> AppContext:
    ops = OpRunner(None, lang=lambda: lang)  # unexpected errors re-raise: the test fails
    return AppContext(db, actor, Services(db, actor), ops, lang)


@pytest.fixture
def office(db, qapp):
    """Accounts alice (signed in), bob, chen (display name in Chinese) and disabled dan;
    three action items: alice's, bob's (with "Alice Smith" typed as counterpart owner) and
    one with no owner account."""
    with db.sessions.begin() as s:
        for name, display, active in (
            ("alice", "Alice Smith", True),
            ("bob", "Bob Jones", True),
            ("chen", "陈明", True),
            ("dan", "Dan Brown", False),
        ):
            s.add(models.User(username=name, display_name=display, role="liaison", active=active))
    ctx = make_ctx(db)
    with db.session() as s:
        uid = {u.username: u.id for u in s.execute(select(models.User)).scalars()}
    svc = ctx.services

    def make(title: str, **values) -> int:
        return svc.create(
            "action_item", {"title_en": title, "title_zh": title, "owner_side": "US", **values}
        ).ids[0]

    items = {
        "mine": make("Share lab analysis", owner_user_id=uid["alice"]),
        "bobs": make("Verify licence", owner_user_id=uid["bob"], owner_person="Alice Smith"),
        "free": make("Trace shipment", owner_person="Deputy Director Wang, MPS"),
    }
    yield ctx, uid, items
    ctx.ops.wait()


def owner_of(db, record_id: int) -> int | None:
    with db.session() as s:
        return s.get(models.ActionItem, record_id).owner_user_id


def version_of(db, record_id: int) -> int:
    with db.session() as s:
        return s.get(models.ActionItem, record_id).version


def owner_events(db) -> list[dict]:
    with db.session() as s:
        rows = s.execute(
            select(models.AuditEvent.changes).where(
                models.AuditEvent.record_type == "action_item",
                models.AuditEvent.action == "update",
            )
        ).scalars()
        return [c for c in map(json.loads, rows) if "owner_user_id" in c]


def open_record(qtbot, ctx, record_id: int):
    from workinggroup_ui.forms.record_view import RecordView

    view = RecordView(ctx, "action_item", record_id)
    qtbot.addWidget(view)
    view.resize(1100, 850)
    view.show()
    qtbot.waitExposed(view)
    return view


def open_list(qtbot, ctx, settings):
    from workinggroup_ui.lists.view import ListView

    view = ListView(ctx, "action_item", settings)
    ctx.ops.changed.connect(view.on_change)  # as the main window hands every change on
    qtbot.addWidget(view)
    view.resize(1300, 700)
    view.show()
    qtbot.waitExposed(view)
    view.wait()
    return view


def shown(view) -> dict[int, str]:
    """Record id -> the owner column's text, for every row of the list."""
    view.wait()
    col = view.model.column_of("owner_user_id")
    return {
        view.model.index(r, 0).data(ID_ROLE): view.model.index(r, col).data()
        for r in range(view.model.rowCount())
    }


def select_ids(view, ids) -> None:
    sel = view.table.selectionModel()
    sel.clearSelection()
    for row in range(view.model.rowCount()):
        if view.model.index(row, 0).data(ID_ROLE) in ids:
            flags = QItemSelectionModel.SelectionFlag
            sel.select(view.model.index(row, 0), flags.Select | flags.Rows)
            sel.setCurrentIndex(view.model.index(row, 0), flags.NoUpdate)


def type_text(qtbot, line, text: str) -> None:
    """Type into a line edit: keys for Latin text; Chinese (and full-width forms) as an input
    method commits it (QTest only has Latin-1 keys)."""
    if all(ord(c) < 256 for c in text):
        qtbot.keyClicks(line, text)
        return
    line.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QCoreApplication.sendEvent(line, event)


def type_owner(qtbot, combo, text: str) -> None:
    line = combo.lineEdit()
    line.selectAll()
    type_text(qtbot, line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


# --- the form's owner picker ----------------------------------------------------------------


def test_the_owner_picker_offers_active_accounts_me_first_and_saves_the_account(qtbot, office):
    ctx, uid, items = office
    view = open_record(qtbot, ctx, items["free"])
    picker = view.form.editors["owner_user_id"].picker
    texts = [picker.itemText(i) for i in range(picker.count())]
    assert texts == ["—", "Alice Smith (alice) — me", "Bob Jones (bob)", "陈明 (chen)"]
    assert picker.value() is None  # no owner account yet; the counterpart owner is kept
    assert view.form.editors["owner_person"].value() == "Deputy Director Wang, MPS"
    assert view.form.labels["owner_person"].text() == "Counterpart owner"

    type_owner(qtbot, picker, "bob")  # part of a name picks the one account that has it
    assert picker.value() == uid["bob"] and view.form.is_dirty()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    assert owner_of(ctx.db, items["free"]) == uid["bob"]
    assert picker.currentText() == "Bob Jones (bob)" and not view.form.is_dirty()
    assert owner_events(ctx.db) == [{"owner_user_id": [None, "bob"]}]  # by user name


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Nobody Else", "Owner: no active account is named 'Nobody Else'"),
        ("dan", "Owner: the account of Dan Brown is disabled"),
        ('=HYPERLINK("x")', "Owner: no active account is named '=HYPERLINK"),
        ("<b>bob</b>", "Owner: no active account is named '<b>bob</b>'"),
    ],
)
def test_an_unknown_owner_is_shown_under_the_field_and_nothing_is_saved(
    qtbot, office, typed, message
):
    ctx, uid, items = office
    view = open_record(qtbot, ctx, items["mine"])
    picker = view.form.editors["owner_user_id"].picker
    type_owner(qtbot, picker, typed)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    assert message in view.form.error_text("owner_user_id")
    assert owner_of(ctx.db, items["mine"]) == uid["alice"]
    assert version_of(ctx.db, items["mine"]) == 1
    assert view.has_unsaved_changes()  # what was typed is kept, to be corrected


def test_the_chinese_form_shows_the_owner_error_in_chinese(qtbot, db, office):
    _ctx, _uid, items = office
    zh = make_ctx(db, lang="zh_CN")
    view = open_record(qtbot, zh, items["mine"])
    assert view.form.labels["owner_user_id"].text() == "负责人"
    type_owner(qtbot, view.form.editors["owner_user_id"].picker, "无此人")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    zh.ops.wait()
    assert "负责人：没有名为“无此人”的启用账户" in view.form.error_text("owner_user_id")
    zh.ops.wait()


def test_a_disabled_owner_stays_shown_and_other_edits_save(qtbot, db, office):
    ctx, uid, items = office
    with db.sessions.begin() as s:
        s.get(models.ActionItem, items["free"]).owner_user_id = uid["dan"]
    view = open_record(qtbot, ctx, items["free"])
    picker = view.form.editors["owner_user_id"].picker
    assert picker.currentText() == "Dan Brown (dan) — disabled"
    assert picker.value() == uid["dan"]
    edit = view.form.editors["title_en"].edit
    edit.selectAll()
    qtbot.keyClicks(edit, "Trace the shipment")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    with db.session() as s:
        obj = s.get(models.ActionItem, items["free"])
        assert (obj.title_en, obj.owner_user_id) == ("Trace the shipment", uid["dan"])


# --- the list: owner column and filter --------------------------------------------------------


def test_the_list_shows_owners_by_name_and_filters_by_owner(qtbot, office, settings):
    ctx, _uid, items = office
    view = open_list(qtbot, ctx, settings)
    assert shown(view) == {
        items["mine"]: "Alice Smith",
        items["bobs"]: "Bob Jones",
        items["free"]: "",
    }
    bar = view.filters
    assert bar.owner is not None and bar.owner.itemText(0) == "Any owner"
    # my work: my own account, first in the picker
    assert bar.owner.my_index() == 1
    bar.owner.setCurrentIndex(bar.owner.my_index())
    assert set(shown(view)) == {items["mine"]}  # not bob's, though "Alice Smith" is typed there
    assert "1 of 3" in view.status_text()
    # another owner by typing part of the name
    type_owner(qtbot, bar.owner, "jones")
    assert set(shown(view)) == {items["bobs"]}
    bar.clear()
    assert len(shown(view)) == 3
    # disabled accounts are offered by the filter: who still owns their items?
    assert any("Dan Brown" in bar.owner.itemText(i) for i in range(bar.owner.count()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("owner:me", {"mine"}),
        ("owner:bob", {"bobs"}),
        ('owner:"Bob Jones"', {"bobs"}),
        ("OWNER：alice", {"mine"}),  # any case, a full-width colon
        ("负责人:陈明", set()),  # chen owns nothing yet
        ("owner:alice verify", set()),  # alice's items with "verify": none
        ("owner:bob verify", {"bobs"}),
    ],
)
def test_owner_text_in_the_search_box_filters_by_owner(qtbot, office, settings, text, expected):
    ctx, _uid, items = office
    view = open_list(qtbot, ctx, settings)
    type_text(qtbot, view.filters.search, text)
    view.filters.flush()
    assert set(shown(view)) == {items[k] for k in expected}
    assert "no account" not in view.status_text()


def test_an_owner_nobody_is_shows_no_rows_and_says_why(qtbot, office, settings):
    ctx, _uid, _items = office
    view = open_list(qtbot, ctx, settings)
    qtbot.keyClicks(view.filters.search, "owner:<script>x")
    view.filters.flush()
    assert shown(view) == {}
    assert "no account is named “<script>x”" in view.status_text()


# --- reassign -------------------------------------------------------------------------------------


def test_reassign_two_selected_items_with_the_keyboard(qtbot, office, settings):
    ctx, uid, items = office
    view = open_list(qtbot, ctx, settings)
    assert view.reassign_action is not None and not view.reassign_action.isEnabled()
    select_ids(view, {items["bobs"], items["free"]})
    assert view.reassign_action.isEnabled()
    menu = view.row_menu()
    assert [a.text() for a in menu.actions()] == ["Open", "Reassign…"]
    view.table.setFocus()
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view.table, Qt.Key.Key_O, keys)  # Ctrl+Shift+O: O for owner
    dialog = view.reassign_dialog
    assert dialog is not None and dialog.isVisible()
    assert "2 action items" in dialog.summary.text()
    # the signed-in user's own account is offered first and chosen to start with
    assert dialog.owner.currentText() == "Alice Smith (alice) — me"
    type_owner(qtbot, dialog.owner, "陈")
    assert dialog.chosen() == uid["chen"]
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    qtbot.waitUntil(lambda: view.reassign_dialog is None)  # accepted, closed and gone
    assert owner_of(ctx.db, items["bobs"]) == owner_of(ctx.db, items["free"]) == uid["chen"]
    assert owner_of(ctx.db, items["mine"]) == uid["alice"]  # not selected, not touched
    assert sorted(e["owner_user_id"][0] or "" for e in owner_events(ctx.db)) == ["", "bob"]
    assert {e["owner_user_id"][1] for e in owner_events(ctx.db)} == {"chen"}
    view.wait()
    assert shown(view)[items["bobs"]] == shown(view)[items["free"]] == "陈明"


def test_reassign_refused_keeps_the_dialog_open_and_changes_nothing(qtbot, office, settings):
    ctx, uid, items = office
    view = open_list(qtbot, ctx, settings)
    select_ids(view, {items["mine"], items["bobs"]})
    view.reassign_action.trigger()
    dialog = view.reassign_dialog
    type_owner(qtbot, dialog.owner, "Dan Brown")  # disabled
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    assert dialog.isVisible()
    assert "the account of Dan Brown is disabled" in dialog.error_text()
    assert "Nothing was changed." in dialog.error_text()
    # meanwhile bob edits one of them: the whole reassignment is refused as stale
    Services(ctx.db, Actor("bob", "liaison")).update(
        "action_item", items["bobs"], {"title_en": "Verify the licence"}, 1
    )
    type_owner(qtbot, dialog.owner, "alice")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    assert dialog.isVisible() and "was changed by bob" in dialog.error_text()
    assert owner_of(ctx.db, items["bobs"]) == uid["bob"]
    assert owner_events(ctx.db) == []


def test_a_viewer_may_not_reassign(qtbot, db, office, settings):
    _ctx, _uid, items = office
    viewer = make_ctx(db, Actor("reader", "viewer"))
    view = open_list(qtbot, viewer, settings)
    select_ids(view, {items["mine"]})
    assert not view.reassign_action.isEnabled()
    assert view.reassign() is None
    viewer.ops.wait()


def test_reassign_from_the_open_record(qtbot, office):
    ctx, uid, items = office
    view = open_record(qtbot, ctx, items["mine"])
    assert view.reassign_button is not None and view.reassign_button.isVisible()
    qtbot.mouseClick(view.reassign_button, Qt.MouseButton.LeftButton)
    dialog = view.reassign_dialog
    assert dialog is not None and "1 action item" in dialog.summary.text()
    assert dialog.chosen() == uid["alice"]  # starts from the record's own owner
    type_owner(qtbot, dialog.owner, "bob")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    assert owner_of(ctx.db, items["mine"]) == uid["bob"]
    assert view.form.editors["owner_user_id"].picker.currentText() == "Bob Jones (bob)"
    assert view.version == 2 and not view.has_unsaved_changes()
