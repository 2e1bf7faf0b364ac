"""A panel (the audit trail, the user accounts) in a window of its own, with Close."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget


class PanelWindow(QDialog):
    def hold(self, title: str, panel: QWidget, width: int, height: int) -> None:
        """Show ``panel`` above a Close button, in a window ``width`` by ``height``."""
        self.setWindowTitle(title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(panel)
        layout.addWidget(buttons)
        self.resize(width, height)
