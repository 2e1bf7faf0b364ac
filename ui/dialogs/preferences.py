"""Preferences: the interface language (English, Simplified Chinese, or the system's) and
how long the window may sit idle before it locks.

The choice is stored in QSettings through the settings registry (``workinggroup_ui.settings.LANGUAGE``;
"" means "follow the system locale"). It takes effect the next time the application
starts: the open window, its tabs and any unsaved edits stay exactly as they are, so
choosing a language never loses work. ``--lang`` on the command line still wins.
The idle time (``workinggroup_ui.settings.IDLE_MINUTES``; 0 = never) applies at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workinggroup_ui import settings as opts
from workinggroup_ui.language import LANGUAGES, system_language

if TYPE_CHECKING:
    from workinggroup_ui.context import AppContext
    from workinggroup_ui.settings import Settings

MAX_IDLE_MINUTES = 8 * 60  # a working day


class PreferencesDialog(QDialog):
    """Edit the preferences; ``language_changed(code)`` after a different one is saved."""

    language_changed = Signal(str)
    idle_minutes_changed = Signal(int)  # saved; 0 = never lock by itself

    def __init__(
        self, ctx: AppContext | None, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings
        self.current_lang = ctx.lang if ctx is not None else "en"
        self.setWindowTitle(self.tr("Preferences"))
        self.setMinimumWidth(420)

        self.language_combo = QComboBox(self)
        self.language_combo.addItem(self.tr("Same as the system"), "")
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        saved = settings.get(opts.LANGUAGE)
        index = self.language_combo.findData(saved)
        self.language_combo.setCurrentIndex(max(index, 0))
        self.language_combo.setToolTip(
            self.tr("The language of menus, forms, messages and field names")
        )

        note = QLabel(
            self.tr(
                "A new language takes effect the next time the application starts. "
                "Open records and unsaved changes stay as they are."
            ),
            self,
        )
        note.setWordWrap(True)

        self.idle_spin = QSpinBox(self)
        self.idle_spin.setRange(0, MAX_IDLE_MINUTES)
        self.idle_spin.setSuffix(self.tr(" minutes"))
        self.idle_spin.setSpecialValueText(self.tr("Never"))
        self.idle_spin.setValue(max(0, min(settings.get(opts.IDLE_MINUTES), MAX_IDLE_MINUTES)))
        self.idle_spin.setToolTip(
            self.tr(
                "Without keyboard or mouse input for this long, the window hides the records "
                "and asks for the password again; unsaved edits are kept."
            )
        )

        form = QFormLayout()
        label = QLabel(self.tr("&Language:"), self)
        label.setBuddy(self.language_combo)
        form.addRow(label, self.language_combo)
        idle_label = QLabel(self.tr("Lock when &idle for:"), self)
        idle_label.setBuddy(self.idle_spin)
        form.addRow(idle_label, self.idle_spin)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def chosen_language(self) -> str:
        """The code chosen in the dialog: "en", "zh_CN", or "" for the system's."""
        return str(self.language_combo.currentData() or "")

    def effective_language(self) -> str:
        """The language the next start will use (the system's resolved when "")."""
        code = self.chosen_language()
        if code:
            return code
        return system_language()

    def accept(self) -> None:
        minutes = self.idle_spin.value()
        if minutes != self.settings.get(opts.IDLE_MINUTES):
            self.settings.set(opts.IDLE_MINUTES, minutes)
            self.idle_minutes_changed.emit(minutes)
        code = self.chosen_language()
        if code:
            self.settings.set(opts.LANGUAGE, code)
        else:
            self.settings.reset(opts.LANGUAGE)
        self.settings.sync()
        if self.effective_language() != self.current_lang:
            self.language_changed.emit(code)
            QMessageBox.information(
                self,
                self.tr("Language"),
                self.tr(
                    "The new language is used the next time the application starts. "
                    "Your open records and unsaved changes are kept."
                ),
            )
        super().accept()
