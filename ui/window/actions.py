"""The main window's commands: one QAction per command with its shortcut and icon, the menus
and the toolbar built from them, the status bar, and which commands the current view and
the user's role allow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QProgressBar,
    QToolBar,
)

from workinggroup_app.domain import vocabulary
from workinggroup_ui.language import LANGUAGES
from workinggroup_ui.widgets import icons
from workinggroup_ui.window.navigation import DASHBOARD, RECORD_TYPE_KEYS


class WindowActions:
    """Part of ``MainWindow``: its actions, menus, toolbar and status bar."""

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
            QCoreApplication.translate("MainWindow", "&New record"),
            self.new_record,
            QKeySequence.StandardKey.New,
            "new",
            QCoreApplication.translate(
                "MainWindow", "Create a record of the kind shown in the list (Ctrl+N)"
            ),
        )
        self.save_action = self._action(
            QCoreApplication.translate("MainWindow", "&Save"),
            self.save_current,
            QKeySequence.StandardKey.Save,
            "save",
            QCoreApplication.translate("MainWindow", "Save the record in the current tab (Ctrl+S)"),
        )
        self.close_tab_action = self._action(
            QCoreApplication.translate("MainWindow", "&Close record"),
            self.close_current_tab,
            QKeySequence.StandardKey.Close,
        )
        self.quit_action = self._action(
            QCoreApplication.translate("MainWindow", "&Quit"), self.close, "Ctrl+Q", "quit"
        )
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.find_action = self._action(
            QCoreApplication.translate("MainWindow", "Search in &list"),
            self.focus_list_search,
            QKeySequence.StandardKey.Find,
            "search",
            QCoreApplication.translate("MainWindow", "Filter the current list by text (Ctrl+F)"),
        )
        self.global_search_action = self._action(
            QCoreApplication.translate("MainWindow", "&Global search…"),
            self.global_search,
            "Ctrl+K",
            "global_search",
            QCoreApplication.translate("MainWindow", "Search every kind of record (Ctrl+K)"),
        )
        self.refresh_action = self._action(
            QCoreApplication.translate("MainWindow", "&Refresh"),
            self.refresh,
            QKeySequence.StandardKey.Refresh,
            "refresh",
            QCoreApplication.translate("MainWindow", "Read the current list again (F5)"),
        )
        if self.refresh_action.shortcut() != QKeySequence("F5"):
            self.refresh_action.setShortcuts([self.refresh_action.shortcut(), QKeySequence("F5")])
        self.columns_action = self._action(
            QCoreApplication.translate("MainWindow", "&Columns…"),
            self.choose_columns,
            None,
            "columns",
            QCoreApplication.translate("MainWindow", "Choose the columns of the current list"),
        )
        self.about_action = self._action(
            QCoreApplication.translate("MainWindow", "&About"), self.about, None, "about"
        )
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.export_action = self._named(
            self._action(
                QCoreApplication.translate("MainWindow", "&Export list…"),
                self.export_list,
                "Ctrl+E",
                "export",
                QCoreApplication.translate(
                    "MainWindow", "Save the current list, as filtered, to CSV or Excel (Ctrl+E)"
                ),
            ),
            "export_list",
        )
        self.import_action = self._named(
            self._action(
                QCoreApplication.translate("MainWindow", "&Import…"),
                self.import_records,
                None,
                "import",
                QCoreApplication.translate("MainWindow", "Add records from a spreadsheet"),
            ),
            "import",
        )
        self.exchange_action = self._named(
            self._action(
                QCoreApplication.translate("MainWindow", "E&xchange packages…"),
                self.exchange_packages,
                None,
                "exchange",
                QCoreApplication.translate(
                    "MainWindow", "Send or receive a signed package of records with the counterpart"
                ),
            ),
            "exchange",
        )
        self.lock_action = self._named(
            self._action(
                QCoreApplication.translate("MainWindow", "&Lock"), self.lock_now, "Ctrl+L", "lock"
            ),
            "lock",
        )
        self.preferences_action = self._named(
            self._action(
                QCoreApplication.translate("MainWindow", "&Preferences…"),
                self.open_preferences,
                None,
                "preferences",
            ),
            "preferences",
        )
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.audit_action = self._named(
            self._action(
                QCoreApplication.translate("MainWindow", "&Audit trail…"),
                self.open_audit_trail,
                None,
                "audit",
            ),
            "audit_trail",
        )
        self.users_action = self._named(
            self._action(
                QCoreApplication.translate("MainWindow", "&Users…"), self.open_users, None, "users"
            ),
            "users",
        )
        self.go_actions: dict[str, QAction] = {}
        self.dashboard_action = self._action(
            QCoreApplication.translate("MainWindow", "Dashboard"),
            self.show_dashboard,
            "Alt+0",
            DASHBOARD,
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
        file_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&File"))
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
        edit_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Edit"))
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.global_search_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences_action)
        view_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&View"))
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.columns_action)
        view_menu.addSeparator()
        lang_menu = view_menu.addMenu(QCoreApplication.translate("MainWindow", "&Language"))
        for action in self.language_actions.values():
            lang_menu.addAction(action)
        go_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Go"))
        go_menu.addAction(self.dashboard_action)
        go_menu.addSeparator()
        for action in self.go_actions.values():
            go_menu.addAction(action)
        self.tools_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Tools"))
        self.tools_menu.addAction(self.audit_action)
        self.tools_menu.addAction(self.users_action)
        help_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Help"))
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        tb = QToolBar(QCoreApplication.translate("MainWindow", "Main toolbar"))
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
        self.busy.setAccessibleName(QCoreApplication.translate("MainWindow", "Working…"))
        self.busy.setVisible(False)
        sb.addPermanentWidget(self.count_label)
        sb.addPermanentWidget(self.busy)
        sb.addPermanentWidget(self.db_label)

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
