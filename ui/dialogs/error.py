"""Unexpected errors: a dialog with the message, "Copy details" and the log file's path.

Expected errors (``DomainError``: validation, refused transition, stale edit, a database
that cannot be opened) are shown as plain messages by the code that caused them. Anything
else is a bug: it is logged with its traceback to a rotating log file and shown here,
never only printed to a console nobody sees.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain.errors import DomainError

log = logging.getLogger("workinggroup_app.ui")

LOG_FILE_NAME = "workinggroup-app.log"
_LOG_PATH: Path | None = None


def setup_logging(folder: Path | None = None, *, level: int = logging.INFO) -> Path:
    """Log to a rotating file in ``db.log_dir()`` (1 MB x 5). Returns the file's path."""
    global _LOG_PATH
    from workinggroup_app.support import logs

    _LOG_PATH = logs.setup_logging(folder, level=level)
    return _LOG_PATH


def log_path() -> Path | None:
    return _LOG_PATH


def format_details(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


class ErrorDialog(QDialog):
    """Shows an unexpected error: what happened, the details to copy, where the log is."""

    def __init__(
        self,
        message: str,
        details: str,
        log_file: Path | None = None,
        parent: QWidget | None = None,
        crash_report: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Unexpected error"))
        self.setMinimumWidth(520)
        self.details = details
        layout = QVBoxLayout(self)

        intro = QLabel(
            self.tr(
                "Something went wrong that the application did not expect. Your saved work "
                "is safe. Please send the details below to your administrator."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.message_label = QLabel(message)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.message_label.font()
        font.setBold(True)
        self.message_label.setFont(font)
        layout.addWidget(self.message_label)

        self.details_box = QPlainTextEdit(details)
        self.details_box.setReadOnly(True)
        self.details_box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details_box.setVisible(False)
        self.details_box.setMinimumHeight(200)
        layout.addWidget(self.details_box)

        self.log_label = QLabel()
        self.log_label.setTextFormat(Qt.TextFormat.PlainText)
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if log_file is not None:
            self.log_label.setText(self.tr("Log file: %1").replace("%1", str(log_file)))
        layout.addWidget(self.log_label)

        self.report_label = QLabel()
        self.report_label.setObjectName("crash_report")
        self.report_label.setTextFormat(Qt.TextFormat.PlainText)
        self.report_label.setWordWrap(True)
        self.report_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if crash_report is not None:
            self.report_label.setText(self.tr("Crash report: %1").replace("%1", str(crash_report)))
        self.report_label.setVisible(crash_report is not None)
        layout.addWidget(self.report_label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy details"))
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.show_button = QPushButton(self.tr("Show details"))
        self.show_button.setCheckable(True)
        self.show_button.toggled.connect(self.details_box.setVisible)
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        text = self.message_label.text() + "\n\n" + self.details
        if self.log_label.text():
            text += "\n" + self.log_label.text()
        if self.report_label.text():
            text += "\n" + self.report_label.text()
        QApplication.clipboard().setText(text)
        self.copy_button.setText(self.tr("Copied"))


def show_error(
    exc: BaseException,
    parent: QWidget | None = None,
    lang: str = "en",
    crash_report: Path | None = None,
) -> None:
    """Show any exception: a DomainError as a plain message, anything else in ErrorDialog
    (with the path of its crash report, when one was written)."""
    from workinggroup_app.storage import failures

    exc = failures.explain(exc) or exc  # a full disk, a lost server: in the user's words
    if isinstance(exc, DomainError):
        QMessageBox.warning(
            parent, QApplication.translate("ErrorDialog", "Cannot do that"), exc.message(lang)
        )
        return
    message = f"{type(exc).__name__}: {exc}"
    dialog = ErrorDialog(message, format_details(exc), log_path(), parent, crash_report)
    dialog.exec()


_showing = False


def install_excepthook(
    parent: Callable[[], QWidget | None] = lambda: None, lang: Callable[[], str] = lambda: "en"
) -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to the error dialog."""
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        global _showing
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        log.error("uncaught exception", exc_info=(exc_type, exc, tb))
        report: Path | None = None
        try:
            from workinggroup_app.support.logs import write_crash_report

            report = write_crash_report((exc_type, exc, tb))
        except OSError:
            log.exception("no crash report written")
        if QApplication.instance() is None or _showing:
            previous(exc_type, exc, tb)
            return
        _showing = True  # one dialog at a time: an error inside the dialog must not loop
        try:
            if exc.__traceback__ is None:
                exc = exc.with_traceback(tb)
            show_error(exc, parent(), lang(), report)
        finally:
            _showing = False

    sys.excepthook = hook
