"""A meeting's attendees, agenda and decisions, and the packet export, driven through the view."""

from __future__ import annotations

import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from workinggroup_app.read import related

try:  # tests/ui is a plain folder today; a package if __init__.py files are added
    from conftest_record import (  # type: ignore[import-not-found]
        build_ctx,
        open_view,
        rctx,
        stored,
        type_chinese,
        wait_ops,
        world,
    )
except ImportError:  # pragma: no cover
    from tests.ui.conftest_record import (
        build_ctx,
        open_view,
        rctx,
        stored,
        type_chinese,
        wait_ops,
        world,
    )

__all__ = ["open_view", "rctx", "world"]  # fixtures used by name


@pytest.fixture(autouse=True)
def _never_open_files(monkeypatch):
    monkeypatch.setenv("WORKINGGROUP_NO_OPEN", "1")


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def choose(combo, key) -> None:
    combo.setCurrentIndex(combo.findData(key))


def content(db, meeting_id):
    with db.session() as s:
        m = related.get(s, "meeting", meeting_id)
        return (
            [
                (a.side, a.name_en, a.name_zh, a.position_en, a.agency_id, a.head_of_delegation)
                for a in m.attendees
            ],
            [(a.title_en, a.title_zh, a.notes_en, a.releasability) for a in m.agenda_items],
            [(d.text_en, d.text_zh, d.releasability) for d in m.decisions],
            m.version,
        )


def test_meeting_view_has_the_content_tab_other_views_do_not(qtbot, rctx, world, open_view):
    meeting = open_view("meeting", world.ids["meeting"])
    assert meeting.extension is not None
    assert meeting.tabs.indexOf(meeting.extension.editor) >= 0
    assert meeting.extension.export_button.isVisible()
    case = open_view("case", world.ids["case"])
    assert case.extension is None
    assert [case.tabs.tabText(i) for i in range(case.tabs.count())] == [
        "Details",
        "Related",
        "History",
    ]
    # the referrals and cases discussed come from the generic form (LINKS fields)
    links = meeting.form.editors["referrals"].links
    assert links.value() == [world.ids["referral"]]


def test_meeting_content_editor_saves_attendees_agenda_and_decisions(qtbot, rctx, world, open_view):
    mid = world.ids["meeting"]
    view = open_view("meeting", mid)
    editor = view.extension.editor
    view.tabs.setCurrentWidget(editor)
    attendees = editor.sections["attendees"]
    agenda = editor.sections["agenda_items"]
    decisions = editor.sections["decisions"]

    click(qtbot, attendees.add_button)
    choose(attendees.cell(0, "side"), "US")
    qtbot.keyClicks(attendees.cell(0, "name_en"), "Anne Milgram")
    qtbot.keyClicks(attendees.cell(0, "position_en"), "Administrator")
    picker = attendees.cell(0, "agency_id")
    qtbot.keyClicks(picker.edit, "DEA")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    click(qtbot, attendees.cell(0, "head_of_delegation"))
    click(qtbot, attendees.add_button)
    choose(attendees.cell(1, "side"), "PRC")
    qtbot.keyClicks(attendees.cell(1, "name_en"), "Li Wei")
    type_chinese(attendees.cell(1, "name_zh"), "李伟")

    click(qtbot, agenda.add_button)
    qtbot.keyClicks(agenda.cell(0, "title_en"), "Review of open referrals")
    type_chinese(agenda.cell(0, "title_zh"), "审议未结线索")
    notes = agenda.cell(0, "notes_en")
    qtbot.keyClicks(notes, "Line one")
    qtbot.keyClick(notes, Qt.Key.Key_Return)
    qtbot.keyClicks(notes, "Line two")
    choose(agenda.cell(0, "releasability"), "releasable")

    click(qtbot, decisions.add_button)
    qtbot.keyClicks(decisions.cell(0, "text_en"), "Exchange lab results by April")
    choose(decisions.cell(0, "releasability"), "us_only")

    assert view.has_unsaved_changes() and view.title().endswith("*")
    with qtbot.waitSignal(view.saved, timeout=10000) as saved:
        click(qtbot, view.save_button)
    wait_ops(rctx)
    assert saved.args[0].action == "update"
    people, items, decided, version = content(rctx.db, mid)
    assert people == [
        ("US", "Anne Milgram", "", "Administrator", world.ids["dea"], True),
        ("PRC", "Li Wei", "李伟", "", None, False),
    ]
    assert items == [
        ("Review of open referrals", "审议未结线索", "Line one\nLine two", "releasable")
    ]
    assert decided == [("Exchange lab results by April", "", "us_only")]
    assert version == 2 and view.version == 2
    assert not view.has_unsaved_changes()
    # shown again from the database, agency by its label
    assert attendees.cell(0, "agency_id").edit.text().startswith("DEA — ")

    # move the PRC attendee up, remove the agenda item; both saved with the form's edits
    attendees.table.selectRow(1)
    click(qtbot, attendees.up_button)
    assert [attendees.row_values(r)["name_en"] for r in range(2)] == ["Li Wei", "Anne Milgram"]
    agenda.table.selectRow(0)
    click(qtbot, agenda.remove_button)
    title = view.form.editors["title_en"].edit
    title.selectAll()
    qtbot.keyClicks(title, "Technical session, second round")
    click(qtbot, view.save_button)
    wait_ops(rctx)
    people, items, _decided, version = content(rctx.db, mid)
    assert [p[1] for p in people] == ["Li Wei", "Anne Milgram"]
    assert people[1][4] == world.ids["dea"]  # the agency moved with its row
    assert items == []
    assert version == 4  # one version for the fields, one for the parts
    assert stored(rctx.db, "meeting", mid).title_en == "Technical session, second round"


