"""Signing in at start-up.

``sign_in(db, parent)`` is called after the database is open and before the main window
shows any data; it returns the signed-in ``Actor`` or ``None`` (the user cancelled).
The checks (password hash, lockout, audit) are all in ``workinggroup_app.services.users``;
the dialog only collects what was typed and shows the core's message. A new database (no
account yet) gets the set-up wizard instead (``dialogs.setup_wizard``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from workinggroup_app.domain.errors import DomainError
from workinggroup_app.domain.permissions import Actor
from workinggroup_app.services import users
from workinggroup_app.storage.credentials import Credentials
from workinggroup_app.storage.database import Database
from workinggroup_ui.widgets.text import ERROR_STYLE, named_edit


def _error_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote what was typed
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setVisible(False)
    return label


def _busy(fn: Callable[[], Actor]) -> Actor:
    """The hash check takes a fraction of a second: show a wait cursor meanwhile."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return fn()
    finally:
        QGuiApplication.restoreOverrideCursor()


class SignInDialog(QDialog):
    """User name and password; a refusal is shown inline and the password is cleared."""

    def __init__(
        self,
        db: Database | None,
        parent: QWidget | None = None,
        *,
        lang: str = "en",
        username: str = "",
        purpose: str = "sign_in",
        connect: Callable[[Credentials], Database] | None = None,
    ) -> None:
        super().__init__(parent)
        # no database yet (``connect``): a shared server where each person connects as
        # their own login, so the name and password open the connection first
        self.db = db
        self.connect = connect
        self.lang = lang
        self.purpose = purpose
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("Sign in"))
        self.setModal(True)

        intro = QLabel(self.tr("Sign in to the working-group case manager."))
        intro.setWordWrap(True)
        self.username = named_edit("username", username)
        self.username.setAccessibleName(self.tr("User name"))
        self.password = named_edit("password", secret=True)
        self.password.setAccessibleName(self.tr("Password"))
        self.error = _error_label()
        self.error.setObjectName("error")

        form = QFormLayout()
        form.addRow(self.tr("&User name:"), self.username)
        form.addRow(self.tr("&Password:"), self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText(self.tr("Sign in"))
        self.sign_in_button.setDefault(True)
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.username, self.password)
        (self.password if username else self.username).setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    def try_sign_in(self) -> None:
        name = self.username.text().strip()
        if not name:
            self.show_error(self.tr("Enter your user name."))
            self.username.setFocus()
            return
        password = self.password.text()
        try:
            self.actor = _busy(lambda: self._authenticate(name, password))
        except DomainError as e:
            self.password.clear()
            self.show_error(e.message(self.lang))
            self.password.setFocus()
            return
        self.accept()

    def _authenticate(self, name: str, password: str) -> Actor:
        if self.db is not None:
            return users.authenticate(self.db, name, password, purpose=self.purpose)
        assert self.connect is not None
        db = self.connect(Credentials(name, password))
        try:
            actor = users.authenticate(db, name, password, purpose=self.purpose)
        except BaseException:
            db.dispose()  # the next try connects with what is typed then
            raise
        self.db = db
        return actor


def sign_in(
    db: Database, parent: QWidget | None = None, *, lang: str = "en", username: str = ""
) -> Actor | None:
    """Who is using the application: the signed-in user, or None when the person cancels
    (the caller then closes the application). A database with no account yet is set up
    with ``workinggroup_ui.dialogs.setup_wizard.SetupWizard`` instead."""
    dialog = SignInDialog(db, parent, lang=lang, username=username)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.actor
