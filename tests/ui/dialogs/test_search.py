"""Global search (Ctrl+K): English, Chinese of one, two and three characters; Enter opens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from workinggroup_ui.window.main_window import MainWindow


@pytest.fixture
def window(ctx, dataset, settings, qtbot):
    w = MainWindow(ctx, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    ctx.ops.wait()


def open_search(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts reach the active window only
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = window.search_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.query.hasFocus)
    return dialog


def groups(dialog) -> dict[str, list[str]]:
    tree = dialog.results
    out = {}
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        out[group.text(0)] = [group.child(j).text(0) for j in range(group.childCount())]
    return out


def test_english_search_is_grouped_by_type_and_enter_opens(window, qtbot, dataset):
    dialog = open_search(window, qtbot)
    qtbot.keyClicks(dialog.query, "precursor")
    qtbot.waitUntil(lambda: dialog.hit_count > 0)
    found = groups(dialog)
    assert sorted(found["Referrals (2)"]) == sorted(
        [dataset.refs["r_npp"], dataset.refs["r_fentanyl"]]
    )
    assert found["Cases (1)"] == [dataset.refs["case"]]
    assert found["Meetings (1)"] == [dataset.refs["meeting"]]
    # the first hit is current; Down moves to the next one, across group headers
    first = dialog.current_hit()
    assert first == ("case", dataset.ids["case"])
    qtbot.keyClick(dialog.query, Qt.Key.Key_Down)
    assert dialog.current_hit()[0] == "referral"
    qtbot.keyClick(dialog.query, Qt.Key.Key_Up)
    assert dialog.current_hit() == first
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    record = window.current_record_view()
    assert (record.type_key, record.record_id) == ("case", dataset.ids["case"])


@pytest.mark.parametrize(
    ("text", "name"),
    [("压", "r_press"), ("洗钱", "r_launder"), ("芬太尼", "r_fentanyl")],
    ids=["one-character", "two-characters", "three-characters"],
)
def test_chinese_search_of_any_length(window, qtbot, dataset, type_text, text, name):
    dialog = open_search(window, qtbot)
    type_text(dialog.query, text)
    qtbot.waitUntil(lambda: dialog.hit_count > 0)
    assert groups(dialog) == {"Referrals (1)": [dataset.refs[name]]}
    qtbot.keyClick(dialog.query, Qt.Key.Key_Enter)
    record = window.current_record_view()
    assert (record.type_key, record.record_id) == ("referral", dataset.ids[name])


def test_pinyin_finds_a_chinese_company_name(window, qtbot, dataset):
    dialog = open_search(window, qtbot)
    qtbot.keyClicks(dialog.query, "yuanfeng")
    qtbot.waitUntil(lambda: dialog.hit_count > 0)
    assert groups(dialog) == {"Entities (1)": [dataset.refs["entity"]]}


def test_nothing_found_says_so_and_enter_does_nothing(window, qtbot):
    dialog = open_search(window, qtbot)
    qtbot.keyClicks(dialog.query, "zzzzqqq")
    dialog.flush()
    assert dialog.hit_count == 0
    assert "Nothing found" in dialog.summary.text()
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert window.tabs.count() == 0


def test_escape_closes_the_search(window, qtbot):
    dialog = open_search(window, qtbot)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_reopening_keeps_the_last_query_selected(window, qtbot):
    dialog = open_search(window, qtbot)
    qtbot.keyClicks(dialog.query, "lab")
    dialog.flush()
    qtbot.keyClick(dialog.query, Qt.Key.Key_Escape)
    again = open_search(window, qtbot)
    assert again is dialog
    assert again.query.selectedText() == "lab"
