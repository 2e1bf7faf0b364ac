"""The main window: navigation, one list per record type, open records in tabs.

Start-up is fast because this module imports only Qt and the word tables: the window is
built and shown before the database layer (SQLAlchemy, Alembic) is imported. ``attach``
then receives the ``AppContext`` once the database is open, and the list views (which
need the database) are created lazily, on the first visit to each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from workinggroup_app.domain import vocabulary
from workinggroup_ui import settings as opts
from workinggroup_ui.settings import Settings
from workinggroup_ui.widgets import icons
from workinggroup_ui.window.actions import WindowActions
from workinggroup_ui.window.commands import WindowDialogs
from workinggroup_ui.window.navigation import DASHBOARD, NAV_KEYS, RECORD_TYPE_KEYS
from workinggroup_ui.window.tabs import RecordTabs, _default_record_view, _short_name

if TYPE_CHECKING:
    from workinggroup_app.domain.permissions import Actor
    from workinggroup_app.read.lists import ListSpec
    from workinggroup_app.services.core import Change
    from workinggroup_ui.context import AppContext
    from workinggroup_ui.dashboard.view import DashboardView
    from workinggroup_ui.dialogs.search import SearchDialog
    from workinggroup_ui.lists.view import ListView
    from workinggroup_ui.window.idle_lock import IdleLock

log = logging.getLogger(__name__)


class MainWindow(WindowActions, RecordTabs, WindowDialogs, QMainWindow):
    def __init__(
        self,
        ctx: AppContext | None = None,
        settings: Settings | None = None,
        *,
        lang: str | None = None,
        record_view_factory: Callable[[AppContext, str, int | None], QWidget] | None = None,
    ) -> None:
        super().__init__()
        self.ctx: AppContext | None = None
        self.settings = settings or Settings()
        self.lang = lang or (ctx.lang if ctx is not None else "en")
        self.record_view_factory = record_view_factory or _default_record_view
        self.list_views: dict[str, ListView] = {}
        self.search_dialog: SearchDialog | None = None
        self.dashboard: DashboardView | None = None
        self.idle_lock: IdleLock | None = None
        self.dialogs: dict[str, QDialog] = {}  # the open dialog of each menu action
        self.setObjectName("main_window")
        self.setWindowIcon(icons.icon("app"))
        self.setWindowTitle(self.tr("Counternarcotics Working Group"))
        self.resize(1400, 900)

        # navigation | lists | open records
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        home = QListWidgetItem(icons.icon(DASHBOARD), self.tr("Dashboard"))
        home.setData(Qt.ItemDataRole.UserRole, DASHBOARD)
        self.nav.addItem(home)
        for key in RECORD_TYPE_KEYS:
            item = QListWidgetItem(
                icons.icon(key), vocabulary.word("record_type_plural", key, self.lang)
            )
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        self.nav.setMinimumWidth(120)
        self.nav.currentRowChanged.connect(self._nav_changed)

        self.stack = QStackedWidget()
        self.stack.setObjectName("lists")
        self.placeholder = QLabel(self.tr("Opening the database…"))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setTextFormat(Qt.TextFormat.PlainText)
        self.stack.addWidget(self.placeholder)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("records")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._update_actions)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.tabs)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        # an open record needs room for its English and Chinese columns side by side
        self.splitter.setSizes([170, 540, 690])
        self.setCentralWidget(self.splitter)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._restore_window()
        self.tabs.setVisible(False)
        self._update_actions()
        if ctx is not None:
            self.attach(ctx)

    # --- building ------------------------------------------------------------------------------

    def _restore_window(self) -> None:
        geometry = self.settings.get(opts.WINDOW_GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        state = self.settings.get(opts.WINDOW_STATE)
        if state:
            self.restoreState(QByteArray(state))
        splitter = self.settings.get(opts.SPLITTER_STATE)
        if splitter:
            self.splitter.restoreState(QByteArray(splitter))

    # --- the database arrives ------------------------------------------------------------------

    def attach(self, ctx: AppContext) -> None:
        """The database is open: show the lists."""
        self.ctx = ctx
        self.lang = ctx.lang
        ctx.ops.changed.connect(self.on_change)
        ctx.ops.busy_changed.connect(self.set_busy)
        self.db_label.setText(ctx.db.display_name)
        self.db_label.setToolTip(ctx.db.display_name)
        self.setWindowTitle(
            self.tr("Counternarcotics Working Group — %1").replace("%1", _short_name(ctx))
        )
        self._make_dashboard(ctx)
        last = self.settings.get(opts.LAST_RECORD_TYPE)
        if last == DASHBOARD:
            self.show_dashboard()
        else:
            self.show_list(last if last in RECORD_TYPE_KEYS else "referral")
            # the dashboard notes this visit (and what became overdue since the last) now
            assert self.dashboard is not None
            self.dashboard.refresh()
        self._update_actions()

    def _make_dashboard(self, ctx: AppContext) -> None:
        from workinggroup_ui.dashboard.view import DashboardView

        # in a scroll area, so its tiles never make the window wider than the screen
        self.dashboard_page = QScrollArea(self.stack)
        self.dashboard_page.setObjectName("dashboard_page")
        self.dashboard_page.setWidgetResizable(True)
        self.dashboard_page.setFrameShape(QFrame.Shape.NoFrame)
        self.dashboard = DashboardView(ctx, self.settings)
        self.dashboard.open_list.connect(self.open_dashboard_list)
        self.dashboard.notice.installEventFilter(self)
        self.dashboard_page.setWidget(self.dashboard)
        self.stack.addWidget(self.dashboard_page)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        dashboard = self.dashboard
        if (
            dashboard is not None
            and watched is dashboard.notice
            and event.type() == QEvent.Type.ShowToParent
        ):
            # what became overdue since the last visit, whichever view is on screen
            self.statusBar().showMessage(dashboard.notice_text.text(), 30_000)
        return super().eventFilter(watched, event)

    def show_dashboard(self) -> DashboardView | None:
        if self.ctx is None or self.dashboard is None:
            return None
        if self.nav.currentRow() != 0:
            self.nav.setCurrentRow(0)  # comes back through _nav_changed
            return self.dashboard
        self.stack.setCurrentWidget(self.dashboard_page)
        self.settings.set(opts.LAST_RECORD_TYPE, DASHBOARD)
        self.update_status()
        self._update_actions()
        return self.dashboard

    def open_dashboard_list(self, spec: ListSpec) -> ListView | None:
        """A dashboard figure was clicked: its record type's list, showing exactly its records."""
        view = self.show_list(spec.record_type)
        if view is not None:
            view.show_spec(spec)
        return view

    def show_message(self, text: str) -> None:
        """A message in place of the lists (before the database is open, or if it cannot be)."""
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)

    # --- lists ---------------------------------------------------------------------------------

    def list_view(self, type_key: str) -> ListView:
        """The list of one record type, created on first use."""
        view = self.list_views.get(type_key)
        if view is None:
            if self.ctx is None:
                raise RuntimeError("no database is open")
            from workinggroup_ui.lists.view import ListView

            view = ListView(self.ctx, type_key, self.settings, self.stack)
            view.open_record.connect(self.open_record)
            view.new_record.connect(self.new_record)
            view.counts_changed.connect(self.update_status)
            self.stack.addWidget(view)
            self.list_views[type_key] = view
        return view

    def current_list(self) -> ListView | None:
        widget = self.stack.currentWidget()
        return widget if widget in self.list_views.values() else None  # type: ignore[return-value]

    def current_type(self) -> str:
        view = self.current_list()
        return view.rt.key if view is not None else "referral"

    def show_list(self, type_key: str) -> ListView | None:
        if self.ctx is None:
            return None
        row = NAV_KEYS.index(type_key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # comes back through _nav_changed
            return self.list_views.get(type_key)
        view = self.list_view(type_key)
        self.stack.setCurrentWidget(view)
        self.settings.set(opts.LAST_RECORD_TYPE, type_key)
        self.update_status()
        self._update_actions()
        return view

    def _nav_changed(self, row: int) -> None:
        if not (0 <= row < len(NAV_KEYS)) or self.ctx is None:
            return
        if NAV_KEYS[row] == DASHBOARD:
            self.show_dashboard()
        else:
            self.show_list(NAV_KEYS[row])

    def update_status(self) -> None:
        view = self.current_list()
        self.count_label.setText(view.status_text() if view is not None else "")

    def on_change(self, change: Change) -> None:
        """One signal routes every refresh: each created list decides if it cares."""
        for view in self.list_views.values():
            view.on_change(change)
        self.update_status()

    def refresh(self) -> None:
        view = self.current_list()
        if view is not None:
            view.refresh()

    def focus_list_search(self) -> None:
        view = self.current_list()
        if view is not None:
            view.focus_search()

    def choose_columns(self) -> None:
        view = self.current_list()
        if view is not None:
            view.choose_columns()

    # --- records in tabs -----------------------------------------------------------------------

    # --- dialogs of the menus -------------------------------------------------------------------

    # --- idle lock ------------------------------------------------------------------------------

    def start_idle_lock(self, minutes: float) -> IdleLock | None:
        """Lock the window after ``minutes`` without input (after sign-in; 0 = never)."""
        if self.ctx is None or self.idle_lock is not None:
            return self.idle_lock
        from workinggroup_ui.window.idle_lock import IdleLock

        ctx = self.ctx
        # 0 minutes: no automatic lock (File > Lock still works)
        lock = IdleLock(self, ctx.db, ctx.actor, minutes=max(0.0, minutes), lang=ctx.lang)
        lock.unlocked.connect(self.on_unlocked)
        lock.sign_out_requested.connect(self.close)
        self.idle_lock = lock
        self._update_actions()
        return lock

    def lock_now(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.lock()

    def on_unlocked(self, actor: Actor) -> None:
        """Signed in again after the lock: the account's role may have changed meanwhile."""
        if self.ctx is None:
            return
        from workinggroup_app.services.records import Services

        self.ctx.actor = actor
        self.ctx.services = Services(self.ctx.db, actor)
        self._update_actions()

    # --- search, about, language -------------------------------------------------------------

    # --- closing --------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        for view in self.record_views():
            if hasattr(view, "maybe_close"):
                self.tabs.setCurrentWidget(view)
                if not view.maybe_close():
                    event.ignore()
                    return
        if self.idle_lock is not None:
            self.idle_lock.stop()
        for dialog in list(self.dialogs.values()):
            dialog.close()
        self.save_settings()
        if self.ctx is not None:
            self.ctx.ops.wait(10_000)
            self._sign_audit_trail()
        event.accept()
        super().closeEvent(event)

    def _sign_audit_trail(self) -> None:
        """The audit chain signed as this session leaves it; a failure must not keep the
        window open (the next checkpoint covers these events too), so it is logged only."""
        try:
            self.ctx.services.sign_audit("quit")
        except Exception:
            log.exception("could not sign the audit trail at quit")

    def save_settings(self) -> None:
        self.settings.set(opts.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(opts.WINDOW_STATE, bytes(self.saveState().data()))
        self.settings.set(opts.SPLITTER_STATE, bytes(self.splitter.saveState().data()))
        if self.ctx is not None:
            self.settings.set(opts.LAST_DATABASE_URL, self.ctx.db.url)
        # The language is stored only when chosen (View > Language, Preferences): "" keeps
        # following the system, and --lang for one run does not become the default.
        self.settings.sync()
