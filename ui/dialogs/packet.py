"""Export a meeting packet: choose the audience and the file, write the PDF off the UI thread
with progress, then open it.

The packet module (ReportLab) is imported only when an export runs, so start-up stays fast.
Set WORKINGGROUP_NO_OPEN=1 to write the file without opening it (tests, scripted use).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import permissions
from workinggroup_ui.context import AppContext
from workinggroup_ui.dialogs.save_file import SaveFileDialog, default_folder
from workinggroup_ui.widgets.text import plain_label

AUDIENCES = ("bilateral", "internal")


def default_name(reference: str, audience: str) -> str:
    return f"{reference}-{audience}.pdf"


class PacketDialog(SaveFileDialog):
    """``exported`` carries the export result (.pages, .path)."""

    def __init__(
        self,
        ctx: AppContext,
        meeting_reference: str,
        parent: QWidget | None = None,
        *,
        unsaved: bool = False,
        folder: Path | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.reference = meeting_reference
        self.result_info: Any = None
        self.opened: str | None = None
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

        self.path.setText(
            str((folder or default_folder()) / default_name(meeting_reference, self.audience()))
        )
        self.path_row.addWidget(QLabel(self.tr("Save as"), self))
        path_row = self.add_path_field()

        self.unsaved_note = plain_label(
            self.tr("This meeting has unsaved changes; the packet shows the saved version."),
            self,
        )
        self.unsaved_note.setWordWrap(True)
        self.unsaved_note.setVisible(unsaved)

        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(path_row)
        layout.addWidget(self.unsaved_note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.audience_group.buttonToggled.connect(self._audience_changed)

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

    def suffix(self) -> str:
        return ".pdf"

    def file_filter(self) -> str:
        return self.tr("PDF files (*.pdf)")

    def save_title(self) -> str:
        return self.tr("Save the packet as")

    def export(self) -> None:
        out = self.checked_target(self.tr("Choose where to save the packet."))
        if out is None:
            return
        db, reference, audience, actor = (
            self.ctx.db,
            self.reference,
            self.audience(),
            self.ctx.actor,
        )

        def work(progress: Any) -> Any:
            from workinggroup_app.reports.packet import export_packet  # ReportLab: only when needed

            return export_packet(db, reference, audience, out, progress=progress, actor=actor)

        self.start(work, self.tr("Writing the packet for {0}…").format(reference))

    def written(self, result: Any) -> None:
        """Open the packet (unless WORKINGGROUP_NO_OPEN=1)."""
        self.result_info = result
        path = str(getattr(result, "path", "") or "")
        if path and os.environ.get("WORKINGGROUP_NO_OPEN") != "1":
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))
            self.opened = path
