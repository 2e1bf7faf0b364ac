"""The main window and its lists, driven as a user drives them (pytest-qt, offscreen)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox

from workinggroup_app.read import related
from workinggroup_ui import settings as opts
from workinggroup_ui.lists.model import ID_ROLE
from workinggroup_ui.window.main_window import MainWindow
from workinggroup_ui.window.navigation import RECORD_TYPE_KEYS


@pytest.fixture
def window(ctx, dataset, settings, qtbot):
    w = MainWindow(ctx, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    for view in w.record_views():  # never leave a question open at teardown
        if hasattr(view, "revert_changes"):
            view.revert_changes(ask=False)
    ctx.ops.wait()


def refs_shown(view) -> list[str]:
    view.wait()  # filters and sorting read off the UI thread
    model = view.model
    col = model.column_of("reference")
    return [model.index(r, col).data().split(" ")[0] for r in range(model.rowCount())]


def ids_shown(view) -> list[int]:
    view.wait()
    return [view.model.index(r, 0).data(ID_ROLE) for r in range(view.model.rowCount())]


def pick(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not offered"
    combo.setCurrentIndex(index)


class ModalAnswer:
    """Answers the next modal message box with ``button`` and remembers its text."""

    def __init__(self, button: QMessageBox.StandardButton) -> None:
        self.button = button
        self.texts: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            self.texts.append(box.text())
            self.timer.stop()
            box.button(self.button).click()


# --- navigation and status bar -----------------------------------------------------------------


EXPECTED = {
    "case": "1 of 1 cases",
    "referral": "4 of 4 referrals",
    "action_item": "4 of 4 action items",
    "meeting": "1 of 1 meetings",
    "entity": "1 of 1 entities",
    "substance": "1 of 1 substances",
    "agency": "4 of 4 agencies",
    "contact": "1 of 1 contacts",
}


def test_every_navigation_entry_opens_its_list_and_the_status_bar_counts(window, qtbot):
    assert window.nav.count() == 9  # the dashboard, then the eight lists
    assert window.nav.item(0).text() == "Dashboard"
    for row, key in enumerate(RECORD_TYPE_KEYS, start=1):
        item = window.nav.item(row)
        rect = window.nav.visualItemRect(item)
        qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        view = window.current_list()
        assert view is not None and view.rt.key == key
        view.wait()
        assert view.model.rowCount() == int(EXPECTED[key].split()[0])
        assert window.count_label.text() == EXPECTED[key]
    assert [window.nav.item(i).text() for i in range(1, 4)] == [
        "Cases",
        "Referrals",
        "Action items",
    ]


def test_alt_number_keys_go_to_each_list(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert window.current_list().rt.key == "action_item"
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
    assert window.current_list().rt.key == "agency"
    window.current_list().wait()
    assert window.count_label.text() == "4 of 4 agencies"


def test_lists_are_created_on_first_visit_only(window):
    assert set(window.list_views) == {"referral"}
    window.show_list("meeting")
    assert set(window.list_views) == {"referral", "meeting"}


def test_database_name_is_in_the_status_bar(window, ctx):
    assert window.db_label.text() == ctx.db.display_name
    assert window.db_label.text().endswith("workinggroup.sqlite3")


# --- sorting --------------------------------------------------------------------------------------


def test_clicking_a_header_sorts_the_list(window, qtbot, dataset):
    view = window.show_list("action_item")
    # default order: due date, earliest first
    assert ids_shown(view)[0] == dataset.ids["a_overdue"]
    header = view.table.horizontalHeader()
    col = view.model.column_of("title_en")
    pos = QPoint(header.sectionViewportPosition(col) + 20, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    view.wait()
    first = view.model.index(0, col).data()
    assert view.model.spec.sort == "title_en"
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    view.wait()
    again = view.model.index(0, col).data()
    assert {first, again} == {"Exchange contact lists", "Share lab analysis"}
    assert header.sortIndicatorSection() == col


# --- filters --------------------------------------------------------------------------------------


def test_text_filter_finds_english_and_chinese(window, qtbot, dataset, type_text):
    view = window.show_list("referral")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.filters.search.hasFocus()
    qtbot.keyClicks(view.filters.search, "pill")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert refs_shown(view) == [dataset.refs["r_press"]]
    assert window.count_label.text() == "1 of 4 referrals"
    view.filters.search.clear()
    type_text(view.filters.search, "洗钱")
    qtbot.waitUntil(lambda: refs_shown(view) == [dataset.refs["r_launder"]])
    # Esc clears the search field and shows everything again
    qtbot.keyClick(view.filters.search, Qt.Key.Key_Escape)
    assert view.filters.search.text() == ""
    assert len(refs_shown(view)) == 4


def test_text_filter_waits_for_typing_to_pause(window, qtbot):
    view = window.show_list("referral")
    view.wait()
    qtbot.keyClicks(view.filters.search, "npp")
    assert view.model.rowCount() == 4  # not yet: debounced
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)


def test_one_or_two_letters_do_not_filter_but_one_chinese_character_does(
    window, qtbot, dataset, type_text
):
    view = window.show_list("referral")
    qtbot.keyClicks(view.filters.search, "np")
    view.filters.flush()
    assert len(refs_shown(view)) == 4
    assert window.count_label.text() == "4 of 4 referrals — type at least 3 letters to search"
    view.filters.search.clear()
    type_text(view.filters.search, "压")
    view.filters.flush()
    assert refs_shown(view) == [dataset.refs["r_press"]]
    assert window.count_label.text() == "1 of 4 referrals"


def test_status_filter(window, dataset):
    view = window.show_list("referral")
    pick(view.filters.status, "Sent")
    assert sorted(refs_shown(view)) == sorted([dataset.refs["r_npp"], dataset.refs["r_fentanyl"]])
    pick(view.filters.status, "Draft")
    assert refs_shown(view) == [dataset.refs["r_launder"]]
    pick(view.filters.status, "Closed")
    assert refs_shown(view) == []
    items = window.show_list("action_item")
    pick(items.filters.status, "Open (any)")
    assert dataset.ids["a_done"] not in ids_shown(items)
    assert len(ids_shown(items)) == 3


def test_side_filter(window, dataset):
    view = window.show_list("referral")
    pick(view.filters.side, "United States")  # sent by the US side
    assert sorted(refs_shown(view)) == sorted([dataset.refs["r_npp"], dataset.refs["r_fentanyl"]])
    pick(view.filters.side, "China")
    assert sorted(refs_shown(view)) == sorted([dataset.refs["r_press"], dataset.refs["r_launder"]])
    items = window.show_list("action_item")
    pick(items.filters.side, "Joint")
    assert ids_shown(items) == [dataset.ids["a_joint"]]


def test_agency_filter_by_list_and_by_typing(window, qtbot, dataset, type_text):
    view = window.show_list("referral")
    combo = view.filters.agency
    combo.setCurrentIndex(combo.findData(dataset.ids["gacc"]))
    assert refs_shown(view) == [dataset.refs["r_fentanyl"]]
    combo.setCurrentIndex(0)
    assert len(refs_shown(view)) == 4
    combo.lineEdit().selectAll()
    type_text(combo.lineEdit(), "公安部")  # type-ahead on the Chinese name
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert combo.currentData() == dataset.ids["ncb"]
    assert sorted(refs_shown(view)) == sorted(
        [dataset.refs["r_npp"], dataset.refs["r_press"], dataset.refs["r_launder"]]
    )


def test_releasability_filter(window, dataset):
    view = window.show_list("referral")
    pick(view.filters.releasability, "Releasable to counterpart")
    assert sorted(refs_shown(view)) == sorted([dataset.refs["r_npp"], dataset.refs["r_fentanyl"]])
    pick(view.filters.releasability, "US only")
    assert sorted(refs_shown(view)) == sorted([dataset.refs["r_press"], dataset.refs["r_launder"]])


def test_overdue_and_awaiting_response_filters(window, qtbot, dataset):
    items = window.show_list("action_item")
    assert items.filters.flag_box.text() == "Overdue only"
    qtbot.mouseClick(items.filters.flag_box, Qt.MouseButton.LeftButton)
    assert ids_shown(items) == [dataset.ids["a_overdue"]]
    assert window.count_label.text() == "1 of 4 action items"
    referrals = window.show_list("referral")
    assert referrals.filters.flag_box.text() == "Awaiting response only"
    referrals.filters.flag_box.setChecked(True)
    assert refs_shown(referrals) == [dataset.refs["r_npp"]]


def test_date_range_filter(window, qtbot, dataset):
    view = window.show_list("action_item")
    f = view.filters
    today = QDate.fromString(dataset.today.isoformat(), Qt.DateFormat.ISODate)
    f.date_from.setDate(today)
    f.date_to.setDate(today.addDays(30))
    assert len(ids_shown(view)) == 4  # the range applies only once ticked
    qtbot.mouseClick(f.date_box, Qt.MouseButton.LeftButton)
    assert ids_shown(view) == [dataset.ids["a_progress"]]
    f.date_from.setDate(today.addDays(-20))
    assert ids_shown(view) == [
        dataset.ids["a_overdue"],
        dataset.ids["a_done"],
        dataset.ids["a_progress"],
    ]


def test_show_archived(window, qtbot, dataset):
    view = window.show_list("referral")
    assert dataset.refs["r_takedown"] not in refs_shown(view)
    qtbot.mouseClick(view.filters.archived, Qt.MouseButton.LeftButton)
    assert len(refs_shown(view)) == 5
    col = view.model.column_of("reference")
    texts = [view.model.index(r, col).data() for r in range(5)]
    assert f"{dataset.refs['r_takedown']} (archived)" in texts


def test_more_filters_from_the_field_definitions(window, dataset):
    view = window.show_list("referral")
    menu = view.filters.more.menu()
    type_menu = next(a.menu() for a in menu.actions() if a.text() == "Type")
    financial = next(a for a in type_menu.actions() if a.text() == "Financial intelligence")
    financial.trigger()
    assert refs_shown(view) == [dataset.refs["r_launder"]]
    assert view.filters.more.text() == "More filters (1)"
    view.filters.clear()
    assert len(refs_shown(view)) == 4


# --- opening records ------------------------------------------------------------------------------


def double_click(qtbot, view, row: int) -> None:
    pos = view.table.visualRect(view.model.index(row, 1)).center()
    # QTest's double click alone does not set the pressed index of an item view
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_enter_and_double_click_open_a_record_once(window, qtbot, dataset):
    view = window.show_list("referral")
    row = refs_shown(view).index(dataset.refs["r_press"])
    view.select_row(row)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert window.tabs.count() == 1
    record = window.current_record_view()
    assert (record.type_key, record.record_id) == ("referral", dataset.ids["r_press"])
    assert window.tabs.tabText(0).startswith(dataset.refs["r_press"])
    double_click(qtbot, view, row)
    assert window.tabs.count() == 1  # the open tab is reused
    double_click(qtbot, view, refs_shown(view).index(dataset.refs["r_npp"]))
    assert window.tabs.count() == 2
    assert window.current_record_view().record_id == dataset.ids["r_npp"]


def test_ctrl_n_opens_an_empty_record_of_the_listed_kind(window, qtbot):
    window.show_list("action_item")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    record = window.current_record_view()
    assert record.type_key == "action_item" and record.record_id is None
    assert window.tabs.tabText(window.tabs.currentIndex()).lower().startswith("new action item")


def test_ctrl_s_saves_the_record_in_the_current_tab(window, qtbot, ctx, dataset):
    window.open_record("referral", dataset.ids["r_press"])
    record = window.current_record_view()
    edit = record.form.editors["title_en"].edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "Pill press export to Mexico")
    assert record.has_unsaved_changes()
    qtbot.keyClick(edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    ctx.ops.wait()
    qtbot.waitUntil(lambda: not record.has_unsaved_changes())
    with ctx.db.session() as s:
        assert related.get(s, "referral", dataset.ids["r_press"]).title_en == (
            "Pill press export to Mexico"
        )
    # the list refreshed from the change signal
    view = window.list_view("referral")
    col = view.model.column_of("title_en")
    titles = [view.model.index(r, col).data() for r in range(view.model.rowCount())]
    assert "Pill press export to Mexico" in titles


def test_closing_a_tab_with_unsaved_changes_asks_first(window, qtbot, dataset):
    window.open_record("referral", dataset.ids["r_press"])
    record = window.current_record_view()
    qtbot.keyClicks(record.form.editors["title_en"].edit, " (draft)")
    answer = ModalAnswer(QMessageBox.StandardButton.Cancel)
    assert window.close_tab(0) is False
    assert answer.texts and "not saved" in answer.texts[0]
    assert window.tabs.count() == 1
    discard = ModalAnswer(QMessageBox.StandardButton.Discard)
    assert window.close_tab(0) is True
    assert discard.texts
    assert window.tabs.count() == 0


def test_window_close_with_an_unsaved_record_asks_and_may_stay_open(window, qtbot, dataset):
    window.open_record("action_item", dataset.ids["a_joint"])
    record = window.current_record_view()
    qtbot.keyClicks(record.form.editors["title_en"].edit, " soon")
    answer = ModalAnswer(QMessageBox.StandardButton.Cancel)
    window.close()
    assert answer.texts, "closing did not ask about the unsaved record"
    assert window.isVisible()
    discard = ModalAnswer(QMessageBox.StandardButton.Discard)
    window.close()
    assert discard.texts
    assert not window.isVisible()


# --- refreshing ---------------------------------------------------------------------------------------


def test_a_change_refreshes_only_its_list_and_keeps_the_selection(window, qtbot, ctx, dataset):
    referrals = window.show_list("referral")
    items = window.show_list("action_item")
    row = ids_shown(items).index(dataset.ids["a_joint"])
    items.select_row(row)
    reads_before = referrals.model.queries_run
    ctx.ops.run(
        lambda: ctx.services.update(
            "action_item", dataset.ids["a_joint"], {"title_en": "Schedule the expert session"}, 1
        )
    )
    ctx.ops.wait()
    col = items.model.column_of("title_en")
    current = items.table.currentIndex()
    assert current.data(ID_ROLE) == dataset.ids["a_joint"]
    assert items.model.index(current.row(), col).data() == "Schedule the expert session"
    assert [i.row() for i in items.table.selectionModel().selectedRows()] == [current.row()]
    assert referrals.model.queries_run == reads_before  # the other list was not re-read


def test_a_refresh_keeps_the_scroll_position(window, qtbot, ctx, dataset):
    for i in range(150):
        ctx.services.create(
            "contact",
            {
                "title_en": f"Officer {i:03d}",
                "title_zh": f"警官{i:03d}",
                "agency_id": dataset.ids["dea"],
            },
        )
    view = window.show_list("contact")
    view.wait()
    target = view.model.index(100, 0)
    view.table.setCurrentIndex(target)
    view.table.scrollTo(target, view.table.ScrollHint.PositionAtTop)
    bar = view.table.verticalScrollBar()
    before, top = bar.value(), view.table.rowAt(0)
    assert before > 0
    record_id = target.data(ID_ROLE)
    ctx.ops.run(lambda: ctx.services.update("contact", record_id, {"phone": "+1 202 555 0100"}, 1))
    ctx.ops.wait()
    assert bar.value() == before
    assert view.table.rowAt(0) == top
    assert view.table.currentIndex().data(ID_ROLE) == record_id
    assert window.count_label.text() == "151 of 151 contacts"


def test_refresh_key_reads_again(window, qtbot, ctx, dataset):
    view = window.show_list("contact")
    view.wait()
    ctx.services.create(
        "contact", {"title_en": "Zhang Min", "title_zh": "张敏", "agency_id": dataset.ids["gacc"]}
    )
    assert view.model.rowCount() == 1  # written behind the window's back: no signal
    qtbot.keyClick(window, Qt.Key.Key_F5)
    view.wait()
    assert view.model.rowCount() == 2
    assert window.count_label.text() == "2 of 2 contacts"


# --- bulk status change -----------------------------------------------------------------------------


def select_ids(view, ids: list[int]) -> None:
    from PySide6.QtCore import QItemSelectionModel

    sel = view.table.selectionModel()
    sel.clearSelection()
    for row, record_id in enumerate(ids_shown(view)):
        if record_id in ids:
            sel.select(
                view.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )


def test_bulk_status_change_updates_the_list_and_writes_history(window, qtbot, ctx, dataset):
    view = window.show_list("action_item")
    assert not view.status_button.isEnabled()
    select_ids(view, [dataset.ids["a_overdue"], dataset.ids["a_joint"]])
    assert view.status_button.isEnabled()
    view.status_menu.aboutToShow.emit()
    offered = [a.text() for a in view.status_menu.actions()]
    assert offered == ["In progress", "Done", "Cancelled"]
    next(a for a in view.status_menu.actions() if a.text() == "In progress").trigger()
    dialog = view.bulk_dialog
    assert dialog is not None and "2 action items" in dialog.summary.text()
    qtbot.keyClicks(dialog.comment, "Agreed at the plenary")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    ctx.ops.wait()
    col = view.model.column_of("status")
    by_id = {
        view.model.index(r, 0).data(ID_ROLE): view.model.index(r, col).data()
        for r in range(view.model.rowCount())
    }
    assert by_id[dataset.ids["a_joint"]] == "In progress"
    assert by_id[dataset.ids["a_overdue"]] == "In progress — Overdue"
    with ctx.db.session() as s:
        for name in ("a_overdue", "a_joint"):
            last = related.history(s, "action_item", dataset.ids[name])[-1]
            assert (last.from_status, last.to_status) == ("open", "in_progress")
            assert last.comment == "Agreed at the plenary"
            assert last.changed_by == "tester"


def test_bulk_offers_only_what_every_selected_row_allows(window, dataset):
    view = window.show_list("action_item")
    select_ids(view, [dataset.ids["a_progress"], dataset.ids["a_done"]])
    assert view.bulk_targets(view.selected_rows()) == []
    view.status_menu.aboutToShow.emit()
    actions = view.status_menu.actions()
    assert len(actions) == 1 and not actions[0].isEnabled()
    referrals = window.show_list("referral")
    select_ids(referrals, [dataset.ids["r_npp"], dataset.ids["r_fentanyl"]])
    targets = [t.target for t in referrals.bulk_targets(referrals.selected_rows())]
    assert targets == ["acknowledged", "withdrawn"]  # "duplicate" needs a record to point to


def test_bulk_change_is_all_or_nothing(window, qtbot, ctx, dataset, monkeypatch):
    view = window.show_list("action_item")
    select_ids(view, [dataset.ids["a_overdue"], dataset.ids["a_joint"]])
    # someone else changes one of them after the list was read
    ctx.services.update("action_item", dataset.ids["a_joint"], {"owner_person": "Chen"}, 1)
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, _t, text, *a: warnings.append(text))
    )
    view.change_status("done")
    qtbot.mouseClick(
        view.bulk_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
        Qt.MouseButton.LeftButton,
    )
    ctx.ops.wait()
    assert warnings and "No row was changed" in warnings[0]
    with ctx.db.session() as s:
        assert related.get(s, "action_item", dataset.ids["a_overdue"]).status == "open"
        assert related.get(s, "action_item", dataset.ids["a_joint"]).status == "open"


# --- columns and settings -----------------------------------------------------------------------------


def test_column_chooser_hides_a_column_and_the_choice_persists(ctx, dataset, settings, qtbot):
    first = MainWindow(ctx, settings)
    qtbot.addWidget(first)
    view = first.show_list("referral")
    assert "releasability" in view.visible_columns()
    first.choose_columns()
    dialog = view.columns_dialog
    item = next(
        dialog.list.item(i)
        for i in range(dialog.list.count())
        if dialog.list.item(i).text() == "Releasability"
    )
    item.setCheckState(Qt.CheckState.Unchecked)
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    labels = [
        view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())
    ]
    assert "Releasability" not in labels
    first.close()

    from workinggroup_ui.settings import Settings

    second = MainWindow(ctx, Settings())
    qtbot.addWidget(second)
    again = second.show_list("referral")
    assert "releasability" not in again.visible_columns()
    assert again.visible_columns() == [c for c in view.visible_columns()]


def test_header_menu_adds_a_column(window):
    view = window.show_list("referral")
    view.wait()
    menu = view.column_menu()
    case = next(a for a in menu.actions() if a.text() == "Case")
    assert not case.isChecked()
    case.trigger()
    assert "case_id" in view.visible_columns()
    col = view.model.column_of("case_id")
    assert view.model.index(0, col).data().startswith("CASE-")


def test_window_layout_and_last_list_are_remembered(ctx, dataset, settings, qtbot):
    first = MainWindow(ctx, settings)
    qtbot.addWidget(first)
    first.show()
    first.show_list("meeting")
    first.splitter.setSizes([200, 900, 300])
    sizes = first.splitter.sizes()
    first.close()
    second = MainWindow(ctx, settings)
    qtbot.addWidget(second)
    assert second.splitter.sizes()[0] == sizes[0] == 200  # restored before it is shown
    second.show()
    assert second.current_list().rt.key == "meeting"
    assert settings.get(opts.LAST_DATABASE_URL) == ctx.db.url
    assert settings.get(opts.LANGUAGE) == ""  # still following the system: nothing chosen


def test_a_chosen_language_is_kept_for_the_next_start(window, settings):
    from workinggroup_ui.language import resolve_language

    answer = ModalAnswer(QMessageBox.StandardButton.Ok)
    window.language_actions["zh_CN"].trigger()
    assert answer.texts and "next time" in answer.texts[0]
    assert window.language_actions["zh_CN"].isChecked()
    assert not window.language_actions["en"].isChecked()
    assert resolve_language(None, settings) == "zh_CN"


def test_help_about_names_version_and_database(window, ctx):
    answer = ModalAnswer(QMessageBox.StandardButton.Ok)
    window.about()
    assert answer.texts and "Version" in answer.texts[0]


def test_today_is_used_for_overdue(dataset):
    # guard for the fixture: the overdue item is due before today, the joint one after
    assert dataset.today - timedelta(days=10) < dataset.today


# --- start-up: database, language, errors ------------------------------------------------------------


class ModalWatcher:
    """Hands each modal dialog of a given class to ``act`` (polling the event loop)."""

    def __init__(self, cls, act) -> None:
        self.cls, self.act, self.seen = cls, act, []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self) -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, self.cls) and w.isVisible() and w not in self.seen:
                self.seen.append(w)
                self.act(w)


def create_administrator():
    """Answer the set-up wizard of a new database: its administrator is "admin"."""
    from tests.ui.setup_helpers import SetupDriver, SetupValues

    return SetupDriver(SetupValues(username="admin", display_name="The Administrator")).attach()


def test_start_up_shows_the_window_then_opens_the_database(settings, qtbot, db_path):
    from workinggroup_ui.app import Starter

    window = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(window)
    window.show()
    assert window.placeholder.text() == "Opening the database…"
    assert not window.new_action.isEnabled()
    watcher = create_administrator()  # a new database
    codes: list[int] = []
    starter = Starter(
        window, database_url=str(db_path), demo=False, lang="en", on_fatal=codes.append
    )
    starter.start()
    qtbot.waitUntil(lambda: window.ctx is not None, timeout=20_000)
    assert watcher.seen
    assert window.current_list().rt.key == "referral"
    assert window.new_action.isEnabled()
    assert window.ctx.actor.role == "administrator"
    assert codes == []
    window.ctx.ops.wait()
    window.ctx.db.dispose()


def test_a_damaged_database_is_explained_without_a_traceback(settings, qtbot, tmp_path):
    from workinggroup_ui.app import Starter

    bad = tmp_path / "damaged.sqlite3"
    bad.write_bytes(b"this is not a database at all" * 100)
    window = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(window)
    window.show()
    answer = ModalAnswer(QMessageBox.StandardButton.Ok)
    codes: list[int] = []
    Starter(window, database_url=str(bad), demo=False, lang="en", on_fatal=codes.append).start()
    qtbot.waitUntil(lambda: codes == [2], timeout=20_000)
    assert answer.texts and "damaged" in answer.texts[0]
    assert "Traceback" not in answer.texts[0]
    assert "damaged" in window.placeholder.text()


@pytest.mark.slow
def test_demo_start_seeds_an_empty_demo_database_once(settings, qtbot):
    from workinggroup_ui.app import Starter, demo_database_url

    window = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(window)
    window.show()
    watcher = create_administrator()
    Starter(window, database_url=None, demo=True, lang="en", on_fatal=lambda c: None).start()
    qtbot.waitUntil(lambda: window.ctx is not None, timeout=120_000)
    assert watcher.seen and watcher.seen[0].findChild(QLabel, "demo_note") is not None
    assert window.ctx.db.url == demo_database_url()
    window.show_list("case").wait()
    assert window.current_list().model.rowCount() > 10
    window.ctx.ops.wait()
    window.ctx.db.dispose()


def test_language_comes_from_the_argument_then_the_settings(settings):
    from workinggroup_ui.language import resolve_language

    assert resolve_language("zh", settings) == "zh_CN"
    settings.set(opts.LANGUAGE, "zh_CN")
    assert resolve_language(None, settings) == "zh_CN"
    assert resolve_language("en", settings) == "en"


def test_chinese_loads_qts_own_translation(qapp):
    from PySide6.QtCore import QCoreApplication

    from workinggroup_ui.language import install_translators

    installed = install_translators(qapp, "zh_CN")
    try:
        assert installed, "qtbase_zh_CN.qm was not found"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)


def test_the_shipped_font_draws_chinese(qapp):
    from PySide6.QtGui import QFont, QFontMetrics

    from workinggroup_ui.app import register_fonts

    families = register_fonts()
    assert any("WenQuanYi" in f for f in families)
    metrics = QFontMetrics(QFont(families[0]))
    assert metrics.inFontUcs4(ord("芬")) and metrics.inFontUcs4(ord("禁"))


def test_unexpected_errors_reach_a_dialog_with_details_and_the_log(qtbot, tmp_path):
    import sys

    from workinggroup_ui.dialogs.error import ErrorDialog, install_excepthook, setup_logging

    log_file = setup_logging(tmp_path)
    previous = sys.excepthook
    install_excepthook()
    copied: list[str] = []

    def act(dialog: ErrorDialog) -> None:
        assert str(log_file) in dialog.log_label.text()
        dialog.copy_button.click()
        copied.append(QApplication.clipboard().text())
        dialog.reject()

    watcher = ModalWatcher(ErrorDialog, act)
    try:
        try:
            1 / 0  # noqa: B018
        except ZeroDivisionError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
    assert watcher.seen and "ZeroDivisionError" in watcher.seen[0].message_label.text()
    assert copied and "Traceback" in copied[0] and "1 / 0" in copied[0]
    assert "ZeroDivisionError" in log_file.read_text(encoding="utf-8")


def test_screenshots_of_every_list_record_and_the_search(ctx, dataset, db, tmp_path, cjk_font):
    from PySide6.QtGui import QImage

    from workinggroup_ui.tools.screenshot import take_screenshots

    shots = take_screenshots(tmp_path / "shots", lang="zh_CN", db=db)
    paths = [p for p in shots if "-setup-" not in p.name]  # the set-up wizard's come last
    names = [p.name for p in paths]
    assert len(names) == 18  # the dashboard, 8 lists, 8 records, the global search
    assert names[0] == "01-zh_CN-dashboard.png" and names[1] == "02-zh_CN-list-cases.png"
    assert names[-1] == "18-zh_CN-global-search.png"
    for path in paths[:-1]:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1400, 900), path.name
    search = QImage(str(paths[-1]))
    assert not search.isNull() and search.width() >= 600
    setup = {p.name: QImage(str(p)) for p in shots[len(paths) :]}
    assert "19-zh_CN-setup-location.png" in setup and "29-zh_CN-setup-finish.png" in setup
    for name in (
        "20-zh_CN-setup-location-1366x768.png",
        "24-zh_CN-setup-administrator-1366x768.png",
    ):
        assert (setup[name].width(), setup[name].height()) == (1366, 768), name
    assert all(not image.isNull() for image in setup.values())