def test_meeting_content_errors_are_shown_and_nothing_is_saved(qtbot, rctx, world, open_view):
    mid = world.ids["meeting"]
    view = open_view("meeting", mid)
    editor = view.extension.editor
    agenda = editor.sections["agenda_items"]
    attendees = editor.sections["attendees"]
    click(qtbot, attendees.add_button)
    qtbot.keyClicks(attendees.cell(0, "name_en"), "Nobody's side")
    click(qtbot, agenda.add_button)
    qtbot.keyClicks(agenda.cell(0, "notes_en"), "Notes without a title")
    click(qtbot, view.save_button)
    wait_ops(rctx)
    assert "Agenda item 1: title en is required." in agenda.error.text()
    assert "Attendee 1: side is required." in attendees.error.text()
    assert agenda.error.isVisible() and attendees.error.isVisible()
    assert view.tabs.currentWidget() is editor
    assert content(rctx.db, mid) == ([], [], [], 1)
    assert view.has_unsaved_changes()
    # fixing them saves
    qtbot.keyClicks(agenda.cell(0, "title_en"), "Now with a title")
    choose(attendees.cell(0, "side"), "US")
    click(qtbot, view.save_button)
    wait_ops(rctx)
    people, items, _d, version = content(rctx.db, mid)
    assert items[0][0] == "Now with a title" and people[0][0] == "US" and version == 2
    assert not agenda.error.isVisible()


def test_new_meeting_with_content_in_one_save(qtbot, rctx, world, open_view):
    view = open_view("meeting")
    qtbot.keyClicks(view.form.editors["title_en"].edit, "Plenary, spring round")
    choose(view.form.editors["meeting_type"].combo, "plenary")
    decisions = view.extension.editor.sections["decisions"]
    click(qtbot, decisions.add_button)
    qtbot.keyClicks(decisions.cell(0, "text_en"), "Meet again in autumn")
    click(qtbot, view.save_button)
    wait_ops(rctx)
    assert view.record_id is not None and view.title() == view.reference
    _p, _i, decided, version = content(rctx.db, view.record_id)
    assert decided == [("Meet again in autumn", "", None)] and version == 2


