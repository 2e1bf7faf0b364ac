"""The main window reaches every widget: the dashboard, the menus' dialogs, sign-in, the lock.

Each test drives the real window (pytest-qt, offscreen) the way a user would: a click on a
navigation entry or a tile, a menu action found by its object name and triggered.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from ui import settings as opts
from ui.dashboard import DashboardView, last_visit_option
from ui.main_window import MainWindow
from workinggroup_app import queries

PASSWORD = "correct horse battery"


def make_window(ctx, settings, qtbot) -> MainWindow:
    w = MainWindow(ctx, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def window(ctx, dataset, settings, qtbot):
    w = make_window(ctx, settings, qtbot)
    yield w
    ctx.ops.wait()
    w.close()


def count(ctx, spec) -> int:
    with ctx.db.session() as s:
        return queries.count_rows(s, spec)


def click_nav(window, qtbot, row: int) -> None:
    rect = window.nav.visualItemRect(window.nav.item(row))
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


# --- the dashboard -------------------------------------------------------------------------------


def test_the_dashboard_is_the_first_navigation_entry(window, qtbot, settings):
    assert window.nav.item(0).text() == "Dashboard"
    click_nav(window, qtbot, 0)
    assert isinstance(window.dashboard, DashboardView)
    assert window.stack.currentWidget() is window.dashboard_page
    assert window.dashboard.isVisible()
    assert window.current_list() is None
    assert not window.export_action.isEnabled()  # no list on screen to export
    assert settings.get(opts.LAST_RECORD_TYPE) == "dashboard"
    again = MainWindow(window.ctx, settings)  # the next start opens on the dashboard
    qtbot.addWidget(again)
    assert again.nav.currentRow() == 0


def test_a_dashboard_tile_opens_its_list_with_the_same_count(window, qtbot, ctx):
    click_nav(window, qtbot, 0)
    dash = window.dashboard
    qtbot.waitUntil(lambda: dash.data is not None, timeout=20_000)
    dash.wait()
    tile = dash.tiles["overdue"]
    assert tile.figure is not None and tile.figure.count >= 1
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    view = window.current_list()
    assert view is not None and view.rt.key == tile.figure.spec.record_type
    view.wait()
    assert view.model.rowCount() == tile.figure.count == count(ctx, view.current_spec())
    assert view.current_spec() == tile.figure.spec
    assert view.external_bar.isVisible()
    assert window.count_label.text().startswith(f"{tile.figure.count} of ")
    assert "dashboard filter" in window.count_label.text()
    # "Show all" goes back to the whole list
    qtbot.mouseClick(view.external_clear, Qt.MouseButton.LeftButton)
    view.wait()
    assert not view.external_bar.isVisible()
    assert view.model.rowCount() == count(ctx, queries.ListSpec(view.rt.key))


def test_every_tile_opens_a_list_of_its_number(window, qtbot, ctx):
    window.show_dashboard()
    dash = window.dashboard
    qtbot.waitUntil(lambda: dash.data is not None, timeout=20_000)
    for fig in dash.data.tiles:
        if fig.unit != "count":
            continue
        window.open_dashboard_list(fig.spec)
        view = window.current_list()
        view.wait()
        assert view.model.rowCount() == fig.count, fig.key


def test_touching_a_filter_leaves_the_dashboard_selection(window, qtbot, ctx):
    window.show_dashboard()
    dash = window.dashboard
    qtbot.waitUntil(lambda: dash.data is not None, timeout=20_000)
    view = window.open_dashboard_list(dash.tiles["overdue"].figure.spec)
    view.wait()
    view.filters.archived.setChecked(True)
    view.wait()
    assert not view.external_bar.isVisible()
    everything = queries.ListSpec(view.rt.key, include_archived=True)
    assert view.model.rowCount() == count(ctx, everything)


def test_start_up_tells_what_became_overdue_since_the_last_visit(ctx, dataset, settings, qtbot):
    previous = datetime.now(UTC) - timedelta(days=30)
    settings.set(last_visit_option(ctx.actor.username), previous.isoformat())
    w = make_window(ctx, settings, qtbot)  # opens on the referral list, not the dashboard
    assert w.current_list().rt.key == "referral"
    qtbot.waitUntil(lambda: w.dashboard.visit is not None, timeout=20_000)
    message = w.statusBar().currentMessage()
    assert "Since your last visit" in message and "became overdue" in message
    assert w.dashboard.notice.isVisibleTo(w.dashboard)  # and on the dashboard, dismissable
    ctx.ops.wait()
    w.close()
