"""The dialog behind a transition button: a comment, and an outcome, the duplicated referral
and whether the note may be shown to the counterpart when the transition asks for them.

The dialog stays open until the service accepts the change; what the service refuses is
shown in the dialog, next to the input at fault.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain import fields, vocabulary
from workinggroup_app.domain.errors import DomainError, ValidationError, ValidationErrors
from workinggroup_ui.context import AppContext
from workinggroup_ui.operations import records
from workinggroup_ui.widgets.pickers import LinkPicker
from workinggroup_ui.widgets.text import ERROR_STYLE, NONE_TEXT, plain_label


class TransitionDialog(QDialog):
    transitioned = Signal(object)  # the Change

    def __init__(
        self,
        ctx: AppContext,
        type_key: str,
        record_id: int,
        version: int,
        reference: str,
        current: str,
        target: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rt = fields.record_type(type_key)
        wf = self.rt.workflow
        assert wf is not None
        self.record_id = record_id
        self.version = version
        self.target = target
        self.transition = wf.find(current, target)
        self.change: Any = None
        lang = ctx.lang
        self.setWindowTitle(
            self.tr("{0}: {1} → {2}").format(
                reference,
                vocabulary.word(wf.vocabulary, current, lang),
                vocabulary.word(wf.vocabulary, target, lang),
            )
        )
        self.setMinimumWidth(460)
        form = QFormLayout()
        self.comment = QPlainTextEdit(self)
        self.comment.setTabChangesFocus(True)
        self.comment.setPlaceholderText(self.tr("Why the status changes (kept in the history)"))
        self.comment.setMinimumHeight(90)
        self.comment_error = self._error_label()
        form.addRow(self.tr("Comment"), self._stack(self.comment, self.comment_error))

        self.outcome: QComboBox | None = None
        self.outcome_error = self._error_label()
        if self.transition is not None and self.transition.needs_outcome:
            self.outcome = QComboBox(self)
            self.outcome.addItem(NONE_TEXT, None)
            for key in vocabulary.keys(wf.outcome_vocabulary or ""):
                self.outcome.addItem(vocabulary.word(wf.outcome_vocabulary or "", key, lang), key)
            form.addRow(self.tr("Outcome *"), self._stack(self.outcome, self.outcome_error))

        self.duplicate_of: LinkPicker | None = None
        self.duplicate_error = self._error_label()
        if self.transition is not None and self.transition.needs_duplicate_of:
            self.duplicate_of = LinkPicker(ctx, self.rt.key, self)
            label = (
                self.rt.field("duplicate_of_id").label(lang)
                if self.rt.has("duplicate_of_id")
                else self.tr("Duplicate of")
            )
            form.addRow(label + " *", self._stack(self.duplicate_of, self.duplicate_error))

        self.note_releasable = QCheckBox(self.tr("Status note releasable to counterpart"), self)
        self.note_releasable.setToolTip(
            self.tr("The comment may appear in the bilateral meeting packet")
        )
        form.addRow("", self.note_releasable)

        self.general_error = self._error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Change status"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        ctx.ops.busy_changed.connect(self._on_busy)

    def _error_label(self) -> QLabel:
        label = plain_label("", self)
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def _stack(self, widget: QWidget, error: QLabel) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        layout.addWidget(error)
        return box

    def submit(self) -> None:
        for label in (
            self.comment_error,
            self.outcome_error,
            self.duplicate_error,
            self.general_error,
        ):
            label.hide()
        comment = self.comment.toPlainText()
        outcome = self.outcome.currentData() if self.outcome is not None else None
        duplicate = self.duplicate_of.value() if self.duplicate_of is not None else None
        releasable = self.note_releasable.isChecked()
        self.ok_button.setEnabled(False)
        records.transition(
            self.ctx,
            self.rt.key,
            self.record_id,
            self.target,
            version=self.version,
            comment=comment,
            outcome=outcome,
            duplicate_of=duplicate,
            note_releasable=releasable,
            parent=self,
        ).success(self._done).failure(self._failed).run_in_background()

    def _on_busy(self, busy: bool) -> None:
        if not busy:  # whatever the outcome, the button works again
            self.ok_button.setEnabled(True)

    def _done(self, change: Any) -> None:
        self.change = change
        self.ok_button.setEnabled(True)
        self.transitioned.emit(change)
        self.accept()

    def _failed(self, error: DomainError) -> bool:
        self.ok_button.setEnabled(True)
        errors = error.errors if isinstance(error, ValidationErrors) else [error]
        targets = {
            "outcome": self.outcome_error,
            "duplicate_of_id": self.duplicate_error,
            "comment": self.comment_error,
        }
        first: QWidget | None = None
        for e in errors:
            label = self.general_error
            if isinstance(e, ValidationError) and e.field in targets:
                label = targets[e.field]
            label.setText(e.message(self.ctx.lang))
            label.show()
            if first is None:
                first = {
                    self.outcome_error: self.outcome,
                    self.duplicate_error: self.duplicate_of,
                    self.comment_error: self.comment,
                }.get(label)
        if first is not None:
            first.setFocus()
        return True

    def error_text(self) -> str:
        """Every message shown in the dialog (for tests)."""
        return "\n".join(
            label.text()
            for label in (
                self.comment_error,
                self.outcome_error,
                self.duplicate_error,
                self.general_error,
            )
            if label.isVisibleTo(self)
        )
