"""Reassign: one or more action items to another owner account, in one step.

The dialog names the records, offers the active accounts (the signed-in user's own first)
and stays open until the service accepts the change; what it refuses (an unknown or
disabled account, a record someone else changed meanwhile, a role that may not edit) is
shown in the dialog and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import fields, vocabulary
from workinggroup_app.domain.errors import DomainError, ValidationErrors
from workinggroup_ui.context import AppContext
from workinggroup_ui.operations import records
from workinggroup_ui.widgets.pickers import AccountPicker
from workinggroup_ui.widgets.text import ERROR_STYLE, plain_label

SHOWN_REFERENCES = 12


class ReassignDialog(QDialog):
    reassigned = Signal(object)  # the Change

    def __init__(
        self,
        ctx: AppContext,
        type_key: str,
        items: Sequence[tuple[int, int]],
        references: Sequence[str],
        parent: QWidget | None = None,
        *,
        current: int | None = None,
    ) -> None:
        """``items``: (id, version) of each record; ``current``: the owner to start from
        (one record's own), else the signed-in user's account."""
        super().__init__(parent)
        self.ctx = ctx
        self.rt = fields.record_type(type_key)
        self.items = list(items)
        self.change: Any = None
        lang = ctx.lang
        self.setWindowTitle(self.tr("Reassign"))
        self.setMinimumWidth(440)

        things = vocabulary.word(
            "record_type_plural" if len(self.items) != 1 else "record_type", self.rt.key, lang
        )
        self.summary = plain_label(
            self.tr("Give %1 %2 a new owner:")
            .replace("%1", f"{len(self.items):,}")
            .replace("%2", things if ctx.zh else things.lower()),
            self,
        )
        self.summary.setWordWrap(True)
        refs = ", ".join(references[:SHOWN_REFERENCES])
        if len(references) > SHOWN_REFERENCES:
            refs += ", …"
        self.refs = plain_label(refs, self)
        self.refs.setWordWrap(True)

        self.owner = AccountPicker(ctx, self, none_text=self.tr("No owner account"))
        self.owner.setObjectName("reassign_owner")
        if current is not None:
            self.owner.set_value(current)
        elif self.owner.my_index() >= 0:
            self.owner.setCurrentIndex(self.owner.my_index())
        self.error = plain_label("", self)
        self.error.setObjectName("reassign_error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.owner.changed.connect(self.error.hide)

        form = QFormLayout()
        label = QLabel(self.rt.account_fields()[0].label(lang) if self.rt.account_fields() else "")
        label.setBuddy(self.owner)
        form.addRow(label, self.owner)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Reassign"))
        self.ok_button.setObjectName("reassign_ok")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.refs)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.owner.setFocus()
        ctx.ops.busy_changed.connect(self._on_busy)

    def chosen(self) -> int | str | None:
        """The account picked (an id), the text typed, or None for no owner account."""
        return self.owner.value()

    def submit(self) -> None:
        self.error.hide()
        self.owner.resolve()
        self.ok_button.setEnabled(False)
        records.reassign(
            self.ctx, self.items, self.chosen(), type_key=self.rt.key, parent=self
        ).success(self._done).failure(self._failed).run_in_background()

    def _on_busy(self, busy: bool) -> None:
        if not busy:  # whatever the outcome, the button works again
            self.ok_button.setEnabled(True)

    def _done(self, change: Any) -> None:
        self.change = change
        self.ok_button.setEnabled(True)
        self.reassigned.emit(change)
        self.accept()

    def _failed(self, error: DomainError) -> bool:
        self.ok_button.setEnabled(True)
        errors = error.errors if isinstance(error, ValidationErrors) else [error]
        self.error.setText(
            "\n".join(e.message(self.ctx.lang) for e in errors)
            + "\n"
            + self.tr("Nothing was changed.")
        )
        self.error.show()
        self.owner.setFocus()
        return True

    def error_text(self) -> str:
        """The message shown in the dialog ("" when none; for tests)."""
        return self.error.text() if self.error.isVisibleTo(self) else ""
