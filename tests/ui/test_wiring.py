"""The main window reaches every widget: the dashboard, the menus' dialogs, sign-in, the lock.

Each test drives the real window (pytest-qt, offscreen) the way a user would: a click on a
navigation entry or a tile, a menu action found by its object name and triggered.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import make_ctx
from workinggroup_app.read import lists
from workinggroup_ui import settings as opts
from workinggroup_ui.dashboard.view import DashboardView, last_visit_option
from workinggroup_ui.window.main_window import MainWindow

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
        return lists.count_rows(s, spec)


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
    assert view.model.rowCount() == count(ctx, lists.ListSpec(view.rt.key))


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
    everything = lists.ListSpec(view.rt.key, include_archived=True)
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


# --- the menus' dialogs ----------------------------------------------------------------------


def menu_action(window, name: str):
    """The action of that object name in the menu bar's menus (None if not in a menu)."""
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None:
            continue
        for action in menu.actions():
            if action.objectName() == f"action_{name}":
                return action, top
    return None


def shown_dialog(cls):
    for w in QApplication.topLevelWidgets():
        if isinstance(w, cls) and w.isVisible():
            return w
    return None


def dialog_classes():
    from workinggroup_ui.dialogs.audit_trail import AuditViewerDialog
    from workinggroup_ui.dialogs.exchange import ExchangeDialog
    from workinggroup_ui.dialogs.export import ExportDialog
    from workinggroup_ui.dialogs.import_sheet import ImportDialog
    from workinggroup_ui.dialogs.preferences import PreferencesDialog
    from workinggroup_ui.dialogs.users import UserAdminDialog

    return {
        "export_list": ExportDialog,
        "import": ImportDialog,
        "exchange": ExchangeDialog,
        "preferences": PreferencesDialog,
        "audit_trail": AuditViewerDialog,
        "users": UserAdminDialog,
    }


@pytest.mark.parametrize(
    "name", ["export_list", "import", "exchange", "preferences", "audit_trail", "users"]
)
def test_each_menu_action_opens_its_dialog(window, qtbot, name):
    cls = dialog_classes()[name]
    found = menu_action(window, name)
    assert found is not None, f"{name} is not in a menu"
    action, top = found
    assert action.isVisible() and action.isEnabled() and top.isVisible()
    action.trigger()
    qtbot.waitUntil(lambda: shown_dialog(cls) is not None, timeout=5000)
    dialog = shown_dialog(cls)
    assert dialog.parent() is window
    action.trigger()  # a second time: the same dialog comes forward, no second one
    assert sum(isinstance(w, cls) and w.isVisible() for w in QApplication.topLevelWidgets()) == 1
    dialog.close()
    qtbot.waitUntil(lambda: shown_dialog(cls) is None, timeout=5000)


def test_export_list_uses_the_filter_of_the_list_on_screen(window, qtbot):
    from workinggroup_ui.dialogs.export import ExportDialog

    view = window.show_list("action_item")
    view.filters.flag_box.setChecked(True)
    view.wait()
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shown_dialog(ExportDialog) is not None, timeout=5000)
    dialog = shown_dialog(ExportDialog)
    assert dialog.spec == view.current_spec() and dialog.spec.flag
    dialog.close()


@pytest.mark.parametrize(
    ("role", "audit", "users", "importing"),
    [
        ("administrator", True, True, True),
        ("manager", True, False, True),
        ("coordinator", False, False, True),
        ("viewer", False, False, False),
    ],
)
def test_tools_follow_the_role(db, settings, qtbot, role, audit, users, importing):
    ctx = make_ctx(db, role=role)
    w = make_window(ctx, settings, qtbot)
    assert menu_action(w, "audit_trail")[0].isVisible() is audit
    assert menu_action(w, "users")[0].isVisible() is users
    assert w.tools_menu.menuAction().isVisible() is (audit or users)
    assert menu_action(w, "import")[0].isEnabled() is importing
    if not audit:
        assert w.open_audit_trail() is None  # not even by calling the slot
    ctx.ops.wait()
    w.close()


