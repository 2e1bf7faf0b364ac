"""The main window: navigation, one list per record type, open records in tabs.

Start-up is fast because this module imports only Qt and the word tables: the window is
built and shown before the database layer (SQLAlchemy, Alembic) is imported. ``attach``
then receives the ``AppContext`` once the database is open, and the list views (which
need the database) are created lazily, on the first visit to each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QWidget,
)
from workinggroup_ui import settings as opts
from workinggroup_ui.language import LANGUAGES
from workinggroup_ui.settings import Settings
from workinggroup_ui.widgets import icons

from workinggroup_app.domain import vocabulary

if TYPE_CHECKING:
    from workinggroup_ui.context import AppContext
    from workinggroup_ui.dashboard.view import DashboardView
    from workinggroup_ui.dialogs.search import SearchDialog
    from workinggroup_ui.lists.view import ListView
    from workinggroup_ui.window.idle_lock import IdleLock

    from workinggroup_app.domain.permissions import Actor
    from workinggroup_app.read.lists import ListSpec
    from workinggroup_app.services.core import Change

log = logging.getLogger(__name__)

# The navigation order; keys as in fields.RECORD_TYPES (read from the word table so this
# module does not import the database layer).
RECORD_TYPE_KEYS: tuple[str, ...] = tuple(vocabulary.keys("record_type_plural"))
DASHBOARD = "dashboard"
# The navigation entries: the dashboard (the home view), then one list per record type.
NAV_KEYS: tuple[str, ...] = (DASHBOARD, *RECORD_TYPE_KEYS)


class RecordViewLike(Protocol):
    """What the main window needs of a record view (ui/forms/record_view.py)."""

    record_id: int | None
    type_key: str

    def has_unsaved_changes(self) -> bool: ...
    def maybe_close(self) -> bool: ...
    def save(self) -> None: ...


def _default_record_view(ctx: AppContext, type_key: str, record_id: int | None) -> QWidget:
    from workinggroup_ui.forms.record_view import RecordView

    return RecordView(ctx, type_key, record_id)


class MainWindow(QMainWindow):
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

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: str | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if icon:
            action.setIcon(icons.icon(icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            self.tr("&New record"),
            self.new_record,
            QKeySequence.StandardKey.New,
            "new",
            self.tr("Create a record of the kind shown in the list (Ctrl+N)"),
        )
        self.save_action = self._action(
            self.tr("&Save"),
            self.save_current,
            QKeySequence.StandardKey.Save,
            "save",
            self.tr("Save the record in the current tab (Ctrl+S)"),
        )
        self.close_tab_action = self._action(
            self.tr("&Close record"), self.close_current_tab, QKeySequence.StandardKey.Close
        )
        self.quit_action = self._action(self.tr("&Quit"), self.close, "Ctrl+Q", "quit")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.find_action = self._action(
            self.tr("Search in &list"),
            self.focus_list_search,
            QKeySequence.StandardKey.Find,
            "search",
            self.tr("Filter the current list by text (Ctrl+F)"),
        )
        self.global_search_action = self._action(
            self.tr("&Global search…"),
            self.global_search,
            "Ctrl+K",
            "global_search",
            self.tr("Search every kind of record (Ctrl+K)"),
        )
        self.refresh_action = self._action(
            self.tr("&Refresh"),
            self.refresh,
            QKeySequence.StandardKey.Refresh,
            "refresh",
            self.tr("Read the current list again (F5)"),
        )
        if self.refresh_action.shortcut() != QKeySequence("F5"):
            self.refresh_action.setShortcuts([self.refresh_action.shortcut(), QKeySequence("F5")])
        self.columns_action = self._action(
            self.tr("&Columns…"),
            self.choose_columns,
            None,
            "columns",
            self.tr("Choose the columns of the current list"),
        )
        self.about_action = self._action(self.tr("&About"), self.about, None, "about")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.export_action = self._named(
            self._action(
                self.tr("&Export list…"),
                self.export_list,
                "Ctrl+E",
                "export",
                self.tr("Save the current list, as filtered, to CSV or Excel (Ctrl+E)"),
            ),
            "export_list",
        )
        self.import_action = self._named(
            self._action(
                self.tr("&Import…"),
                self.import_records,
                None,
                "import",
                self.tr("Add records from a spreadsheet"),
            ),
            "import",
        )
        self.exchange_action = self._named(
            self._action(
                self.tr("E&xchange packages…"),
                self.exchange_packages,
                None,
                "exchange",
                self.tr("Send or receive a signed package of records with the counterpart"),
            ),
            "exchange",
        )
        self.lock_action = self._named(
            self._action(self.tr("&Lock"), self.lock_now, "Ctrl+L", "lock"), "lock"
        )
        self.preferences_action = self._named(
            self._action(self.tr("&Preferences…"), self.open_preferences, None, "preferences"),
            "preferences",
        )
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.audit_action = self._named(
            self._action(self.tr("&Audit trail…"), self.open_audit_trail, None, "audit"),
            "audit_trail",
        )
        self.users_action = self._named(
            self._action(self.tr("&Users…"), self.open_users, None, "users"), "users"
        )
        self.go_actions: dict[str, QAction] = {}
        self.dashboard_action = self._action(
            self.tr("Dashboard"), self.show_dashboard, "Alt+0", DASHBOARD
        )
        for n, key in enumerate(RECORD_TYPE_KEYS, start=1):
            action = self._action(
                vocabulary.word("record_type_plural", key, self.lang),
                lambda key=key: self.show_list(key),
                f"Alt+{n}",
                key,
            )
            self.go_actions[key] = action
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES:
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(self.lang == code)
            action.triggered.connect(lambda _c=False, code=code: self.choose_language(code))
            self.language_actions[code] = action

    @staticmethod
    def _named(action: QAction, name: str) -> QAction:
        action.setObjectName(f"action_{name}")
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.close_tab_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.exchange_action)
        file_menu.addSeparator()
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.global_search_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences_action)
        view_menu = bar.addMenu(self.tr("&View"))
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.columns_action)
        view_menu.addSeparator()
        lang_menu = view_menu.addMenu(self.tr("&Language"))
        for action in self.language_actions.values():
            lang_menu.addAction(action)
        go_menu = bar.addMenu(self.tr("&Go"))
        go_menu.addAction(self.dashboard_action)
        go_menu.addSeparator()
        for action in self.go_actions.values():
            go_menu.addAction(action)
        self.tools_menu = bar.addMenu(self.tr("&Tools"))
        self.tools_menu.addAction(self.audit_action)
        self.tools_menu.addAction(self.users_action)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        tb = QToolBar(self.tr("Main toolbar"))
        tb.setObjectName("main_toolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (
            self.new_action,
            self.save_action,
            None,
            self.find_action,
            self.global_search_action,
            self.refresh_action,
            self.columns_action,
        ):
            if action is None:
                tb.addSeparator()
            else:
                tb.addAction(action)
        self.addToolBar(tb)
        self.toolbar = tb

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.db_label = QLabel()
        self.db_label.setObjectName("status_database")
        self.db_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label = QLabel()
        self.count_label.setObjectName("status_count")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.busy = QProgressBar()
        self.busy.setObjectName("status_busy")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName(self.tr("Working…"))
        self.busy.setVisible(False)
        sb.addPermanentWidget(self.count_label)
        sb.addPermanentWidget(self.busy)
        sb.addPermanentWidget(self.db_label)

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

    def record_views(self) -> list[Any]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def find_tab(self, type_key: str, record_id: int) -> int:
        for i, view in enumerate(self.record_views()):
            if getattr(view, "type_key", None) == type_key and view.record_id == record_id:
                return i
        return -1

    def open_record(self, type_key: str, record_id: int) -> Any:
        """Show a record in a tab, reusing its tab if it is already open."""
        if self.ctx is None:
            return None
        index = self.find_tab(type_key, record_id)
        if index >= 0:
            self.tabs.setCurrentIndex(index)
            return self.tabs.widget(index)
        view = self.record_view_factory(self.ctx, type_key, record_id)
        return self._add_tab(view, self._initial_title(type_key, record_id))

    def new_record(self, type_key: str | None = None) -> Any:
        if self.ctx is None:
            return None
        type_key = type_key or self.current_type()
        view = self.record_view_factory(self.ctx, type_key, None)
        title = self.tr("New %1").replace(
            "%1",
            vocabulary.word("record_type", type_key, self.lang).lower()
            if not self.lang.startswith("zh")
            else vocabulary.word("record_type", type_key, self.lang),
        )
        return self._add_tab(view, title)

    def _initial_title(self, type_key: str, record_id: int) -> str:
        from workinggroup_app.read import related

        assert self.ctx is not None
        try:
            with self.ctx.db.session() as s:
                obj = related.get(s, type_key, record_id)
                return obj.reference if obj is not None else str(record_id)
        except Exception:
            log.exception("reading the reference of %s %s", type_key, record_id)
            return str(record_id)

    def _add_tab(self, view: QWidget, title: str) -> QWidget:
        index = self.tabs.addTab(view, icons.icon(getattr(view, "type_key", "")), title)
        self.tabs.setTabToolTip(index, title)
        if hasattr(view, "title_changed"):
            view.title_changed.connect(lambda text, v=view: self._retitle(v, text))
        if hasattr(view, "open_record"):
            view.open_record.connect(self.open_record)
        self.tabs.setCurrentIndex(index)
        self._show_tabs()
        self._update_actions()
        return view

    def _show_tabs(self) -> None:
        if self.tabs.isVisible():
            return
        self.tabs.setVisible(True)
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total > 0 and sizes[2] < 300:
            nav = max(sizes[0], 150)
            records = max(int(total * 0.38), 300)
            self.splitter.setSizes([nav, max(total - nav - records, 300), records])

    def _retitle(self, view: QWidget, text: str) -> None:
        index = self.tabs.indexOf(view)
        if index >= 0:
            short = text if len(text) <= 28 else text[:27] + "…"
            self.tabs.setTabText(index, short)
            self.tabs.setTabToolTip(index, text)

    def current_record_view(self) -> Any:
        return self.tabs.currentWidget()

    def close_tab(self, index: int) -> bool:
        view = self.tabs.widget(index)
        if view is None:
            return True
        self.tabs.setCurrentIndex(index)
        if hasattr(view, "maybe_close") and not view.maybe_close():
            return False
        self.tabs.removeTab(index)
        view.deleteLater()
        if self.tabs.count() == 0:
            self.tabs.setVisible(False)
        self._update_actions()
        return True

    def close_current_tab(self) -> None:
        if self.tabs.count():
            self.close_tab(self.tabs.currentIndex())

    def save_current(self) -> None:
        view = self.current_record_view()
        if view is not None and hasattr(view, "save"):
            view.save()

    def _update_actions(self, *_args: Any) -> None:
        has_db = self.ctx is not None
        has_tab = self.tabs.count() > 0
        for action in (
            self.new_action,
            self.find_action,
            self.global_search_action,
            self.refresh_action,
            self.columns_action,
            *self.go_actions.values(),
            self.dashboard_action,
            self.exchange_action,
            self.preferences_action,
        ):
            action.setEnabled(has_db)
        self.save_action.setEnabled(has_tab)
        self.close_tab_action.setEnabled(has_tab)
        self.export_action.setEnabled(has_db and self.current_list() is not None)
        self.lock_action.setEnabled(self.idle_lock is not None)
        role = self.ctx.actor.role if self.ctx is not None else None
        if role is None:
            self.import_action.setEnabled(False)
            self.audit_action.setVisible(False)
            self.users_action.setVisible(False)
            self.tools_menu.menuAction().setVisible(False)
            return
        from workinggroup_app.domain.permissions import allowed

        self.new_action.setEnabled(allowed(role, "create", self.current_type()))
        self.import_action.setEnabled(allowed(role, "import"))
        self.audit_action.setVisible(allowed(role, "audit_view"))
        self.users_action.setVisible(allowed(role, "manage_users"))
        self.tools_menu.menuAction().setVisible(
            self.audit_action.isVisible() or self.users_action.isVisible()
        )

    # --- dialogs of the menus -------------------------------------------------------------------

    def _open_dialog(self, name: str, make: Callable[[], QDialog]) -> QDialog | None:
        """Show the dialog of one menu action (non-blocking), or raise it if it is open."""
        if self.ctx is None:
            return None
        dialog = self.dialogs.get(name)
        if dialog is not None:
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        dialog = make()
        dialog.setObjectName(f"dialog_{name}")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r, name=name: self.dialogs.pop(name, None))
        self.dialogs[name] = dialog
        dialog.open()
        return dialog

    def export_list(self) -> QDialog | None:
        """File > Export list…: the list on screen, with its current filter."""
        view = self.current_list()
        if view is None or self.ctx is None:
            return None
        from workinggroup_ui.dialogs.export import ExportDialog

        ctx, spec = self.ctx, view.current_spec()
        return self._open_dialog("export_list", lambda: ExportDialog(ctx, spec, self))

    def import_records(self) -> QDialog | None:
        if self.ctx is None:
            return None
        from workinggroup_ui.dialogs.import_sheet import ImportDialog

        from workinggroup_app.exchange.sheets.mapping import IMPORT_TYPES

        ctx = self.ctx
        key = self.current_type() if self.current_list() is not None else "referral"
        key = key if key in IMPORT_TYPES else "referral"
        return self._open_dialog("import", lambda: ImportDialog(ctx, self, type_key=key))

    def exchange_packages(self) -> QDialog | None:
        if self.ctx is None:
            return None
        from workinggroup_ui.dialogs.exchange import ExchangeDialog

        ctx = self.ctx
        return self._open_dialog("exchange", lambda: ExchangeDialog(ctx, self))

    def open_preferences(self) -> QDialog | None:
        from workinggroup_ui.dialogs.preferences import PreferencesDialog

        ctx = self.ctx
        dialog = self._open_dialog(
            "preferences", lambda: PreferencesDialog(ctx, self.settings, self)
        )
        if isinstance(dialog, PreferencesDialog):
            dialog.language_changed.connect(self._language_chosen)
            dialog.idle_minutes_changed.connect(self._idle_minutes_chosen)
        return dialog

    def _idle_minutes_chosen(self, minutes: int) -> None:
        if self.idle_lock is not None:
            self.idle_lock.set_minutes(max(0, minutes))

    def _language_chosen(self, code: str) -> None:
        for c, action in self.language_actions.items():
            action.setChecked(c == code)

    def open_audit_trail(self) -> QDialog | None:
        from workinggroup_app.domain.permissions import allowed

        if self.ctx is None or not allowed(self.ctx.actor.role, "audit_view"):
            return None
        from workinggroup_ui.dialogs.audit_trail import AuditViewerDialog

        ctx = self.ctx
        return self._open_dialog("audit_trail", lambda: AuditViewerDialog(ctx, self))

    def open_users(self) -> QDialog | None:
        from workinggroup_app.domain.permissions import allowed

        if self.ctx is None or not allowed(self.ctx.actor.role, "manage_users"):
            return None
        from workinggroup_ui.dialogs.users import UserAdminDialog

        ctx = self.ctx
        return self._open_dialog("users", lambda: UserAdminDialog(ctx, self))

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

    def global_search(self) -> SearchDialog | None:
        if self.ctx is None:
            return None
        from workinggroup_ui.dialogs.search import SearchDialog

        if self.search_dialog is None:
            self.search_dialog = SearchDialog(self.ctx, self)
            self.search_dialog.open_record.connect(self.open_record)
        self.search_dialog.start()
        return self.search_dialog

    def about(self) -> None:
        from workinggroup_app import __version__

        where = self.ctx.db.display_name if self.ctx is not None else self.tr("(none open)")
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("About"))
        box.setIcon(QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr("Counternarcotics Working Group case manager")
            + "\n"
            + self.tr("Version %1").replace("%1", __version__)
        )
        box.setInformativeText(self.tr("Database: %1").replace("%1", where))
        box.exec()

    def choose_language(self, code: str) -> None:
        for c, action in self.language_actions.items():
            action.setChecked(c == code)
        self.settings.set(opts.LANGUAGE, code)
        if code != self.lang:
            QMessageBox.information(
                self,
                self.tr("Language"),
                self.tr("The new language is used the next time the application starts."),
            )

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
        event.accept()
        super().closeEvent(event)

    def save_settings(self) -> None:
        self.settings.set(opts.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(opts.WINDOW_STATE, bytes(self.saveState().data()))
        self.settings.set(opts.SPLITTER_STATE, bytes(self.splitter.saveState().data()))
        if self.ctx is not None:
            self.settings.set(opts.LAST_DATABASE_URL, self.ctx.db.url)
        # The language is stored only when chosen (View > Language, Preferences): "" keeps
        # following the system, and --lang for one run does not become the default.
        self.settings.sync()


def _short_name(ctx: AppContext) -> str:
    from pathlib import Path

    name = ctx.db.display_name
    if ctx.db.is_sqlite and "///" in name:
        return Path(name.split("///", 1)[1]).name
    return name
