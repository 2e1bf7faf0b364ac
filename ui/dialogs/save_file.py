"""What every dialog that writes one file shares: a "Save as" path with Browse…, an error
line, Export and Cancel, and the writing itself off the UI thread with progress and Cancel.

A subclass lays out its own choices, puts ``path_row`` and ``error`` where it wants them,
says which ``suffix``, ``file_filter`` and ``save_title`` its file has, and calls
``start(work, label)`` from ``export`` with the target ``checked_target`` gave it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QStandardPaths, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from workinggroup_app.domain.errors import DomainError
from workinggroup_ui.context import AppContext
from workinggroup_ui.widgets.text import ERROR_STYLE, plain_label


def default_folder() -> Path:
    """The user's documents folder, else the home folder."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


class SaveFileDialog(QDialog):
    exported = Signal(object)  # what the work returned

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._running = False
        self.path = QLineEdit(self)
        self.browse = QPushButton(QCoreApplication.translate("SaveFileDialog", "Browse…"), self)
        self.path_row = QHBoxLayout()
        self.error = plain_label("", self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(QCoreApplication.translate("SaveFileDialog", "Export"))
        self.browse.clicked.connect(self.choose_path)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        ctx.ops.busy_changed.connect(self._on_busy)

    def add_path_field(self) -> QHBoxLayout:
        """The path and its Browse… button, in ``path_row``."""
        self.path_row.addWidget(self.path, 1)
        self.path_row.addWidget(self.browse)
        return self.path_row

    # --- what a subclass says ----------------------------------------------------------------

    def suffix(self) -> str:
        raise NotImplementedError

    def file_filter(self) -> str:
        raise NotImplementedError

    def save_title(self) -> str:
        raise NotImplementedError

    def export(self) -> None:
        raise NotImplementedError

    def written(self, result: Any) -> None:
        """Called with the work's result before the dialog closes."""

    # --- the shared road ---------------------------------------------------------------------

    def choose_path(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.save_title(), self.path.text(), self.file_filter()
        )
        if path:
            self.path.setText(path)

    def checked_target(self, empty_message: str) -> Path | None:
        """The file to write, with its suffix, or None after saying what is wrong."""
        text = self.path.text().strip()
        if not text:
            self._show_error(empty_message)
            return None
        out = Path(text).expanduser()
        suffix = self.suffix()
        if out.suffix.lower() != suffix:
            out = out.with_name(out.name + suffix)
        if not out.parent.is_dir():
            self._show_error(
                QCoreApplication.translate(
                    "SaveFileDialog", "The folder {0} does not exist."
                ).format(str(out.parent))
            )
            return None
        self.error.hide()
        return out

    def start(self, work: Callable[[Any], Any], label: str) -> None:
        """Run ``work(progress)`` on the operations runner; Export waits until it ends."""
        self._running = True
        self.ok_button.setEnabled(False)
        self.ctx.ops.run(
            work,
            on_success=self._done,
            on_failure=self._failed,
            progress_label=label,
            parent=self,
        )

    def _done(self, result: Any) -> None:
        self._running = False
        self.ok_button.setEnabled(True)
        self.written(result)
        self.exported.emit(result)
        self.accept()

    def _failed(self, error: DomainError) -> bool:
        self._running = False
        self.ok_button.setEnabled(True)
        self._show_error(error.message(self.ctx.lang))
        return True

    def _on_busy(self, busy: bool) -> None:
        if not busy and self._running:  # cancelled: no success or failure is reported
            self._running = False
            self.ok_button.setEnabled(True)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