# --- logs and crash reports ----------------------------------------------------------------


def test_an_unexpected_error_writes_a_crash_report_and_shows_where(qtbot, tmp_path):
    import sys

    from workinggroup_app.support import logs
    from workinggroup_ui.dialogs import error

    log_file = error.setup_logging(tmp_path / "logs")
    assert error.log_path() == log_file == tmp_path / "logs" / logs.LOG_FILE_NAME
    before = set(logs.crash_reports())
    seen: list[error.ErrorDialog] = []

    def answer() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, error.ErrorDialog) and w.isVisible() and w not in seen:
                seen.append(w)
                w.copy_button.click()
                w.reject()

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(20)
    previous = sys.excepthook
    error.install_excepthook()
    try:
        try:
            raise RuntimeError("a bug nobody expected")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
        timer.stop()
    new = sorted(set(logs.crash_reports()) - before)
    assert len(new) == 1
    assert "a bug nobody expected" in new[0].read_text(encoding="utf-8")
    dialog = seen[0]
    assert dialog.report_label.text() == f"Crash report: {new[0]}"
    copied = QApplication.clipboard().text()
    assert f"Crash report: {new[0]}" in copied and "RuntimeError" in copied


def test_the_desktop_file_name_matches_the_installed_desktop_entry():
    from pathlib import Path

    from workinggroup_ui.app import DESKTOP_FILE_NAME

    linux = Path(__file__).resolve().parents[2] / "packaging" / "linux"
    assert (linux / f"{DESKTOP_FILE_NAME}.desktop").exists()


# --- sign-in and the idle lock ---------------------------------------------------------------


class Dialogs:
    """Hands each new visible dialog of ``cls`` to ``act`` (polling the event loop)."""

    def __init__(self, cls, act) -> None:
        self.cls, self.act, self.seen = cls, act, []
        self.timer = QTimer()
        self.timer.timeout.connect(self._poll)
        self.timer.start(20)

    def _poll(self) -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, self.cls) and w.isVisible() and w not in self.seen:
                self.seen.append(w)
                self.act(w)

    def stop(self) -> None:
        self.timer.stop()


def start(settings, qtbot, url, codes=None, *, demo=False):
    from workinggroup_ui.app import Starter

    window = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(window)
    window.show()
    codes = codes if codes is not None else []
    starter = Starter(window, database_url=url, demo=demo, lang="en", on_fatal=codes.append)
    starter.start()
    return window, starter


def finish(window) -> None:
    if window.ctx is not None:
        window.ctx.ops.wait()
        window.close()
        window.ctx.db.dispose()


def test_the_first_start_creates_the_administrator_who_then_works(settings, qtbot, db_path):
    from tests.ui.setup_helpers import SetupDriver

    dialogs = SetupDriver().attach()  # the set-up wizard: alice, Alice Smith, PASSWORD
    window, _starter = start(settings, qtbot, str(db_path))
    qtbot.waitUntil(lambda: window.ctx is not None, timeout=20_000)
    dialogs.stop()
    assert len(dialogs.seen) == 1
    assert window.ctx.actor.username == "alice"
    assert window.ctx.actor.role == "administrator"
    assert window.ctx.services.actor == window.ctx.actor
    view = window.current_list()
    view.wait()
    assert view is not None and view.isVisible()  # the data is shown, after sign-in
    assert menu_action(window, "users")[0].isVisible()
    assert window.idle_lock is not None and window.lock_action.isEnabled()
    finish(window)


