"""The set-up wizard's first page: where the data lives (a SQLite file, the data folder's by
default, or a PostgreSQL server), tried with ``storage.connection.check_connection`` off
the UI thread before Next; and the small label helpers the wizard's pages share.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from workinggroup_app.domain.errors import DomainError
from workinggroup_app.storage import connection, paths
from workinggroup_app.storage.connection import ConnectionCheck, ConnectionProblem
from workinggroup_app.storage.engine import sqlite_path
from workinggroup_ui.operations.runner import OpRunner
from workinggroup_ui.widgets.text import ERROR_STYLE, named_edit, plain_label

OK_STYLE = "color: #1b5e20;"
# what users.py would silently drop from a name: refused here, so nobody wonders later
CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def wrapped(text: str = "", name: str = "") -> QLabel:
    label = plain_label(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def error_label(name: str) -> QLabel:
    label = wrapped(name=f"error_{name}")
    label.setStyleSheet(ERROR_STYLE)
    label.setVisible(False)
    return label


def show(label: QLabel, text: str | None, style: str = ERROR_STYLE) -> None:
    label.setText(text or "")
    label.setStyleSheet(style)
    label.setVisible(bool(text))


def add_field(form: QFormLayout, text: str, field: QWidget, *below: QWidget) -> None:
    """One row of ``form``: its label (whose mnemonic goes to ``field``), the field, and
    what is shown under it (a hint, its error), taking no room while hidden."""
    label = QLabel(text)
    label.setBuddy(field)
    column = QVBoxLayout()
    column.setSpacing(2)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(field)
    for widget in below:
        column.addWidget(widget)
    form.addRow(label, column)


def busy_bar() -> QProgressBar:
    bar = QProgressBar()
    bar.setRange(0, 0)  # no known length: the moving bar says "working"
    bar.setTextVisible(False)
    bar.setMaximumHeight(12)
    bar.setVisible(False)
    return bar


def control_message() -> str:
    return QCoreApplication.translate(
        "SetupWizard",
        "Remove the control character (a tab, line break or other invisible character).",
    )


# --- (a) where the data lives ------------------------------------------------------------------


class LocationPage(QWizardPage):
    """A SQLite file (the data folder's by default) or a PostgreSQL server, tried before
    Next: the check runs in the background and its verdict is shown under the choice."""

    def __init__(self, current_url: str, lang: str, runner: OpRunner) -> None:
        super().__init__()
        self.runner = runner
        self.lang = lang
        self.checked: ConnectionCheck | None = None
        self.busy = False
        self._advance = False
        self._verdict_for: str | None = None  # the address the status line speaks of
        self.setTitle(self.tr("Where the data lives"))
        self.setSubTitle(
            self.tr(
                "One person on one computer: a database file in your data folder. A team: "
                "a shared PostgreSQL server that everyone's application connects to."
            )
        )
        current = current_url
        default = paths.default_database_url()
        file_url = current if current.startswith("sqlite") else default
        file_path = sqlite_path(file_url)

        self.file_choice = QRadioButton(self.tr("A database file on &this computer"))
        self.file_choice.setObjectName("file_choice")
        self.file_edit = named_edit("database_file", str(file_path or ""))
        self.file_edit.setAccessibleName(self.tr("Database file"))
        self.choose_button = QPushButton(self.tr("C&hoose…"))
        self.choose_button.setObjectName("choose_file")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_hint = wrapped(
            self.tr(
                "The usual place, in your data folder (the file is created if it is not there):"
            )
        )
        self.default_path = wrapped(str(sqlite_path(default) or ""), "default_path")
        self.default_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.server_choice = QRadioButton(self.tr("A shared PostgreSQL &server"))
        self.server_choice.setObjectName("server_choice")
        self.server_edit = named_edit("server_url", "" if file_url == current else current)
        self.server_edit.setPlaceholderText("postgresql://user:password@server:5432/workinggroup")
        self.server_edit.setAccessibleName(self.tr("Server address"))
        self.test_button = QPushButton(self.tr("Test &connection"))
        self.test_button.setObjectName("test_connection")
        self.test_button.clicked.connect(lambda: self.start_check(advance=False))
        self.server_hint = wrapped(
            self.tr(
                "Ask your administrator for the address. It is kept in this computer's "
                "settings for the next start, password included; leave the password out of "
                "the address to use a ~/.pgpass file instead."
            )
        )
        self.status = wrapped(name="status")
        self.status.setVisible(False)
        self.progress = busy_bar()

        group = QButtonGroup(self)
        group.addButton(self.file_choice)
        group.addButton(self.server_choice)
        (self.file_choice if file_url == current else self.server_choice).setChecked(True)

        grid = QGridLayout()
        grid.setColumnMinimumWidth(0, 20)
        grid.setColumnStretch(1, 1)
        grid.addWidget(self.file_choice, 0, 0, 1, 3)
        grid.addWidget(self.file_edit, 1, 1)
        grid.addWidget(self.choose_button, 1, 2)
        grid.addWidget(self.file_hint, 2, 1, 1, 2)
        grid.addWidget(self.default_path, 3, 1, 1, 2)
        grid.setRowMinimumHeight(4, 8)
        grid.addWidget(self.server_choice, 5, 0, 1, 3)
        grid.addWidget(self.server_edit, 6, 1)
        grid.addWidget(self.test_button, 6, 2)
        grid.addWidget(self.server_hint, 7, 1, 1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addSpacing(6)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)

        for edit in (self.file_edit, self.server_edit):
            edit.textChanged.connect(self._edited)
        self.file_choice.toggled.connect(self._edited)
        self.setTabOrder(self.file_choice, self.file_edit)
        self.setTabOrder(self.file_edit, self.choose_button)
        self.setTabOrder(self.choose_button, self.server_choice)
        self.setTabOrder(self.server_choice, self.server_edit)
        self.setTabOrder(self.server_edit, self.test_button)
        self._edited()

    # what is chosen

    def on_file(self) -> bool:
        return self.file_choice.isChecked()

    def typed(self) -> str:
        return (self.file_edit if self.on_file() else self.server_edit).text()

    def problem(self) -> str | None:
        """What is wrong with the address as typed (checked here, without connecting)."""
        text = self.typed()
        if not text.strip():
            if self.on_file():
                return self.tr("Choose the database file.")
            return self.tr("Enter the server's address.")
        try:
            parsed = connection.parse_address(text)
        except ConnectionProblem as exc:
            return exc.message(self.lang)
        backend = parsed.get_backend_name()
        if self.on_file() and backend != "sqlite":
            return self.tr("A server's address goes in the box below, under the server.")
        if not self.on_file() and backend != "postgresql":
            return self.tr(
                "A server's address starts with postgresql://, for example "
                "postgresql://user@server:5432/workinggroup."
            )
        return None

    def url(self) -> str | None:
        if self.problem() is not None:
            return None
        return connection.parse_address(self.typed()).render_as_string(hide_password=False)

    def _edited(self, *_args: Any) -> None:
        on_file = self.on_file()
        for widget in (self.file_edit, self.choose_button):
            widget.setEnabled(on_file)
        for widget in (self.server_edit, self.test_button):
            widget.setEnabled(not on_file)
        if self.checked is not None and self.checked.url != self.url():
            self.checked = None
        if self.checked is None:
            self.setFinalPage(False)
        self.test_button.setEnabled(not on_file and not self.busy)
        problem = self.problem()
        if problem is not None:
            show(self.status, problem)
            self._verdict_for = None
        elif not self.busy and self._verdict_for != self.url():
            show(self.status, None)  # the verdict shown was about another address
        self.completeChanged.emit()

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Database file"),
            self.file_edit.text(),
            self.tr("Database files (*.sqlite3 *.db);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.file_edit.setText(path)

    # the check, in the background

    def start_check(self, *, advance: bool) -> None:
        url = self.url()
        if url is None or self.busy:
            return
        self.busy, self._advance = True, advance
        self.progress.setVisible(True)
        show(self.status, self.tr("Trying the connection…"), "")
        self.test_button.setEnabled(False)
        self.completeChanged.emit()
        self.runner.run(
            lambda: connection.check_connection(url),
            on_success=lambda check: self._checked(url, check),
            on_failure=lambda error: self._refused(url, error),
        )

    def _done(self) -> None:
        self.busy = False
        self.progress.setVisible(False)
        self.test_button.setEnabled(not self.on_file())

    def _checked(self, url: str, check: ConnectionCheck) -> None:
        self._done()
        if url != self.url():  # edited meanwhile: this verdict is about another address
            self._edited()
            return
        self.checked, self._verdict_for = check, url
        show(self.status, check.message(self.lang), OK_STYLE)
        self.setFinalPage(not check.needs_setup)
        self.completeChanged.emit()
        if self._advance and check.needs_setup:
            self.wizard().next()

    def _refused(self, url: str, error: DomainError) -> bool:
        self._done()
        if url == self.url():
            self.checked, self._verdict_for = None, url
            show(self.status, error.message(self.lang))
        self._edited()
        return True

    # QWizardPage

    def isComplete(self) -> bool:
        return not self.busy and self.problem() is None

    def nextId(self) -> int:
        if self.checked is not None and not self.checked.needs_setup:
            return -1  # already set up: Finish opens it for signing in
        return super().nextId()

    def validatePage(self) -> bool:
        if self.checked is not None and self.checked.url == self.url():
            return True
        self.start_check(advance=True)
        return False
