"""The dialogs the main window opens: export, import, exchange, preferences, audit trail,
users, search, about, and the language and idle-lock choices they make.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QMessageBox,
)

from workinggroup_ui import settings as opts

if TYPE_CHECKING:
    from workinggroup_ui.dialogs.search import SearchDialog


class WindowDialogs:
    """Part of ``MainWindow``: the dialogs it opens."""

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
        from workinggroup_app.exchange.sheets.mapping import IMPORT_TYPES
        from workinggroup_ui.dialogs.import_sheet import ImportDialog

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

        where = (
            self.ctx.db.display_name
            if self.ctx is not None
            else QCoreApplication.translate("MainWindow", "(none open)")
        )
        box = QMessageBox(self)
        box.setWindowTitle(QCoreApplication.translate("MainWindow", "About"))
        box.setIcon(QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            QCoreApplication.translate("MainWindow", "Counternarcotics Working Group case manager")
            + "\n"
            + QCoreApplication.translate("MainWindow", "Version %1").replace("%1", __version__)
        )
        box.setInformativeText(
            QCoreApplication.translate("MainWindow", "Database: %1").replace("%1", where)
        )
        box.exec()

    def choose_language(self, code: str) -> None:
        for c, action in self.language_actions.items():
            action.setChecked(c == code)
        self.settings.set(opts.LANGUAGE, code)
        if code != self.lang:
            QMessageBox.information(
                self,
                QCoreApplication.translate("MainWindow", "Language"),
                QCoreApplication.translate(
                    "MainWindow", "The new language is used the next time the application starts."
                ),
            )