def test_no_record_is_shown_before_sign_in_and_cancelling_quits(settings, qtbot, db_path):
    from workinggroup_ui.dialogs.setup_wizard import SetupWizard

    states: list[tuple[object, bool]] = []

    def cancel(dialog) -> None:
        states.append((window.ctx, window.stack.currentWidget() is window.placeholder))
        dialog.reject()

    dialogs = Dialogs(SetupWizard, cancel)
    codes: list[int] = []
    window, _starter = start(settings, qtbot, str(db_path), codes)
    qtbot.waitUntil(lambda: codes == [0], timeout=20_000)
    dialogs.stop()
    assert states == [(None, True)]
    assert window.ctx is None and not window.list_views


def test_a_second_start_asks_for_the_password(settings, qtbot, db_path):
    from workinggroup_app.services import users
    from workinggroup_app.storage.database import open_database
    from workinggroup_ui.dialogs.setup_wizard import SetupWizard
    from workinggroup_ui.dialogs.sign_in import SignInDialog

    db = open_database(str(db_path))
    users.create_first_administrator(db, "alice", PASSWORD, "Alice Smith")
    db.dispose()
    errors: list[str] = []

    def answer(dialog) -> None:
        assert dialog.username.text()  # offered: the operating-system user's name
        dialog.username.setText("alice")
        dialog.password.setText("not the password")
        dialog.sign_in_button.click()
        errors.append(dialog.error.text())
        dialog.password.setText(PASSWORD)
        dialog.sign_in_button.click()

    first_run = Dialogs(SetupWizard, lambda d: d.reject())
    dialogs = Dialogs(SignInDialog, answer)
    window, _starter = start(settings, qtbot, str(db_path))
    qtbot.waitUntil(lambda: window.ctx is not None, timeout=20_000)
    dialogs.stop()
    first_run.stop()
    assert not first_run.seen and len(dialogs.seen) == 1
    assert errors and errors[0]
    assert window.ctx.actor.username == "alice"
    finish(window)


def test_the_lock_hides_the_window_and_the_password_brings_it_back(settings, qtbot, db_path):
    from tests.ui.setup_helpers import SetupDriver

    settings.set(opts.IDLE_MINUTES, 5)
    dialogs = SetupDriver().attach()
    window, _starter = start(settings, qtbot, str(db_path))
    qtbot.waitUntil(lambda: window.ctx is not None, timeout=20_000)
    dialogs.stop()
    lock = window.idle_lock
    assert lock.watcher.minutes == 5
    window.lock_action.trigger()
    assert lock.is_locked and not window.splitter.isVisible()
    old_actor = window.ctx.actor
    assert lock.try_unlock(PASSWORD)
    assert not lock.is_locked and window.splitter.isVisible()
    assert window.ctx.actor == old_actor and window.ctx.services.actor is window.ctx.actor
    finish(window)
    assert lock.watcher.timer.isActive() is False  # closing stops the lock


def test_the_idle_minutes_option_is_the_lock_modules(settings):
    from workinggroup_ui.window import idle_lock

    assert opts.IDLE_MINUTES == idle_lock.IDLE_MINUTES
    assert opts.IDLE_MINUTES in opts.OPTIONS
    assert settings.get(opts.IDLE_MINUTES) == idle_lock.DEFAULT_MINUTES


# --- in Chinese ----------------------------------------------------------------------------------


def test_the_new_entries_and_menus_are_chinese(zh_ctx, dataset, settings, qtbot, tmp_path):
    from PySide6.QtCore import QCoreApplication, QTranslator

    from tests.ui.test_i18n import TS
    from workinggroup_ui.i18n_build import compile_ts

    qm = tmp_path / "workinggroup_zh_CN.qm"
    assert compile_ts(TS, qm)
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    try:
        w = make_window(zh_ctx, settings, qtbot)
        assert w.nav.item(0).text() == "仪表板"
        assert w.tools_menu.title() == "工具(&T)"
        assert menu_action(w, "export_list")[0].text() == "导出列表(&E)…"
        assert menu_action(w, "preferences")[0].text() == "首选项(&P)…"
        zh_ctx.ops.wait()
        w.close()
    finally:
        QCoreApplication.removeTranslator(translator)