def test_meeting_content_revert_on_discard(qtbot, rctx, world, open_view, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    view = open_view("meeting", world.ids["meeting"])
    agenda = view.extension.editor.sections["agenda_items"]
    click(qtbot, agenda.add_button)
    assert view.has_unsaved_changes()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    assert view.maybe_close()
    assert agenda.table.rowCount() == 0 and not view.has_unsaved_changes()


# --- the packet dialog --------------------------------------------------------------------------


def test_packet_dialog_runs_the_export_with_progress(
    qtbot, rctx, world, open_view, monkeypatch, tmp_path
):
    calls = []

    def fake_export(db, reference, audience, out_path, progress=None, actor=None):
        for i in range(3):
            progress(i + 1, 3)
        Path(out_path).write_bytes(b"%PDF-1.4 fake")
        calls.append((reference, audience, Path(out_path)))
        assert actor is not None and actor.username  # the packet is written as the signed-in user
        return types.SimpleNamespace(path=Path(out_path), pages=3)

    fake = types.ModuleType("workinggroup_app.reports.packet")
    fake.export_packet = fake_export  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "workinggroup_app.reports.packet", fake)

    view = open_view("meeting", world.ids["meeting"])
    opened = []
    monkeypatch.setattr(
        "workinggroup_ui.dialogs.packet.QDesktopServices.openUrl", lambda url: opened.append(url)
    )
    click(qtbot, view.extension.export_button)
    dialog = view.extension.packet_dialog
    assert dialog is not None and dialog.isVisible()
    ref = world.refs["meeting"]
    assert dialog.audience() == "bilateral"
    assert Path(dialog.path.text()).name == f"{ref}-bilateral.pdf"
    qtbot.mouseClick(  # on the round button, where a user clicks
        dialog.internal, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.internal.height() // 2)
    )
    assert Path(dialog.path.text()).name == f"{ref}-internal.pdf"
    target = tmp_path / "out" / "packet"
    target.parent.mkdir()
    monkeypatch.setattr(
        "workinggroup_ui.dialogs.save_file.QFileDialog.getSaveFileName",
        lambda *a, **k: (str(target), ""),
    )
    click(qtbot, dialog.browse)
    assert dialog.path.text() == str(target)
    click(qtbot, dialog.ok_button)
    wait_ops(rctx)
    assert calls == [(ref, "internal", target.with_name("packet.pdf"))]
    assert dialog.result_info.pages == 3 and not dialog.isVisible()
    assert opened == []  # WORKINGGROUP_NO_OPEN=1

    # without the variable the file is opened
    monkeypatch.delenv("WORKINGGROUP_NO_OPEN")
    click(qtbot, view.extension.export_button)
    dialog = view.extension.packet_dialog
    dialog.path.setText(str(tmp_path / "second.pdf"))
    click(qtbot, dialog.ok_button)
    wait_ops(rctx)
    assert [u.toLocalFile() for u in opened] == [str(tmp_path / "second.pdf")]


def test_packet_dialog_offers_bilateral_only_to_roles_that_may(qtbot, db, world, open_view):
    liaison = build_ctx(db, role="liaison", user="li")
    view = open_view("meeting", world.ids["meeting"], ctx=liaison)
    click(qtbot, view.extension.export_button)
    dialog = view.extension.packet_dialog
    assert not dialog.bilateral.isEnabled() and dialog.audience() == "internal"


def test_packet_dialog_writes_a_bilateral_pdf(qtbot, rctx, world, open_view, tmp_path):
    pytest.importorskip("reportlab")
    from workinggroup_app.reports.packet import export_packet  # noqa: F401  (the real module)

    mid = world.ids["meeting"]
    rctx.services.save_meeting_content(
        mid,
        1,
        agenda=[
            {"title_en": "Shared item", "title_zh": "共享议题", "releasability": "releasable"},
            {"title_en": "Internal only item", "releasability": "us_only"},
        ],
    )
    view = open_view("meeting", mid)
    click(qtbot, view.extension.export_button)
    dialog = view.extension.packet_dialog
    out = tmp_path / "packet-bilateral.pdf"
    dialog.path.setText(str(out))
    assert dialog.audience() == "bilateral"
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible() or dialog.error.isVisible(), timeout=60000)
    wait_ops(rctx)
    assert dialog.error.text() == ""
    assert out.exists() and out.read_bytes().startswith(b"%PDF")
    assert dialog.result_info.pages >= 1
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert world.refs["meeting"] in text
        assert "Shared item" in text
        assert "Internal only item" not in text
