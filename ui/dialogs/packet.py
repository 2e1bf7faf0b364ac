"""Export a meeting packet: choose the audience and the file, write the PDF off the UI thread
with progress, then open it.

The packet module (ReportLab) is imported only when an export runs, so start-up stays fast.
Set WORKINGGROUP_NO_OPEN=1 to write the file without opening it (tests, scripted use).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from workinggroup_ui.context import AppContext
from workinggroup_ui.widgets.text import ERROR_STYLE, plain_label

from workinggroup_app.domain import permissions
from workinggroup_app.domain.errors import DomainError

AUDIENCES = ("bilateral", "internal")


def default_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def default_name(reference: str, audience: str) -> str:
    return f"{reference}-{audience}.pdf"


class PacketDialog(QDialog):
    exported = Signal(object)  # the export result (.pages, .path)

    def __init__(
        self,
        ctx: AppContext,
        meeting_reference: str,
        parent: QWidget | None = None,
        *,
        unsaved: bool = False,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reference = meeting_reference
        self.result_info: Any = None
        self.opened: str | None = None
        self._running = False
        self.setWindowTitle(self.tr("Export packet: {0}").format(meeting_reference))
        self.setMinimumWidth(520)

        role = ctx.actor.role
        box = QGroupBox(self.tr("Audience"), self)
        self.bilateral = QRadioButton(
            self.tr("Bilateral: only what is releasable to the counterpart"), box
        )
        self.internal = QRadioButton(self.tr("Internal (US only): everything"), box)
        may_bilateral = permissions.allowed(role, "export_bilateral", "meeting")
        self.bilateral.setEnabled(may_bilateral)
        if not may_bilateral:
            self.bilateral.setToolTip(self.tr("Your role may not export for the counterpart"))
        self.audience_group = QButtonGroup(self)
        self.audience_group.addButton(self.bilateral)
        self.audience_group.addButton(self.internal)
        (self.bilateral if may_bilateral else self.internal).setChecked(True)
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.bilateral)
        box_layout.addWidget(self.internal)

        self.path = QLineEdit(self)
        self.path.setText(
            str((folder or default_folder()) / default_name(meeting_reference, self.audience()))
        )
        self.browse = QPushButton(self.tr("Browse…"), self)
        path_row = QHBoxLayout()
        path_row.addWidget(QLabel(self.tr("Save as"), self))
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)

        self.unsaved_note = plain_label(
            self.tr("This meeting has unsaved changes; the packet shows the saved version."),
            self,
        )
        self.unsaved_note.setWordWrap(True)
        self.unsaved_note.setVisible(unsaved)
        self.error = plain_label("", self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Export"))

        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(path_row)
        layout.addWidget(self.unsaved_note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.audience_group.buttonToggled.connect(self._audience_changed)
        self.browse.clicked.connect(self.choose_path)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        ctx.ops.busy_changed.connect(self._on_busy)

    def audience(self) -> str:
        return "bilateral" if self.bilateral.isChecked() else "internal"

    def set_audience(self, audience: str) -> None:
        (self.bilateral if audience == "bilateral" else self.internal).setChecked(True)

    def _audience_changed(self, _button: Any, checked: bool) -> None:
        if not checked:
            return
        current = Path(self.path.text())
        # follow the audience while the name is still one we proposed
        if current.name in {default_name(self.reference, a) for a in AUDIENCES}:
            self.path.setText(str(current.with_name(default_name(self.reference, self.audience()))))

    def choose_path(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the packet as"), self.path.text(), self.tr("PDF files (*.pdf)")
        )
        if path:
            self.path.setText(path)

    def export(self) -> None:
        text = self.path.text().strip()
        if not text:
            self._show_error(self.tr("Choose where to save the packet."))
            return
        out = Path(text).expanduser()
        if out.suffix.lower() != ".pdf":
            out = out.with_name(out.name + ".pdf")
        if not out.parent.is_dir():
            self._show_error(self.tr("The folder {0} does not exist.").format(str(out.parent)))
            return
        self.error.hide()
        db, reference, audience, actor = (
            self.ctx.db,
            self.reference,
            self.audience(),
            self.ctx.actor,
        )

        def work(progress: Any) -> Any:
            from workinggroup_app.reports.packet import export_packet  # ReportLab: only when needed

            return export_packet(db, reference, audience, out, progress=progress, actor=actor)

        self._running = True
        self.ok_button.setEnabled(False)
        self.ctx.ops.run(
            work,
            on_success=self._done,
            on_failure=self._failed,
            progress_label=self.tr("Writing the packet for {0}…").format(reference),
            parent=self,
        )

    def _done(self, result: Any) -> None:
        self._running = False
        self.ok_button.setEnabled(True)
        self.result_info = result
        path = str(getattr(result, "path", "") or "")
        self.exported.emit(result)
        if path and os.environ.get("WORKINGGROUP_NO_OPEN") != "1":
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))
            self.opened = path
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
