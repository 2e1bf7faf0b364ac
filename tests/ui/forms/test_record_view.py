"""The record view, driven as a user drives it: typing, choosing, clicking Save, transitions."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from workinggroup_app.domain import fields, validators, vocabulary
from workinggroup_app.domain.fields import CHOICE, LINK, LONGTEXT, READONLY, RECORD_TYPES, TEXT
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.read import lists, related
from workinggroup_app.services.records import Services

try:  # tests/ui is a plain folder today; a package if __init__.py files are added
    from conftest_record import (  # type: ignore[import-not-found]
        build_ctx,
        count,
        open_view,
        rctx,
        stored,
        wait_ops,
        world,
        wqy_font,
    )
except ImportError:  # pragma: no cover
    from tests.ui.conftest_record import (
        build_ctx,
        count,
        open_view,
        rctx,
        stored,
        wait_ops,
        world,
        wqy_font,
    )

__all__ = ["open_view", "rctx", "world", "wqy_font"]  # fixtures used by name

WORKFLOW_TYPES = [k for k, rt in RECORD_TYPES.items() if rt.workflow is not None]
LINK_TEXT = {"agency": "DEA", "case": None, "referral": None, "meeting": None}


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_into_picker(qtbot, picker, text: str) -> None:
    qtbot.keyClicks(picker.edit, text)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)


def fill_required(qtbot, view, world, *, title: str | None) -> None:
    """Fill every required field of the form as a user would; ``title=None`` leaves the
    English title empty."""
    form = view.form
    for f in form.rt.fields:
        if not f.required or f.kind == READONLY:
            continue
        editor = form.editors[f.name]
        if f.kind == TEXT:
            text = title if f.name == "title_en" else "X1"
            if text:
                qtbot.keyClicks(editor.edit, text)
        elif f.kind == CHOICE:
            preferred = {"direction": "US_TO_PRC"}.get(f.name)
            index = editor.combo.findData(preferred) if preferred else 1
            editor.combo.setCurrentIndex(index)
        elif f.kind == LINK:
            text = LINK_TEXT.get(f.target or "") or world.refs[f.target]
            type_into_picker(qtbot, editor.picker, text)
            assert isinstance(editor.value(), int), f"{f.name}: {text} not resolved"


# --- create, edit, invalid input, for every record type -------------------------------------------


@pytest.mark.parametrize("type_key", list(RECORD_TYPES))
def test_create_edit_and_refuse_invalid_input(qtbot, rctx, world, open_view, type_key):
    rt = fields.record_type(type_key)
    before = count(rctx.db, type_key)

    # create through the form
    view = open_view(type_key)
    titles: list[str] = []
    view.title_changed.connect(titles.append)
    noun = vocabulary.word("record_type", type_key).lower()
    assert view.title() == f"New {noun}"
    title = f"Formtest {type_key} created"
    fill_required(qtbot, view, world, title=title)
    assert view.has_unsaved_changes()
    assert view.title() == f"New {noun}*"
    with qtbot.waitSignal(view.saved, timeout=10000) as saved:
        click(qtbot, view.save_button)
    wait_ops(rctx)
    assert saved.args[0].action == "create"
    assert view.record_id == saved.args[0].ids[0]
    assert count(rctx.db, type_key) == before + 1
    assert titles[-1] == view.reference and view.reference.startswith(rt.prefix + "-")
    assert not view.has_unsaved_changes()
    with rctx.db.session() as s:
        rows = lists.list_rows(s, lists.ListSpec(type_key, text="Formtest"))
    assert [(r.id, r.values["title_en"]) for r in rows] == [(view.record_id, title)]

    # edit the English title and save: a new version, an audit event with old -> new
    edit = view.form.editors["title_en"].edit
    edit.selectAll()
    qtbot.keyClicks(edit, "Formtest edited")
    assert view.title() == view.reference + "*"
    click(qtbot, view.save_button)
    wait_ops(rctx)
    obj = stored(rctx.db, type_key, view.record_id)
    assert obj.title_en == "Formtest edited" and obj.version == 2
    with rctx.db.session() as s:
        last = related.audit_events(s, type_key, view.record_id)[-1]
    assert last.action == "update" and last.actor == "tester"
    assert json.loads(last.changes)["title_en"] == [title, "Formtest edited"]
    action, changes = view.history.audit.events()[0]
    assert "Updated" in action
    assert changes[rt.field("title_en").label("en")] == (title, "Formtest edited")
    assert view.title() == view.reference

    # invalid input on a new form: each message under its field, nothing saved
    bad = open_view(type_key)
    fill_required(qtbot, bad, world, title=None)
    longtext = next((f.name for f in rt.fields if f.kind == LONGTEXT and f.lang == "en"), None)
    if longtext:
        bad.form.editors[longtext].edit.setPlainText("x" * 100_000)
    if type_key == "entity":
        body = "91350100M000100Y4"
        good = validators.uscc_check_char(body)
        wrong = next(c for c in validators.USCC_ALPHABET if c != good)
        qtbot.keyClicks(bad.form.editors["uscc"].edit, body + wrong)
    if type_key == "substance":
        body = "79099-07"
        wrong = (validators.cas_check_digit(body) + 1) % 10
        qtbot.keyClicks(bad.form.editors["cas_number"].edit, f"{body}-{wrong}")
    bad.activateWindow()
    click(qtbot, bad.save_button)
    wait_ops(rctx)
    assert count(rctx.db, type_key) == before + 1
    assert bad.record_id is None and bad.has_unsaved_changes()
    assert "required" in bad.form.error_text("title_en")
    assert bad.form.cells["title_en"].error.isVisible()
    if longtext:
        assert "too long (100,000 characters; at most 50,000)" in bad.form.error_text(longtext)
    if type_key == "entity":
        assert "check character" in bad.form.error_text("uscc")
    if type_key == "substance":
        assert "check digit" in bad.form.error_text("cas_number")
    assert bad.form.error_text("releasability") == ""
    # the first field at fault has the keyboard focus
    assert QApplication.focusWidget() is bad.form.editors["title_en"].edit
    # typing into the field clears its message
    qtbot.keyClicks(bad.form.editors["title_en"].edit, "Now titled")
    assert bad.form.error_text("title_en") == ""


def test_messages_in_chinese_when_the_interface_is_chinese(qtbot, db, world, open_view):
    ctx = build_ctx(db, "zh_CN")
    view = open_view("referral", ctx=ctx)
    assert view.form.labels["title_en"].text() == "标题（英文） *"
    assert view.title() == "New 线索移交" or view.title().endswith("线索移交")
    click(qtbot, view.save_button)
    wait_ops(ctx)
    assert view.form.error_text("title_en") == "标题（英文）：必填。"
    assert view.form.error_text("direction") == "方向：必填。"


def test_stored_values_shown_in_each_editor(qtbot, rctx, world, open_view):
    view = open_view("referral", world.ids["referral"])
    e = view.form.editors
    assert e["reference"].label.text() == world.refs["referral"]
    assert e["status"].label.text() == "Draft"
    assert e["title_zh"].value() == "网上销售NPP前体"
    assert e["direction"].combo.currentText() == "US to PRC"
    assert e["line_of_effort"].combo.currentText() == "—"
    assert e["sending_agency_id"].picker.edit.text().startswith("DEA — Drug Enforcement")
    assert e["case_id"].picker.edit.text().startswith(world.refs["case"])
    assert e["entities"].links.labels()[0].startswith(world.refs["entity"])
    assert e["sent_on"].value() is None and not e["sent_on"].edit.isEnabled()
    assert e["summary_en"].value() == "A storefront offers NPP."
    assert not view.has_unsaved_changes()


# --- editors -----------------------------------------------------------------------------------


def test_link_picker_types_ahead_and_links_list_adds_and_removes(qtbot, rctx, world, open_view):
    view = open_view("referral", world.ids["referral"])
    picker = view.form.editors["receiving_agency_id"].picker
    picker.edit.clear()
    picker.edit.setFocus()
    qtbot.keyClicks(picker.edit, "drug")
    qtbot.waitUntil(lambda: picker.completer.popup().isVisible(), timeout=10000)
    assert [label.split(" — ")[0] for _id, label in picker.options()] == ["DEA"]
    popup = picker.completer.popup()
    popup.setCurrentIndex(popup.model().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert picker.value() == world.ids["dea"]

    links = view.form.editors["substances"].links
    type_into_picker(qtbot, links.picker, world.refs["substance"])
    assert links.value() == [world.ids["substance"]]
    assert links.picker.edit.text() == ""  # ready for the next one
    click(qtbot, view.save_button)
    wait_ops(rctx)
    with rctx.db.session() as s:
        obj = related.get(s, "referral", world.ids["referral"])
        assert obj.receiving_agency_id == world.ids["dea"]
        assert [x.id for x in obj.substances] == [world.ids["substance"]]
    links = view.form.editors["entities"].links
    links.list.setCurrentRow(0)
    click(qtbot, links.remove_button)
    assert links.value() == []
    click(qtbot, view.save_button)
    wait_ops(rctx)
    with rctx.db.session() as s:
        assert related.get(s, "referral", world.ids["referral"]).entities == []


def test_unknown_link_text_is_refused_by_the_service_next_to_the_field(
    qtbot, rctx, world, open_view
):
    view = open_view("referral", world.ids["referral"])
    picker = view.form.editors["case_id"].picker
    picker.edit.selectAll()
    qtbot.keyClicks(picker.edit, "CASE-1999-9999")
    click(qtbot, view.save_button)
    wait_ops(rctx)
    assert "no case 'CASE-1999-9999' exists" in view.form.error_text("case_id")
    assert stored(rctx.db, "referral", world.ids["referral"]).version == 1


def test_date_has_an_explicit_no_date_state(qtbot, rctx, world, open_view):
    view = open_view("referral", world.ids["referral"])
    due = view.form.editors["response_due"]
    click(qtbot, due.check)
    assert due.edit.isEnabled() and due.value() is not None
    due.edit.setDate(due.edit.date().fromString("2026-04-30", "yyyy-MM-dd"))
    click(qtbot, view.save_button)
    wait_ops(rctx)
    assert str(stored(rctx.db, "referral", world.ids["referral"]).response_due) == "2026-04-30"
    click(qtbot, due.check)  # back to "no date"
    assert due.value() is None and due.edit.text() == "no date"
    click(qtbot, view.save_button)
    wait_ops(rctx)
    assert stored(rctx.db, "referral", world.ids["referral"]).response_due is None


def test_meeting_time_is_typed_in_washington_time_and_stored_in_utc(qtbot, rctx, world, open_view):
    view = open_view("meeting", world.ids["meeting"])
    when = view.form.editors["starts_at"]
    assert when.zone.currentData() == "washington"
    # stored 14:00 UTC on 5 March 2026 = 09:00 in Washington (EST), 22:00 in Beijing
    assert when.edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-03-05 09:00"
    assert "Beijing: 2026-03-05 22:00" in when.other.text()
    # 10:30 in Washington on 10 March 2026 (after the change to daylight time) = 14:30 UTC
    when.set_wall_time(datetime(2026, 3, 10, 10, 30))
    assert when.value() == datetime(2026, 3, 10, 14, 30, tzinfo=UTC)
    assert "Beijing: 2026-03-10 22:30" in when.other.text()
    when.set_zone("beijing")  # the instant stays, the wall time follows the zone
    assert when.edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-03-10 22:30"
    assert "Washington: 2026-03-10 10:30" in when.other.text()
    click(qtbot, view.save_button)
    wait_ops(rctx)
    assert stored(rctx.db, "meeting", world.ids["meeting"]).starts_at == datetime(
        2026, 3, 10, 14, 30, tzinfo=UTC
    )


def test_tab_order_follows_the_visual_order(qtbot, rctx, world, open_view):
    view = open_view("referral", world.ids["referral"])
    e = view.form.editors
    expected = [
        e["title_en"].edit,
        e["title_zh"].edit,
        e["releasability"].combo,  # status (read-only) sits left of it
        e["caveat"].combo,
        e["direction"].combo,
        e["referral_type"].combo,
        e["line_of_effort"].combo,
        e["sending_agency_id"].picker.edit,
        e["receiving_agency_id"].picker.edit,
    ]
    for a, b in itertools.pairwise(expected):
        assert a.nextInFocusChain() is b or _next_focusable(a) is b


def _next_focusable(widget):
    w = widget.nextInFocusChain()
    while w is not widget and not (w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible()):
        w = w.nextInFocusChain()
    return w


def test_ctrl_s_saves_and_esc_reverts_after_asking(qtbot, rctx, world, open_view, monkeypatch):
    view = open_view("case", world.ids["case"])
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=10000)  # shortcuts need an active window
    edit = view.form.editors["title_en"].edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "Saved with the keyboard")
    qtbot.keyClick(edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_ops(rctx)
    assert stored(rctx.db, "case", world.ids["case"]).title_en == "Saved with the keyboard"

    qtbot.keyClicks(edit, " and more")
    asked: list[str] = []

    def answer(*args, **kw):
        asked.append(args[2])
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", answer)
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert asked and edit.text() == "Saved with the keyboard"
    assert not view.has_unsaved_changes()


# --- the unsaved-changes guard --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "closes", "saved_title"),
    [
        (QMessageBox.StandardButton.Cancel, False, "Share lab analysis"),
        (QMessageBox.StandardButton.Discard, True, "Share lab analysis"),
        (QMessageBox.StandardButton.Save, True, "Share the analysis"),
    ],
)
def test_maybe_close_asks_when_unsaved(
    qtbot, rctx, world, open_view, monkeypatch, answer, closes, saved_title
):
    view = open_view("action_item", world.ids["action_item"])
    assert view.maybe_close()  # nothing typed: no question
    edit = view.form.editors["title_en"].edit
    edit.selectAll()
    qtbot.keyClicks(edit, "Share the analysis")
    asked: list[tuple] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or answer)
    assert view.maybe_close() is closes
    assert len(asked) == 1
    assert stored(rctx.db, "action_item", world.ids["action_item"]).title_en == saved_title
    assert view.has_unsaved_changes() is (answer == QMessageBox.StandardButton.Cancel)
    if answer == QMessageBox.StandardButton.Cancel:
        assert edit.text() == "Share the analysis"  # stays, nothing lost


def test_maybe_close_save_that_fails_keeps_the_view_open(
    qtbot, rctx, world, open_view, monkeypatch
):
    view = open_view("action_item", world.ids["action_item"])
    view.form.editors["title_en"].edit.clear()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    assert view.maybe_close() is False
    assert "required" in view.form.error_text("title_en")


# --- stale edits ---------------------------------------------------------------------------------


def test_stale_edit_banner_reloads_their_version_and_keeps_typed_text(
    qtbot, rctx, world, open_view
):
    rid = world.ids["referral"]
    view = open_view("referral", rid)
    edit = view.form.editors["title_en"].edit
    edit.selectAll()
    qtbot.keyClicks(edit, "My better title")
    qtbot.keyClicks(view.form.editors["counterpart_ref"].edit, "MPS-77")

    other = Services(rctx.db, Actor("wang", "liaison"))
    other.update("referral", rid, {"title_en": "Their title", "summary_zh": "对方补充的摘要"}, 1)

    click(qtbot, view.save_button)
    wait_ops(rctx)
    banner = view.form.banner_message()
    assert "Changed by wang at" in banner and "after you opened it" in banner
    assert view.form.reload_button.isVisible()
    assert stored(rctx.db, "referral", rid).title_en == "Their title"

    click(qtbot, view.form.reload_button)
    assert edit.text() == "My better title"  # typed text kept
    assert view.form.editors["counterpart_ref"].value() == "MPS-77"
    assert view.form.editors["summary_zh"].value() == "对方补充的摘要"  # theirs, shown
    assert view.form.conflict_fields() == ["title_en"]
    assert "Their title" in view.form.cells["title_en"].conflict.text()
    assert "wang" in view.form.banner_message()
    assert view.version == 2 and view.has_unsaved_changes()

    click(qtbot, view.save_button)
    wait_ops(rctx)
    obj = stored(rctx.db, "referral", rid)
    assert (obj.title_en, obj.counterpart_ref, obj.summary_zh, obj.version) == (
        "My better title",
        "MPS-77",
        "对方补充的摘要",
        3,
    )
    assert view.form.banner_message() == "" and view.form.conflict_fields() == []


# --- transitions from the detail view --------------------------------------------------------------


@pytest.mark.parametrize("type_key", WORKFLOW_TYPES)
def test_transition_button_dialog_updates_status_and_timeline(
    qtbot, rctx, world, open_view, type_key
):
    rt = fields.record_type(type_key)
    wf = rt.workflow
    rid = world.ids[type_key]
    view = open_view(type_key, rid)
    current = view.data.status
    with rctx.db.session() as s:
        allowed = rctx.services.allowed_transitions(type_key, related.get(s, type_key, rid))
    assert list(view.transitions.buttons) == allowed  # exactly the allowed transitions
    target = next(
        t
        for t in allowed
        if not wf.find(current, t).needs_outcome and not wf.find(current, t).needs_duplicate_of
    )
    click(qtbot, view.transitions.buttons[target])
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.outcome is None
    qtbot.keyClicks(dialog.comment, "Moved after the call with the counterpart")
    click(qtbot, dialog.note_releasable)
    click(qtbot, dialog.ok_button)
    wait_ops(rctx)
    assert not dialog.isVisible()
    obj = stored(rctx.db, type_key, rid)
    assert obj.status == target and obj.version == 2
    assert view.status_label.text() == vocabulary.word(wf.vocabulary, target)
    assert view.form.editors["status"].label.text() == vocabulary.word(wf.vocabulary, target)
    newest = view.history.timeline.entries()[0]
    assert newest == (
        f"{vocabulary.word(wf.vocabulary, current)} → {vocabulary.word(wf.vocabulary, target)}",
        "Moved after the call with the counterpart",
    )
    item = view.history.timeline.topLevelItem(0)
    assert item.text(0).endswith("UTC") and item.text(1)  # UTC and local time
    assert "releasable" in item.text(4)
    assert list(view.transitions.buttons) == [t.target for t in wf.allowed(target, obj)]


@pytest.mark.parametrize(
    ("type_key", "path", "outcome"),
    [
        ("case", [], "disruption"),
        ("referral", ["sent", "acknowledged", "responded"], "seizure"),
    ],
)
def test_closing_transition_requires_an_outcome(
    qtbot, rctx, world, open_view, type_key, path, outcome
):
    rid = world.ids[type_key]
    for target in path:
        rctx.services.transition(type_key, rid, target)
    view = open_view(type_key, rid)
    version = view.version
    click(qtbot, view.transitions.buttons["closed"])
    dialog = view.dialog
    assert dialog.outcome is not None
    qtbot.keyClicks(dialog.comment, "Closing")
    click(qtbot, dialog.ok_button)
    wait_ops(rctx)
    assert dialog.isVisible()
    assert "Closing needs an outcome" in dialog.error_text()
    assert stored(rctx.db, type_key, rid).version == version  # nothing changed
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(outcome))
    click(qtbot, dialog.ok_button)
    wait_ops(rctx)
    assert not dialog.isVisible()
    obj = stored(rctx.db, type_key, rid)
    assert (obj.status, obj.outcome) == ("closed", outcome)
    vocab = fields.record_type(type_key).workflow.outcome_vocabulary
    assert view.form.editors["outcome"].label.text() == vocabulary.word(vocab, outcome)


def test_duplicate_transition_names_the_referral_it_repeats(qtbot, rctx, world, open_view):
    first = world.ids["referral"]
    second = rctx.services.create(
        "referral",
        {"title_en": "Same lead again", "direction": "US_TO_PRC", "referral_type": "lead"},
    ).ids[0]
    view = open_view("referral", second)
    click(qtbot, view.transitions.buttons["duplicate"])
    dialog = view.dialog
    type_into_picker(qtbot, dialog.duplicate_of, world.refs["referral"])
    click(qtbot, dialog.ok_button)
    wait_ops(rctx)
    obj = stored(rctx.db, "referral", second)
    assert (obj.status, obj.duplicate_of_id) == ("duplicate", first)
    assert view.form.editors["duplicate_of_id"].label.text().startswith(world.refs["referral"])


def test_transition_keeps_unsaved_typing(qtbot, rctx, world, open_view):
    view = open_view("action_item", world.ids["action_item"])
    qtbot.keyClicks(view.form.editors["owner_person"].edit, "J. Smith")
    click(qtbot, view.transitions.buttons["in_progress"])
    click(qtbot, view.dialog.ok_button)
    wait_ops(rctx)
    assert view.status_label.text() == "In progress"
    assert view.form.editors["owner_person"].value() == "J. Smith"
    assert view.has_unsaved_changes()
    click(qtbot, view.save_button)
    wait_ops(rctx)
    obj = stored(rctx.db, "action_item", world.ids["action_item"])
    assert (obj.owner_person, obj.status) == ("J. Smith", "in_progress")


# --- buttons by role, archive, related items ----------------------------------------------------


def test_buttons_follow_the_role(qtbot, db, world, open_view):
    viewer = build_ctx(db, role="viewer", user="reader")
    view = open_view("referral", world.ids["referral"], ctx=viewer)
    assert view.transitions.buttons == {}
    assert not view.transitions.archive_button.isVisible()
    assert not view.save_button.isVisible()
    assert view.form.editors["title_en"].edit.isReadOnly()

    liaison = build_ctx(db, role="liaison", user="li")
    view = open_view("referral", world.ids["referral"], ctx=liaison)
    assert "sent" in view.transitions.buttons and view.save_button.isVisible()
    assert not view.transitions.archive_button.isVisible()  # managers archive
    meeting = open_view("meeting", world.ids["meeting"], ctx=liaison)
    assert meeting.transitions.buttons == {}  # coordinators run meetings


def test_archive_and_restore(qtbot, rctx, world, open_view):
    view = open_view("entity", world.ids["entity"])
    assert view.transitions.buttons == {}  # entities have no workflow
    assert view.transitions.archive_button.isVisible()
    click(qtbot, view.transitions.archive_button)
    wait_ops(rctx)
    assert stored(rctx.db, "entity", world.ids["entity"]).archived
    assert view.flags_label.text() == "Archived"
    assert view.transitions.restore_button.isVisible()
    assert not view.transitions.archive_button.isVisible()
    click(qtbot, view.transitions.restore_button)
    wait_ops(rctx)
    assert not stored(rctx.db, "entity", world.ids["entity"]).archived
    assert not view.flags_label.isVisible()


def test_related_items_open_on_enter_and_double_click(qtbot, rctx, world, open_view):
    view = open_view("referral", world.ids["referral"])
    groups = view.related.groups()
    assert groups["case"] == [world.refs["case"]]
    assert groups["entity"] == [world.refs["entity"]]
    assert groups["meeting"] == [world.refs["meeting"]]
    view.tabs.setCurrentWidget(view.related)
    heading = view.related.topLevelItem(0)
    case_item = heading.child(0)
    view.related.setCurrentItem(case_item)
    view.related.setFocus()
    with qtbot.waitSignal(view.open_record) as opened:
        qtbot.keyClick(view.related, Qt.Key.Key_Return)
    assert opened.args == ["case", world.ids["case"]]
    meeting_heading = view.related.topLevelItem(view.related.topLevelItemCount() - 1)
    rect = view.related.visualItemRect(meeting_heading.child(0))
    qtbot.mouseClick(view.related.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.open_record) as opened:
        qtbot.mouseDClick(view.related.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["meeting", world.ids["meeting"]]


def test_view_follows_changes_made_elsewhere_in_the_app(qtbot, rctx, world, open_view):
    view = open_view("action_item", world.ids["action_item"])
    rid = world.ids["action_item"]
    rctx.ops.run(lambda: rctx.services.transition("action_item", rid, "in_progress"))
    wait_ops(rctx)
    assert view.status_label.text() == "In progress" and view.version == 2


# --- screenshots: nothing clipped, Chinese drawn ----------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_referral_form_renders_labels_in_the_interface_language(
    qtbot, db, world, open_view, wqy_font, tmp_path, lang
):
    ctx = build_ctx(db, lang)
    for record_id in (None, world.ids["referral"]):
        view = open_view("referral", record_id, ctx=ctx)
        qtbot.wait(10)
        label = view.form.labels["sending_agency_id"]
        assert label.text() == fields.REFERRAL.field("sending_agency_id").label(lang)
        # no label is cut: each is at least as wide as its text needs
        for name, lbl in view.form.labels.items():
            if lbl.isVisible():
                assert lbl.width() >= lbl.sizeHint().width(), name
        image = view.grab()
        path = tmp_path / f"referral-{lang}-{'new' if record_id is None else 'existing'}.png"
        assert image.save(str(path)) and path.stat().st_size > 10_000


def test_a_bug_during_save_reaches_the_error_handler_and_does_not_hang(
    qtbot, rctx, world, open_view, monkeypatch
):
    reported: list[BaseException] = []
    rctx.ops.error_handler = reported.append

    def broken(*_a, **_k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(rctx.services, "update", broken)
    view = open_view("case", world.ids["case"])
    qtbot.keyClicks(view.form.editors["title_en"].edit, " (edited)")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    assert view.maybe_close() is False  # returns instead of waiting for ever
    assert [str(e) for e in reported] == ["disk on fire"]
    assert view.save_button.isEnabled() and view.has_unsaved_changes()


def test_a_new_record_starts_with_the_office_default_marking(qtbot, rctx, world, open_view):
    from workinggroup_app.domain.permissions import SYSTEM
    from workinggroup_app.services import office

    office.save_profile(rctx.db, SYSTEM, office.OfficeProfile("US", "INL", "releasable"))
    view = open_view("case")
    editor = view.form.editors["releasability"]
    assert editor.value() == "releasable"
    assert not view.has_unsaved_changes(), "a default is not an edit"
    fill_required(qtbot, view, world, title="Office default case")
    # releasable: the counterpart reads the Chinese title
    view.form.editors["title_zh"].edit.setText("办公室默认案件")
    with qtbot.waitSignal(view.saved, timeout=10000) as saved:
        click(qtbot, view.save_button)
    wait_ops(rctx)
    with rctx.db.session() as s:
        from workinggroup_app.domain import models

        case = s.get(models.Case, saved.args[0].ids[0])
        assert case.releasability == "releasable"

    office.save_profile(rctx.db, SYSTEM, office.OfficeProfile("US", "INL", "us_only"))
    assert open_view("referral").form.editors["releasability"].value() == "us_only"
